import { Badge, BlockStack, Card, DataTable, Text } from "@shopify/polaris";

export interface DeliveryView {
  id: string;
  topic: string;
  status: string;
  receivedAt: string;
  processedAt: string | null;
  attempts: number;
  lastError: string | null;
}

const tone = (status: string) => (status === "processed" ? "success" : status === "failed" ? "critical" : "attention");

/** The most recent webhook deliveries with their processing status, attempts and last error. */
export function DataDeliveriesCard({ deliveries }: { deliveries: DeliveryView[] }) {
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Recent webhook deliveries
        </Text>
        {deliveries.length === 0 ? (
          <Text as="p">
            No webhooks received yet. Each order, product and customer change Shopify sends will be listed here with whether it was
            applied.
          </Text>
        ) : (
          <DataTable
            columnContentTypes={["text", "text", "text", "numeric", "text"]}
            headings={["Received", "Topic", "Status", "Attempts", "Last error"]}
            rows={deliveries.map((d) => [
              new Date(d.receivedAt).toLocaleString(),
              d.topic,
              <Badge key={d.id} tone={tone(d.status)}>
                {d.status}
              </Badge>,
              d.attempts,
              d.lastError ?? "—",
            ])}
          />
        )}
      </BlockStack>
    </Card>
  );
}
