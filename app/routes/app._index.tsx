import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, InlineGrid, InlineStack, Layout, Page, Select, Text, TextField } from "@shopify/polaris";
import { TitleBar } from "@shopify/app-bridge-react";
import vizStyles from "@shopify/polaris-viz/build/esm/styles.css";
import { useState } from "react";
import { z } from "zod";
import { authenticate } from "~/shopify.server";
import { formDataWithin } from "~/services/body-limit.server";
import { getShop, getShopOverview, getShopSettings } from "~/models/shop.server";
import { dayKey, dayStart, getArmStats, getInstallBaseline, getPeriodOrderFigures, listMetricDaily, saveRoiSettings } from "~/models/metrics.server";
import { enqueue } from "~/jobs/queues.server";
import { daysBetween, estimateIncrementalRevenue, estimateRoi, metricTotals, toCsv, trendSeries, type Breakdown } from "~/services/roi.server";
import { DashboardCharts, type Trend } from "~/components/DashboardCharts";
import { MetricFigure } from "~/components/MetricFigure";
import { MetricCsvButton } from "~/components/MetricCsvButton";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: vizStyles }];

const DAY_MS = 86_400_000;
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

/** Reads the date range and breakdown from the query; anything malformed falls back to the last 28 days by surface. */
function readView(url: URL, now: Date) {
  const to = day.safeParse(url.searchParams.get("to")).data ?? dayKey(now);
  const fallbackFrom = dayKey(new Date(dayStart(to).getTime() - 27 * DAY_MS));
  let from = day.safeParse(url.searchParams.get("from")).data ?? fallbackFrom;
  if (from > to || Number.isNaN(dayStart(from).getTime())) from = fallbackFrom;
  const breakdown = z.enum(["surface", "strategy", "segment", "arm"]).catch("surface").parse(url.searchParams.get("breakdown") ?? "surface") as Breakdown;
  return { from, to, breakdown };
}

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const shop = session.shop;
  const url = new URL(request.url);
  const view = readView(url, new Date());
  const start = dayStart(view.from);
  const end = new Date(dayStart(view.to).getTime() + DAY_MS);
  const days = daysBetween(view.from, view.to);
  const shopRow = await getShop({ shop });
  // Before/after compares the part of the range after install with an equally long window just before it.
  const installedAt = shopRow?.installedAt ?? start;
  const afterInstall = installedAt > start ? installedAt : start;
  const afterDays = Math.ceil((end.getTime() - afterInstall.getTime()) / DAY_MS);
  const [overview, settings, rows, stats, period, baseline] = await Promise.all([
    getShopOverview({ shop }),
    getShopSettings({ shop }),
    listMetricDaily({ shop, from: view.from, to: view.to }),
    getArmStats({ shop, from: start, to: end }),
    afterDays > 0 ? getPeriodOrderFigures({ shop, from: afterInstall, to: end }) : Promise.resolve(null),
    afterDays > 0 ? getInstallBaseline({ shop, days: afterDays }) : Promise.resolve(null),
  ]);
  const incremental = estimateIncrementalRevenue(stats);
  const roi = estimateRoi({ incremental, grossMarginPct: settings.roi.grossMarginPct, appCostCentsPerMonth: settings.roi.appCostCents, days: days.length });
  const totals = metricTotals(rows);
  const trends = trendSeries(rows, view.breakdown, days);

  if (url.searchParams.get("format") === "csv") {
    const lines: unknown[][] = [
      ["section", "key", "value", "ci_lower", "ci_upper"],
      ["range", "from", view.from],
      ["range", "to", view.to],
      ["incremental_revenue", "total", incremental.available ? incremental.total.estimate : "", incremental.available ? incremental.total.ci.lower : "", incremental.available ? incremental.total.ci.upper : ""],
      ["incremental_revenue", "per_visitor", incremental.available ? incremental.perVisitor.estimate : "", incremental.available ? incremental.perVisitor.ci.lower : "", incremental.available ? incremental.perVisitor.ci.upper : ""],
      ["incremental_revenue", "treated_visitors", incremental.treatedVisitors],
      ["incremental_revenue", "holdout_visitors", incremental.holdoutVisitors],
      ["roi", "roi", roi.available ? roi.roi.estimate : "", roi.available ? roi.roi.ci.lower : "", roi.available ? roi.roi.ci.upper : ""],
      ["roi", "incremental_margin", roi.available ? roi.incrementalMargin.estimate : "", roi.available ? roi.incrementalMargin.ci.lower : "", roi.available ? roi.incrementalMargin.ci.upper : ""],
      ["roi", "app_cost_for_period", roi.available ? roi.appCost : ""],
      ["roi", "gross_margin_pct", settings.roi.grossMarginPct],
      ["after_install", "window", period ? `${period.from}..${period.to}` : ""],
      ["after_install", "orders", period?.orders ?? ""],
      ["after_install", "revenue", period ? period.revenueCents / 100 : ""],
      ["baseline_before_install", "orders", baseline?.orders ?? ""],
      ["baseline_before_install", "revenue", baseline ? baseline.revenueCents / 100 : ""],
      ["baseline_before_install", "window", baseline ? `${baseline.from}..${baseline.to}` : ""],
      [],
      ["day", "surface", "strategy", "segment", "arm", "visitors", "impressions", "clicks", "add_to_carts", "orders", "revenue", "attributed_revenue"],
      ...rows.map((r) => [r.day, r.surface, r.strategy, r.segment, r.arm, r.visitors, r.impressions, r.clicks, r.addToCarts, r.orders, r.revenueCents / 100, r.attributedCents / 100]),
    ];
    return new Response(toCsv(lines), {
      headers: { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": `attachment; filename="shopkeeper-dashboard-${view.from}-to-${view.to}.csv"` },
    });
  }

  return json({
    shop,
    overview,
    view,
    currency: shopRow?.currency ?? "USD",
    roiSettings: settings.roi,
    incremental,
    roi,
    totals,
    trends,
    hasMetrics: rows.length > 0,
    days: days.length,
    period,
    baseline,
  });
};

