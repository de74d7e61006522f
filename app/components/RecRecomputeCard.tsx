import { BlockStack, Button, Card, InlineStack, ProgressBar, Text } from "@shopify/polaris";
import { Form } from "@remix-run/react";

export interface RecomputeRunView {
  id: string;
  version: number;
  status: string;
  progress: number;
  stage: string | null;
  stats: Record<string, unknown> | null;
  lastError: string | null;
  startedAt: string;
  finishedAt: string | null;
}

/** Progress of the current recompute, the last run's figures and a "Recompute now" button. */
export function RecRecomputeCard({ runs, liveVersion, submitting }: { runs: readonly RecomputeRunView[]; liveVersion: number; submitting: boolean }) {
  const latest = runs[0];
  const lastDone = runs.find((r) => r.status === "completed");
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">Recompute</Text>
          <Form method="post">
            <input type="hidden" name="intent" value="recompute" />
            <Button submit loading={submitting} disabled={latest?.status === "running"}>Recompute now</Button>
          </Form>
        </InlineStack>
        <Text as="p">Live version: {liveVersion === 0 ? "none yet" : liveVersion}. Lists are recomputed nightly and refreshed within seconds of each order.</Text>
        {latest?.status === "running" ? (
          <BlockStack gap="100">
            <Text as="p">Running: {latest.stage ?? "starting"} ({Math.round(latest.progress * 100)}%)</Text>
            <ProgressBar progress={Math.round(latest.progress * 100)} />
          </BlockStack>
        ) : null}
        {latest?.status === "failed" ? <Text as="p" tone="critical">Last run failed: {latest.lastError}. The previous lists stay live.</Text> : null}
        {lastDone ? (
          <Text as="p" tone="subdued">
            Last completed {new Date(lastDone.finishedAt ?? lastDone.startedAt).toUTCString()}:{" "}
            {Object.entries(lastDone.stats ?? {})
              .map(([k, v]) => `${k} ${String(v)}`)
              .join(", ")}
          </Text>
        ) : null}
      </BlockStack>
    </Card>
  );
}
