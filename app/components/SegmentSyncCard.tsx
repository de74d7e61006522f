import { BlockStack, Card, Checkbox, Text } from "@shopify/polaris";

/** The opt-in switch that mirrors membership to Shopify as the customer tag shopkeeper-<handle>. */
export function SegmentSyncCard({ handle, syncToShopify, busy, onToggle }: { handle: string; syncToShopify: boolean; busy: boolean; onToggle: (next: boolean) => void }) {
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h2" variant="headingMd">
          Sync to Shopify
        </Text>
        <Checkbox
          label={`Tag members in Shopify with “shopkeeper-${handle}”`}
          helpText="Members get the tag, customers who leave lose it, and turning this off removes it from everyone. Use the tag in Shopify's own segments, discounts and email."
          checked={syncToShopify}
          disabled={busy}
          onChange={onToggle}
        />
      </BlockStack>
    </Card>
  );
}