const roiFormSchema = z.object({
  grossMarginPct: z.coerce
    .number({ invalid_type_error: "Enter your gross margin as a number, e.g. 40" })
    .min(0, "Gross margin can't be negative")
    .max(100, "Gross margin is a percentage up to 100"),
  appCost: z.coerce
    .number({ invalid_type_error: "Enter the app's monthly cost as a number, e.g. 49.00" })
    .min(0, "App cost can't be negative")
    .max(1_000_000, "App cost looks too large; enter the monthly cost"),
});

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const form = await formDataWithin(request);
  const intent = form.get("intent");
  const actor = String(session.onlineAccessInfo?.associated_user?.email ?? session.onlineAccessInfo?.associated_user?.id ?? "admin");
  if (intent === "roi") {
    const raw = { grossMarginPct: emptyToNaN(form.get("grossMarginPct")), appCost: emptyToNaN(form.get("appCost")) };
    const parsed = roiFormSchema.safeParse(raw);
    if (!parsed.success) {
      return json({ intent, errors: parsed.error.flatten().fieldErrors }, { status: 422 });
    }
    const roi = { grossMarginPct: parsed.data.grossMarginPct, appCostCents: Math.round(parsed.data.appCost * 100) };
    await saveRoiSettings({ shop: session.shop, actor, roi });
    return json({ intent, saved: roi });
  }
  if (intent === "rebuild") {
    const parsed = z.object({ from: day, to: day }).safeParse({ from: form.get("from"), to: form.get("to") });
    if (!parsed.success || parsed.data.from > parsed.data.to) {
      return json({ intent, errors: { range: ["Pick a start date on or before the end date"] } }, { status: 422 });
    }
    await enqueue("rebuild-metrics", { shop: session.shop, ...parsed.data });
    return json({ intent, queued: parsed.data });
  }
  return json({ errors: { intent: ["Unknown action"] } }, { status: 400 });
};

function emptyToNaN(value: FormDataEntryValue | null) {
  return typeof value === "string" && value.trim() !== "" ? value.trim() : Number.NaN;
}

function money(value: number, currency: string) {
  return new Intl.NumberFormat("en", { style: "currency", currency, maximumFractionDigits: 2 }).format(value);
}
const pct = (v: number | null) => (v === null ? "—" : `${(v * 100).toFixed(1)}%`);

function Figure({ label, value }: { label: string; value: number }) {
  return <MetricFigure label={label} value={value.toLocaleString("en")} />;
}

