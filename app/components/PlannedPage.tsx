import { BlockStack, Card, List, Text } from "@shopify/polaris";

/** States plainly what a page will show once its feature ships, instead of showing invented numbers. */
export function PlannedCard({ heading, items }: { heading: string; items: string[] }) {
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          {heading}
        </Text>
        <Text as="p" tone="subdued">
          Not available yet. When it is, this section will show:
        </Text>
        <List>
          {items.map((item) => (
            <List.Item key={item}>{item}</List.Item>
          ))}
        </List>
      </BlockStack>
    </Card>
  );
}
