import { useEffect, useState, type ComponentType } from "react";
import { useNavigation, useSubmit } from "@remix-run/react";
import { Banner, BlockStack, Box, Button, Card, DataTable, InlineGrid, InlineStack, Text } from "@shopify/polaris";

type ExposureView = {
  impressions: number;
  coverage: number;
  giniByProduct: number;
  giniByVendor: number;
  newProductShare: number;
  newCatalogueShare: number;
  intraListDiversity: number | null;
  lists: number;
};

export interface FairnessReportView {
  id: string;
  periodEnd: string;
  metrics: {
    periodStart: string;
    periodEnd: string;
    overall: ExposureView;
    bySegment: Record<string, ExposureView & { name: string }>;
    impressionsByVendor: { vendor: string; impressions: number }[];
    shoppersSeen: number;
    optOuts: number;
    optOutRate: number;
    notInterestedRate: number;
    notInterestedMarks: number;
    alerts: { kind: string; message: string }[];
    listApproximation: string;
  };
}

type DataSeries = { name: string; data: { key: string; value: number | null }[] };
type Viz = {
  PolarisVizProvider: ComponentType<{ children: React.ReactNode }>;
  BarChart: ComponentType<{ data: DataSeries[]; direction?: "horizontal" | "vertical"; theme?: string }>;
  LineChart: ComponentType<{ data: DataSeries[]; theme?: string }>;
};

// polaris-viz measures the DOM, so it is loaded after hydration and never during server rendering.
function useViz(): Viz | null {
  const [viz, setViz] = useState<Viz | null>(null);
  useEffect(() => {
    let live = true;
    import("@shopify/polaris-viz").then((m) => live && setViz(m as unknown as Viz)).catch(() => {});
    return () => {
      live = false;
    };
  }, []);
  return viz;
}

const pct = (x: number | null) => (x === null ? "—" : `${(x * 100).toFixed(1)}%`);
const num = (x: number | null) => (x === null ? "—" : x.toFixed(3));

function Measure({ label, value, help }: { label: string; value: string; help: string }) {
  return (
    <BlockStack gap="100">
      <Text as="p" tone="subdued" variant="bodySm">
        {label}
      </Text>
      <Text as="p" variant="headingLg">
        {value}
      </Text>
      <Text as="p" variant="bodySm">
        {help}
      </Text>
    </BlockStack>
  );
}

/** The exposure & fairness report: coverage, concentration, new-product share, diversity, per segment, with charts. */
export function EthicsFairnessCard({ reports }: { reports: FairnessReportView[] }) {
  const viz = useViz();
  const submit = useSubmit();
  const navigation = useNavigation();
  const running = navigation.state !== "idle" && navigation.formData?.get("intent") === "run-fairness";
  const latest = reports[0];
  const m = latest?.metrics;
  const history = [...reports].reverse();
  return (
    <Card>
      <BlockStack gap="400">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">
            Exposure &amp; fairness
          </Text>
          <Button loading={running} onClick={() => submit({ intent: "run-fairness" }, { method: "post" })}>
            Run report now
          </Button>
        </InlineStack>
        {!m ? (
          <Text as="p">No report yet. It runs on the first of every month over the last 30 days of impressions, or run it now.</Text>
        ) : (
          <BlockStack gap="400">
            <Text as="p" tone="subdued">
              {new Date(m.periodStart).toLocaleDateString()} – {new Date(m.periodEnd).toLocaleDateString()}:{" "}
              {m.overall.impressions.toLocaleString()} impressions to {m.shoppersSeen.toLocaleString()} shoppers.
            </Text>
            {m.alerts.map((a) => (
              <Banner key={a.kind} tone="warning" title="Shoppers are pushing back">
                <p>{a.message}</p>
              </Banner>
            ))}
            <InlineGrid columns={{ xs: 1, sm: 2, md: 3 }} gap="400">
              <Measure label="Catalogue coverage" value={pct(m.overall.coverage)} help="Products shown at least once." />
              <Measure label="Concentration by product (Gini)" value={num(m.overall.giniByProduct)} help="0 = even exposure, 1 = all on one product." />
              <Measure label="Concentration by vendor (Gini)" value={num(m.overall.giniByVendor)} help="How evenly vendors are shown." />
              <Measure
                label="Share to new products"
                value={pct(m.overall.newProductShare)}
                help={`Products added in the last 30 days; they are ${pct(m.overall.newCatalogueShare)} of the catalogue.`}
              />
              <Measure
                label="Variety within lists"
                value={num(m.overall.intraListDiversity)}
                help={`Mean dissimilarity within ${m.overall.lists.toLocaleString()} lists (a list ≈ ${m.listApproximation}).`}
              />
              <Measure
                label="Opt-outs / “not interested”"
                value={`${pct(m.optOutRate)} / ${pct(m.notInterestedRate)}`}
                help={`${m.optOuts} shoppers turned personalisation off; ${m.notInterestedMarks} products dismissed.`}
              />
            </InlineGrid>
            {viz ? (
              <viz.PolarisVizProvider>
                <BlockStack gap="400">
                  <Box minHeight="260px">
                    <Text as="h3" variant="headingSm">
                      Impressions by vendor (top 10)
                    </Text>
                    <div style={{ height: 240 }}>
                      <viz.BarChart
                        theme="Light"
                        direction="horizontal"
                        data={[{ name: "Impressions", data: m.impressionsByVendor.slice(0, 10).map((v) => ({ key: v.vendor, value: v.impressions })) }]}
                      />
                    </div>
                  </Box>
                  {history.length > 1 ? (
                    <Box minHeight="260px">
                      <Text as="h3" variant="headingSm">
                        Coverage and concentration over time
                      </Text>
                      <div style={{ height: 240 }}>
                        <viz.LineChart
                          theme="Light"
                          data={[
                            { name: "Coverage", data: history.map((r) => ({ key: r.periodEnd.slice(0, 10), value: r.metrics.overall.coverage })) },
                            { name: "Gini by product", data: history.map((r) => ({ key: r.periodEnd.slice(0, 10), value: r.metrics.overall.giniByProduct })) },
                          ]}
                        />
                      </div>
                    </Box>
                  ) : null}
                </BlockStack>
              </viz.PolarisVizProvider>
            ) : (
              <Box minHeight="260px">
                <Text as="p" tone="subdued">
                  Loading charts…
                </Text>
              </Box>
            )}
            <DataTable
              columnContentTypes={["text", "numeric", "numeric", "numeric", "numeric", "numeric"]}
              headings={["Segment", "Impressions", "Coverage", "Gini (product)", "New-product share", "Variety"]}
              rows={Object.entries(m.bySegment).map(([id, s]) => [
                s.name ?? id,
                s.impressions.toLocaleString(),
                pct(s.coverage),
                num(s.giniByProduct),
                pct(s.newProductShare),
                num(s.intraListDiversity),
              ])}
            />
          </BlockStack>
        )}
      </BlockStack>
    </Card>
  );
}
