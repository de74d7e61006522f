import { Badge, BlockStack, Box, Card, InlineStack, Text } from "@shopify/polaris";
import { DATA_INVENTORY } from "~/lib/ethics/data-inventory";

/** Every field Shopkeeper stores, why, and how long it is kept. */
export function EthicsDataInventory() {
  const tables = [...new Set(DATA_INVENTORY.map((e) => e.table))];
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          What Shopkeeper stores
        </Text>
        <Text as="p" tone="subdued">
          Every field in the app&apos;s database. No names, email addresses, phone numbers or postal addresses of shoppers are stored, and
          no protected attributes.
        </Text>
        {tables.map((table) => (
          <Box key={table} paddingBlockStart="200">
            <BlockStack gap="150">
              <Text as="h3" variant="headingSm">
                {table}
              </Text>
              {DATA_INVENTORY.filter((e) => e.table === table).map((e) => (
                <BlockStack gap="050" key={e.field}>
                  <InlineStack gap="200" blockAlign="center">
                    <Text as="span" variant="bodySm" fontWeight="medium">
                      {e.field}
                    </Text>
                    {e.personal ? <Badge tone="attention">About a shopper</Badge> : null}
                  </InlineStack>
                  <Text as="p" variant="bodySm">
                    Why: {e.why}. Kept: {e.kept}.
                  </Text>
                </BlockStack>
              ))}
            </BlockStack>
          </Box>
        ))}
      </BlockStack>
    </Card>
  );
}