export default function Dashboard() {
  const data = useLoaderData<typeof loader>();
  const { shop, overview, view, days, currency, incremental, roi, totals, trends, hasMetrics, period, baseline, roiSettings } = data;
  const actionData = useActionData<typeof action>() as { intent?: string; errors?: Record<string, string[] | undefined>; saved?: unknown; queued?: unknown } | undefined;
  const navigation = useNavigation();
  const [margin, setMargin] = useState(String(roiSettings.grossMarginPct));
  const [cost, setCost] = useState((roiSettings.appCostCents / 100).toFixed(2));
  const csvHref = `/app?${new URLSearchParams({ from: view.from, to: view.to, breakdown: view.breakdown, format: "csv" })}`;
  const [breakdown, setBreakdown] = useState<string>(view.breakdown);
  const [fromDay, setFromDay] = useState<string>(view.from);
  const [toDay, setToDay] = useState<string>(view.to);
  const chartTrends: Trend[] = [
    { id: "attributed", title: "Attributed revenue (not incremental)", caption: "Revenue on order lines a recommendation led to. Some of it would have happened anyway; see incremental revenue above for what the app caused.", format: "money", series: trends.attributedRevenue },
    { id: "ctr", title: "Click-through rate", caption: "Recommendation clicks ÷ impressions, per day.", format: "percent", series: trends.ctr },
    { id: "conversion", title: "Conversion of exposed visitors", caption: "Orders of visitors who saw recommendations ÷ those visitors, per day.", format: "percent", series: trends.conversion },
    { id: "aov", title: "Average order value of exposed visitors", caption: "Net revenue ÷ orders of visitors who saw recommendations.", format: "money", series: trends.aov },
  ];
  const errors = actionData?.errors ?? {};
  return (
    <Page title="Dashboard">
      <TitleBar title="Shopkeeper" />
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <Text as="p">Synced data for {shop}</Text>
            <InlineGrid columns={{ xs: 1, sm: 3 }} gap="400">
              <Figure label="Products" value={overview.products} />
              <Figure label="Customers" value={overview.customers} />
              <Figure label="Orders" value={overview.orders} />
            </InlineGrid>

            <Card>
              <Form method="get">
                <InlineStack gap="300" blockAlign="end" wrap>
                  <TextField label="From" name="from" type="date" autoComplete="off" value={fromDay} onChange={setFromDay} />
                  <TextField label="To" name="to" type="date" autoComplete="off" value={toDay} onChange={setToDay} />
                  <Select
                    label="Break down by"
                    name="breakdown"
                    options={[
                      { label: "Surface", value: "surface" },
                      { label: "Strategy", value: "strategy" },
                      { label: "Segment", value: "segment" },
                      { label: "Arm", value: "arm" },
                    ]}
                    value={breakdown}
                    onChange={setBreakdown}
                  />
                  <Button submit>Show</Button>
                  <MetricCsvButton href={csvHref} filename={`shopkeeper-dashboard-${view.from}-to-${view.to}.csv`} />
                </InlineStack>
              </Form>
            </Card>

            <Text as="h2" variant="headingLg">
              Incremental revenue and ROI, {view.from} to {view.to}
            </Text>
            {incremental.available ? (
              <InlineGrid columns={{ xs: 1, sm: 2 }} gap="400">
                <MetricFigure
                  label="Incremental revenue vs the holdout group"
                  value={money(incremental.total.estimate, currency)}
                  tone={incremental.total.ci.lower > 0 ? "success" : undefined}
                  detail={`95% CI ${money(incremental.total.ci.lower, currency)} to ${money(incremental.total.ci.upper, currency)} · ${incremental.treatedVisitors.toLocaleString("en")} treated and ${incremental.holdoutVisitors.toLocaleString("en")} holdout visitors · ${money(incremental.perVisitor.estimate, currency)} per treated visitor`}
                />
                {roi.available ? (
                  <MetricFigure
                    label="Return on the app's cost"
                    value={pct(roi.roi.estimate)}
                    detail={`95% CI ${pct(roi.roi.ci.lower)} to ${pct(roi.roi.ci.upper)} · incremental gross margin ${money(roi.incrementalMargin.estimate, currency)} at ${roi.marginPct}% margin, app cost ${money(roi.appCost, currency)} for these ${days} days`}
                  />
                ) : (
                  <MetricFigure label="Return on the app's cost" value="—" detail={roi.reason} tone="subdued" />
                )}
              </InlineGrid>
            ) : (
              <Banner tone="info" title="No incremental revenue estimate yet">
                <p>
                  Incremental revenue compares shoppers who saw personalised recommendations with the holdout group that saw
                  bestsellers instead. It appears once the storefront has recorded consented visits in both groups in this date range
                  ({incremental.treatedVisitors.toLocaleString("en")} treated and {incremental.holdoutVisitors.toLocaleString("en")} holdout
                  visitors so far). {incremental.reason}
                </p>
              </Banner>
            )}

            <Card>
              <Form method="post">
                <input type="hidden" name="intent" value="roi" />
                <BlockStack gap="300">
                  <Text as="h3" variant="headingSm">
                    ROI inputs
                  </Text>
                  <Text as="p" tone="subdued" variant="bodySm">
                    ROI = (incremental revenue × gross margin − app cost) ÷ app cost. The monthly cost is prorated over the days shown.
                  </Text>
                  <InlineStack gap="300" blockAlign="end" wrap>
                    <TextField label="Gross margin (%)" name="grossMarginPct" type="number" autoComplete="off" value={margin} onChange={setMargin} error={errors.grossMarginPct?.[0]} />
                    <TextField label={`App cost per month (${currency})`} name="appCost" type="number" autoComplete="off" value={cost} onChange={setCost} error={errors.appCost?.[0]} />
                    <Button submit loading={navigation.state === "submitting" && navigation.formData?.get("intent") === "roi"}>
                      Save ROI inputs
                    </Button>
                  </InlineStack>
                  {actionData?.intent === "roi" && actionData.saved ? <Text as="p" tone="success">Saved.</Text> : null}
                </BlockStack>
              </Form>
            </Card>

            <Text as="h2" variant="headingLg">
              Trends
            </Text>
            {hasMetrics ? (
              <>
                <InlineGrid columns={{ xs: 2, md: 4 }} gap="400">
                  <MetricFigure label="Attributed revenue (not incremental)" value={money(totals.attributedCents / 100, currency)} />
                  <MetricFigure label="Click-through rate" value={pct(totals.ctr)} detail={`${totals.clicks.toLocaleString("en")} clicks / ${totals.impressions.toLocaleString("en")} impressions`} />
                  <MetricFigure label="Conversion (visitor-days)" value={pct(totals.conversion)} detail={`${totals.orders.toLocaleString("en")} orders / ${totals.visitors.toLocaleString("en")} visitor-days`} />
                  <MetricFigure label="Average order value" value={totals.aovCents === null ? "—" : money(totals.aovCents / 100, currency)} />
                </InlineGrid>
                <DashboardCharts trends={chartTrends} currency={currency} />
              </>
            ) : (
              <Banner tone="info" title="No recommendation activity in this range yet">
                <p>
                  Charts of attributed revenue, click-through, conversion and order value appear once shoppers who accepted tracking
                  have seen recommendations on the storefront and the daily metrics have been computed (every night, or now with the
                  button below). Nothing is estimated or filled in before then.
                </p>
              </Banner>
            )}
            <Form method="post">
              <input type="hidden" name="intent" value="rebuild" />
              <input type="hidden" name="from" value={view.from} />
              <input type="hidden" name="to" value={view.to} />
              <InlineStack gap="300" blockAlign="center">
                <Button submit>Recompute metrics for this range</Button>
                {actionData?.intent === "rebuild" && actionData.queued ? <Text as="p" tone="subdued">Queued; reload in a moment.</Text> : null}
                {errors.range ? <Text as="p" tone="critical">{errors.range[0]}</Text> : null}
              </InlineStack>
            </Form>

            <Text as="h2" variant="headingLg">
              Before and after install
            </Text>
            {baseline && period ? (
              <InlineGrid columns={{ xs: 1, sm: 3 }} gap="400">
                <MetricFigure label={`Orders per day since install (${period.from} to ${period.to})`} value={period.ordersPerDay.toFixed(1)} detail={`Before install: ${baseline.ordersPerDay.toFixed(1)} (${baseline.from} to ${baseline.to})`} />
                <MetricFigure label="Revenue" value={money(period.revenueCents / 100, currency)} detail={`Same-length window before install: ${money(baseline.revenueCents / 100, currency)}`} />
                <MetricFigure
                  label="Average order value"
                  value={period.aovCents === null ? "—" : money(period.aovCents / 100, currency)}
                  detail={`Before install: ${baseline.aovCents === null ? "—" : money(baseline.aovCents / 100, currency)}. A before/after change is not caused by the app alone; the holdout comparison above is.`}
                />
              </InlineGrid>
            ) : (
              <Banner tone="info" title="No baseline from before install">
                <p>
                  {period
                    ? `The baseline is taken from orders created in the ${period.days} days before the app was installed (an equal window to the ${period.days} days since). None were synced for that window, so there is nothing to compare with.`
                    : "This date range ends before the app was installed, so there is no after-install period to compare with the baseline."}
                </p>
              </Banner>
            )}
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
