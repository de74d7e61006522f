import { useEffect, useState } from "react";
import { BlockStack, Card, InlineGrid, Text } from "@shopify/polaris";
import { LineChart, PolarisVizProvider } from "@shopify/polaris-viz";

export type TrendSeries = { name: string; data: { key: string; value: number | null }[] };
export type Trend = { id: string; title: string; caption: string; format: "money" | "percent" | "number"; series: TrendSeries[] };

function formatter(format: Trend["format"], currency: string) {
  if (format === "percent") return (v: unknown) => `${(Number(v) * 100).toFixed(1)}%`;
  if (format === "money") return (v: unknown) => new Intl.NumberFormat("en", { style: "currency", currency }).format(Number(v));
  return (v: unknown) => Number(v).toLocaleString("en");
}

/** Trend charts; rendered only after hydration because polaris-viz measures the DOM. */
export function DashboardCharts({ trends, currency }: { trends: Trend[]; currency: string }) {
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  return (
    <PolarisVizProviderMaybe mounted={mounted}>
      <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
        {trends.map((trend) => (
          <Card key={trend.id}>
            <BlockStack gap="200">
              <Text as="h3" variant="headingSm">
                {trend.title}
              </Text>
              <Text as="p" tone="subdued" variant="bodySm">
                {trend.caption}
              </Text>
              <div style={{ height: 240 }} data-chart={trend.id}>
                {mounted ? (
                  <LineChart
                    data={trend.series}
                    theme="Light"
                    isAnimated={false}
                    yAxisOptions={{ labelFormatter: formatter(trend.format, currency) }}
                    tooltipOptions={{ valueFormatter: formatter(trend.format, currency) }}
                  />
                ) : (
                  <Text as="p" tone="subdued">
                    Loading chart…
                  </Text>
                )}
              </div>
            </BlockStack>
          </Card>
        ))}
      </InlineGrid>
    </PolarisVizProviderMaybe>
  );
}

function PolarisVizProviderMaybe({ mounted, children }: { mounted: boolean; children: React.ReactNode }) {
  return mounted ? <PolarisVizProvider>{children}</PolarisVizProvider> : <>{children}</>;
}
