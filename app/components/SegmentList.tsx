import { Badge, Card, IndexTable, Link, Text } from "@shopify/polaris";

export interface SegmentListItem {
  id: string;
  name: string;
  kind: string;
  description: string;
  memberCount: number;
  syncToShopify: boolean;
  entered30d: number;
  left30d: number;
  computedAt: string | null;
}

function Trend({ entered, left }: { entered: number; left: number }) {
  const net = entered - left;
  const tone = net > 0 ? "success" : net < 0 ? "critical" : "subdued";
  return (
    <Text as="span" tone={tone}>
      {net > 0 ? "+" : ""}
      {net.toLocaleString()} <Text as="span" tone="subdued">({entered.toLocaleString()} in, {left.toLocaleString()} out)</Text>
    </Text>
  );
}

/** Every segment with its member count, 30-day trend and sync state. */
export function SegmentList({ segments }: { segments: SegmentListItem[] }) {
  return (
    <Card padding="0">
      <IndexTable
        resourceName={{ singular: "segment", plural: "segments" }}
        itemCount={segments.length}
        selectable={false}
        headings={[{ title: "Segment" }, { title: "Customers", alignment: "end" }, { title: "Last 30 days" }, { title: "Shopify tag" }]}
      >
        {segments.map((segment, index) => (
          <IndexTable.Row id={segment.id} key={segment.id} position={index}>
            <IndexTable.Cell>
              <Link url={`/app/segments/${segment.id}`} removeUnderline>
                <Text as="span" fontWeight="semibold">
                  {segment.name}
                </Text>
              </Link>{" "}
              {segment.kind !== "custom" ? <Badge tone="info">{segment.kind === "rfm" ? "RFM" : "Lifecycle"}</Badge> : null}
              <Text as="p" tone="subdued" truncate>
                {segment.description}
              </Text>
            </IndexTable.Cell>
            <IndexTable.Cell>
              <Text as="span" alignment="end" numeric>
                {segment.computedAt ? segment.memberCount.toLocaleString() : "—"}
              </Text>
            </IndexTable.Cell>
            <IndexTable.Cell>
              <Trend entered={segment.entered30d} left={segment.left30d} />
            </IndexTable.Cell>
            <IndexTable.Cell>{segment.syncToShopify ? <Badge tone="success">Synced</Badge> : <Text as="span" tone="subdued">Off</Text>}</IndexTable.Cell>
          </IndexTable.Row>
        ))}
      </IndexTable>
    </Card>
  );
}
