import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { Badge, Banner, BlockStack, Button, Card, DataTable, InlineStack, Layout, Page, ProgressBar, Text } from "@shopify/polaris";
import { TitleBar } from "@shopify/app-bridge-react";
import { z } from "zod";
import { authenticate } from "~/shopify.server";
import { formDataWithin } from "~/services/body-limit.server";
import { ExperimentStateError, getExperiment, setExperimentStatus } from "~/models/experiments.server";
import { getArmStats } from "~/models/metrics.server";
import { analyseExperiment, toCsv, type ExperimentAnalysis } from "~/services/roi.server";
import { MetricCsvButton } from "~/components/MetricCsvButton";

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const experiment = await getExperiment({ shop: session.shop, id: params.id ?? "" });
  if (!experiment) throw new Response("Experiment not found", { status: 404 });
  const now = new Date();
  const stats =
    experiment.startedAt !== null
      ? await getArmStats({ shop: session.shop, surface: experiment.surface, from: experiment.startedAt, to: experiment.stoppedAt ?? now })
      : {};
  const analysis = experiment.startedAt ? analyseExperiment({ experiment, stats, now }) : null;
  if (new URL(request.url).searchParams.get("format") === "csv") {
    const ci = (u: { uplift: number; ci: { lower: number; upper: number } } | null) => (u ? [u.uplift, u.ci.lower, u.ci.upper] : ["", "", ""]);
    const rows: unknown[][] = [
      ["experiment", experiment.name],
      ["surface", experiment.surface],
      ["status", experiment.status],
      ["started", experiment.startedAt?.toISOString() ?? ""],
      ["stopped", experiment.stoppedAt?.toISOString() ?? ""],
      ["planned_visitors", experiment.targetSampleSize ?? ""],
      ["srm_p_value", analysis?.srm?.pValue ?? ""],
      ["srm_mismatch", analysis?.srm?.mismatch ?? ""],
      ["verdict", analysis?.verdict.message ?? "not started"],
      [],
      ["arm", "strategy", "planned_share", "visitors", "converters", "conversion_rate", "revenue_per_visitor", "conversion_uplift", "conversion_uplift_ci_lower", "conversion_uplift_ci_upper", "revenue_uplift", "revenue_uplift_ci_lower", "revenue_uplift_ci_upper", "probability_best"],
      ...(analysis?.arms ?? []).map((a) => [a.arm, a.strategy, a.plannedShare, a.visitors, a.converters, a.conversionRate, a.revenuePerVisitor, ...ci(a.conversionUplift), ...ci(a.revenueUplift), a.probabilityBest ?? ""]),
    ];
    return new Response(toCsv(rows), { headers: { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": `attachment; filename="experiment-${experiment.id}.csv"` } });
  }
  return json({ experiment, analysis });
};

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const form = await formDataWithin(request);
  const intent = z.enum(["start", "stop"]).safeParse(form.get("intent"));
  if (!intent.success) return json({ error: "Choose start or stop." }, { status: 400 });
  const actor = String(session.onlineAccessInfo?.associated_user?.email ?? session.onlineAccessInfo?.associated_user?.id ?? "admin");
  try {
    const updated = await setExperimentStatus({ shop: session.shop, actor, id: params.id ?? "", status: intent.data === "start" ? "running" : "stopped" });
    if (!updated) throw new Response("Experiment not found", { status: 404 });
    return json({ error: null });
  } catch (error) {
    if (error instanceof ExperimentStateError) return json({ error: error.message }, { status: 409 });
    throw error;
  }
};

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
const signed = (v: number) => (v > 0 ? `+${pct(v)}` : pct(v));
const interval = (u: { uplift: number; ci: { lower: number; upper: number } } | null) =>
  u ? `${signed(u.uplift)} (95% CI ${pct(u.ci.lower)} to ${pct(u.ci.upper)})` : "—";

export default function ExperimentPage() {
  const data = useLoaderData<typeof loader>();
  const experiment = data.experiment;
  const analysis = data.analysis as unknown as ExperimentAnalysis | null;
  const actionData = useActionData<typeof action>() as { error: string | null } | undefined;
  const verdictTone = analysis
    ? ({ sample_ratio_mismatch: "critical", insufficient_data: "info", positive: "success", negative: "warning", inconclusive: "info" } as const)[analysis.verdict.status]
    : "info";
  return (
    <Page
      title={experiment.name}
      titleMetadata={<Badge tone={experiment.status === "running" ? "success" : undefined}>{experiment.status}</Badge>}
      backAction={{ content: "Experiments", url: "/app/experiments" }}
    >
      <TitleBar title={experiment.name} />
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {actionData?.error ? <Banner tone="critical">{actionData.error}</Banner> : null}
            <Card>
              <InlineStack gap="400" align="space-between" blockAlign="center">
                <Text as="p">
                  {`On ${experiment.surface} · holdout ${experiment.holdoutPct}% · rollout ${experiment.rolloutPct}% · planned ${experiment.targetSampleSize?.toLocaleString("en") ?? "—"} visitors`}
                  {experiment.startedAt ? ` · started ${experiment.startedAt.slice(0, 10)}` : ""}
                  {experiment.stoppedAt ? ` · stopped ${experiment.stoppedAt.slice(0, 10)}` : ""}
                </Text>
                <InlineStack gap="200">
                  {experiment.status === "draft" ? (
                    <Form method="post">
                      <input type="hidden" name="intent" value="start" />
                      <Button submit variant="primary">Start</Button>
                    </Form>
                  ) : null}
                  {experiment.status === "running" ? (
                    <Form method="post">
                      <input type="hidden" name="intent" value="stop" />
                      <Button submit tone="critical">Stop</Button>
                    </Form>
                  ) : null}
                  <MetricCsvButton href={`/app/experiments/${experiment.id}?format=csv`} filename={`experiment-${experiment.id}.csv`} />
                </InlineStack>
              </InlineStack>
            </Card>
            {!analysis ? (
              <Banner tone="info" title="Not started">
                <p>Results appear here once the experiment is started and consented shoppers on {experiment.surface} are assigned to its groups.</p>
              </Banner>
            ) : (
              <>
                <Banner tone={verdictTone} title="Verdict">
                  <p>{analysis.verdict.message}</p>
                  {analysis.verdict.status === "insufficient_data" ? (
                    <p>The length was fixed when the experiment was created; reading a winner early raises false alarms. You can still stop an arm that is clearly hurting sales.</p>
                  ) : null}
                </Banner>
                <Card>
                  <BlockStack gap="200">
                    <Text as="h2" variant="headingMd">
                      Progress to the planned sample
                    </Text>
                    <ProgressBar progress={Math.round(analysis.progress.fractionComplete * 100)} />
                    <Text as="p" tone="subdued">
                      {`${Math.round(analysis.progress.fractionComplete * 100)}% of the smallest group's planned sample after ${analysis.daysElapsed.toFixed(1)} days. `}
                      {analysis.srm
                        ? analysis.srm.mismatch
                          ? `Sample ratio mismatch: the split differs from the plan (p = ${analysis.srm.pValue.toExponential(2)}).`
                          : `Split matches the plan (sample-ratio check p = ${analysis.srm.pValue.toFixed(3)}).`
                        : "No visitors yet, so the split can't be checked."}
                    </Text>
                  </BlockStack>
                </Card>
                <Card padding="0">
                  <DataTable
                    columnContentTypes={["text", "text", "numeric", "numeric", "numeric", "numeric", "text", "text", "numeric"]}
                    headings={["Arm", "Strategy", "Planned share", "Visitors", "Conversion", "Revenue / visitor", "Conversion vs holdout", "Revenue / visitor vs holdout", "Chance best"]}
                    rows={analysis.arms.map((a) => [
                      a.arm,
                      a.strategy,
                      pct(a.plannedShare),
                      a.visitors.toLocaleString("en"),
                      a.visitors > 0 ? pct(a.conversionRate) : "—",
                      a.visitors > 0 ? a.revenuePerVisitor.toFixed(2) : "—",
                      interval(a.conversionUplift),
                      interval(a.revenueUplift),
                      a.probabilityBest === null ? "—" : pct(a.probabilityBest),
                    ])}
                  />
                </Card>
                <Text as="p" tone="subdued" variant="bodySm">
                  Each shopper counts once, in the group of their first visit to {experiment.surface} after the start; their orders from then on
                  count toward that group. "Chance best" describes the data so far and is not a reason to stop early.
                </Text>
              </>
            )}
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
