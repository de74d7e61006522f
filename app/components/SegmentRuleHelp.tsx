import { BlockStack, Text } from "@shopify/polaris";

const EXAMPLES: [string, string][] = [
  ["amount_spent > 100 AND number_of_orders >= 2", "spent over 100 across at least two orders"],
  ["last_order_date < -90d", "no order in the last 90 days (also -4w, -6m, -1y, 2024-01-31, today)"],
  ["customer_tags CONTAINS 'vip'", "tagged vip in Shopify"],
  ["products_purchased(tag: 'sale') = true", "bought a product tagged sale; also (collection: 'summer'), (id: 123)"],
  ["rfm_group = CHAMPIONS OR lifecycle_stage = 'at_risk'", "automatic groups: CHAMPIONS, LOYAL, AT_RISK…; stages new, active, at_risk, lapsed"],
  ["churn_risk >= 0.7 AND NOT (customer_countries CONTAINS 'US')", "likely to churn, outside the US"],
];

/** Syntax help for the rule editor, in the shape of Shopify's segment editor. */
export function SegmentRuleHelp() {
  return (
    <BlockStack gap="200">
      <Text as="h3" variant="headingSm">
        Rule syntax
      </Text>
      <Text as="p" tone="subdued">
        Conditions joined with AND, OR, NOT and brackets. Compare with = != &gt; &gt;= &lt; &lt;= or BETWEEN a AND b; lists use CONTAINS and NOT CONTAINS; IS NULL finds missing values.
      </Text>
      {EXAMPLES.map(([rule, meaning]) => (
        <BlockStack key={rule} gap="050">
          <Text as="p" fontWeight="medium">
            <code>{rule}</code>
          </Text>
          <Text as="p" tone="subdued" variant="bodySm">
            {meaning}
          </Text>
        </BlockStack>
      ))}
    </BlockStack>
  );
}
