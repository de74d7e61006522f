import { useState } from "react";
import { Badge, BlockStack, Button, Card, DataTable, InlineStack, Text } from "@shopify/polaris";

export interface SegmentMemberRow {
  customerId: string;
  since: string;
  customer: {
    numberOfOrders: number;
    amountSpentCents: number;
    lastOrderAt: string | null;
    rfmRecency: number | null;
    rfmFrequency: number | null;
    rfmMonetary: number | null;
    rfmGroup: string | null;
    lifecycleStage: string | null;
    churnRisk: number | null;
    churnReason: string | null;
  } | null;
}

// Inside the admin iframe a plain link carries no session token; App Bridge's fetch adds it.
async function downloadCsv(segmentId: string) {
  const response = await fetch(`/app/segments/${encodeURIComponent(segmentId)}/export`);
  if (!response.ok) throw new Error(`export failed with HTTP ${response.status}`);
  const name = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") ?? "")?.[1] ?? `segment-${segmentId}.csv`;
  const url = URL.createObjectURL(await response.blob());
  const anchor = document.createElement("a");
  anchor.href = url;
  anchor.download = name;
  anchor.click();
  URL.revokeObjectURL(url);
}

const money = (cents: number) => (cents / 100).toLocaleString(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** One page of members with RFM scores, lifecycle and the churn reason, plus CSV export. */
export function SegmentMembersTable({ segmentId, rows, nextCursor }: { segmentId: string; rows: SegmentMemberRow[]; nextCursor: string | null }) {
  const [exportError, setExportError] = useState<string | null>(null);
  const [exporting, setExporting] = useState(false);
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">
            Members
          </Text>
          <Button
            loading={exporting}
            onClick={() => {
              setExporting(true);
              setExportError(null);
              downloadCsv(segmentId)
                .catch((error: unknown) => setExportError(error instanceof Error ? error.message : String(error)))
                .finally(() => setExporting(false));
            }}
          >
            Export CSV
          </Button>
        </InlineStack>
        {exportError ? (
          <Text as="p" tone="critical">
            {exportError}
          </Text>
        ) : null}
        {rows.length === 0 ? (
          <Text as="p" tone="subdued">
            No customers match this segment right now.
          </Text>
        ) : (
          <DataTable
            columnContentTypes={["text", "numeric", "numeric", "text", "text", "text", "text"]}
            headings={["Customer", "Orders", "Spent", "RFM (R/F/M)", "Lifecycle", "Churn risk", "Why"]}
            rows={rows.map(({ customerId, customer }) => [
              customerId,
              customer?.numberOfOrders ?? "—",
              customer ? money(customer.amountSpentCents) : "—",
              customer?.rfmGroup ? `${customer.rfmGroup} (${customer.rfmRecency ?? "–"}/${customer.rfmFrequency ?? "–"}/${customer.rfmMonetary ?? "–"})` : "—",
              customer?.lifecycleStage ? <Badge key="stage">{customer.lifecycleStage.replace("_", " ")}</Badge> : "—",
              customer?.churnRisk === null || customer?.churnRisk === undefined ? "—" : `${Math.round(customer.churnRisk * 100)}%`,
              customer?.churnReason ?? "",
            ])}
          />
        )}
        <InlineStack gap="200">
          {nextCursor ? (
            <Button url={`/app/segments/${segmentId}?after=${encodeURIComponent(nextCursor)}`} variant="plain">
              Next page
            </Button>
          ) : null}
        </InlineStack>
      </BlockStack>
    </Card>
  );
}
