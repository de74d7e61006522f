import { BlockStack, Card, Text } from "@shopify/polaris";

/** One headline figure with an optional interval or explanation underneath. */
export function MetricFigure({ label, value, detail, tone }: { label: string; value: string; detail?: string; tone?: "success" | "critical" | "subdued" }) {
  return (
    <Card>
      <BlockStack gap="100">
        <Text as="p" tone="subdued">
          {label}
        </Text>
        <Text as="p" variant="heading2xl" tone={tone === "subdued" ? undefined : tone}>
          {value}
        </Text>
        {detail ? (
          <Text as="p" variant="bodySm" tone="subdued">
            {detail}
          </Text>
        ) : null}
      </BlockStack>
    </Card>
  );
}
