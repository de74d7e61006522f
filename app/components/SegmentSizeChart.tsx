import { BlockStack, Text } from "@shopify/polaris";

/** Segment size per day as inline SVG bars (no chart library is installed). */
export function SegmentSizeChart({ series }: { series: { day: string; members: number }[] }) {
  if (series.length === 0) return null;
  const width = 600;
  const height = 80;
  const max = Math.max(1, ...series.map((point) => point.members));
  const bar = width / series.length;
  const first = series[0];
  const last = series[series.length - 1];
  return (
    <BlockStack gap="100">
      <svg viewBox={`0 0 ${width} ${height}`} width="100%" height={height} role="img" aria-label={`Members per day from ${first.day} (${first.members}) to ${last.day} (${last.members})`}>
        {series.map((point, i) => {
          const h = Math.max(point.members > 0 ? 1 : 0, (point.members / max) * (height - 4));
          return (
            <rect key={point.day} x={i * bar + 0.5} y={height - h} width={Math.max(1, bar - 1)} height={h} fill="var(--p-color-bg-fill-info, #5c6ac4)">
              <title>{`${point.day}: ${point.members.toLocaleString()} customers`}</title>
            </rect>
          );
        })}
      </svg>
      <Text as="p" tone="subdued" variant="bodySm">
        {first.day}: {first.members.toLocaleString()} → {last.day}: {last.members.toLocaleString()} customers
      </Text>
    </BlockStack>
  );
}
