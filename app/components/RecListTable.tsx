import { DataTable, Text } from "@shopify/polaris";

export interface RecListRowView {
  productId: string;
  title: string;
  score: number;
  reason: string;
  source: string;
}

/** One recommendation list: position, product, score, source and the shopper-facing reason. */
export function RecListTable({ items, empty = "No items in this list." }: { items: readonly RecListRowView[]; empty?: string }) {
  if (items.length === 0) return <Text as="p" tone="subdued">{empty}</Text>;
  return (
    <DataTable
      columnContentTypes={["numeric", "text", "numeric", "text", "text"]}
      headings={["#", "Product", "Score", "Source", "Reason"]}
      rows={items.map((item, i) => [i + 1, `${item.title} (${item.productId})`, item.score.toFixed(3), item.source, item.reason])}
    />
  );
}
