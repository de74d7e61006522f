import { Form } from "@remix-run/react";
import { Badge, BlockStack, Button, Card, DataTable, InlineStack, ProgressBar, Text } from "@shopify/polaris";

export interface BackfillRunView {
  status: string;
  stage: string | null;
  linesDone: number;
  totalHint: number | null;
  counts: Record<string, number>;
  lastError: string | null;
  startedAt: string;
  finishedAt: string | null;
}

// The backfill walks these stages in order (app/services/backfill.server.ts).
const STAGES = ["products", "customers", "orders", "aggregates"];

/** Share of the backfill done, 0–100, from its stage and the lines done in that stage. */
export function backfillPercent(run: Pick<BackfillRunView, "status" | "stage" | "linesDone" | "totalHint">): number {
  if (run.status === "completed") return 100;
  const index = run.stage ? STAGES.indexOf(run.stage) : 0;
  if (index < 0) return 0;
  const within = run.totalHint && run.totalHint > 0 ? Math.min(1, run.linesDone / run.totalHint) : 0;
  return Math.round(((index + within) / STAGES.length) * 100);
}

const tone = (status: string) =>
  status === "completed" ? "success" : status === "failed" ? "critical" : status === "running" ? "info" : undefined;

/** Progress of the latest bulk backfill, with its counts, last error and a retry button. */
export function DataBackfillCard({ run, retrying }: { run: BackfillRunView | null; retrying: boolean }) {
  const canRetry = !run || run.status === "failed" || run.status === "completed";
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">
            Backfill from Shopify
          </Text>
          {run ? <Badge tone={tone(run.status)}>{run.status}</Badge> : null}
        </InlineStack>
        {run ? (
          <>
            <ProgressBar progress={backfillPercent(run)} tone={run.status === "failed" ? "critical" : "primary"} />
            <Text as="p" tone="subdued">
              {run.status === "completed"
                ? `Finished ${run.finishedAt ? new Date(run.finishedAt).toLocaleString() : ""}`
                : `Stage: ${run.stage ?? "waiting to start"}${run.totalHint ? ` (${run.linesDone} of ${run.totalHint} lines)` : ""}`}
            </Text>
            {Object.keys(run.counts).length > 0 ? (
              <DataTable
                columnContentTypes={["text", "numeric"]}
                headings={["Resource", "Saved"]}
                rows={Object.entries(run.counts).map(([resource, count]) => [resource, count.toLocaleString("en")])}
              />
            ) : (
              <Text as="p">No records saved yet; counts per resource appear here as batches are written.</Text>
            )}
            {run.lastError ? (
              <Text as="p" tone="critical">
                Last error: {run.lastError}
              </Text>
            ) : null}
          </>
        ) : (
          <Text as="p">
            No backfill has run yet. One starts when the app is installed and copies your products, customers and orders; its
            progress will appear here.
          </Text>
        )}
        {canRetry ? (
          <Form method="post">
            <input type="hidden" name="intent" value="start-backfill" />
            <InlineStack align="end">
              <Button submit loading={retrying}>
                {run ? (run.status === "failed" ? "Retry backfill" : "Run backfill again") : "Start backfill"}
              </Button>
            </InlineStack>
          </Form>
        ) : null}
      </BlockStack>
    </Card>
  );
}
