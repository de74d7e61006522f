import { useNavigation, useSubmit } from "@remix-run/react";
import { BlockStack, Button, Card, InlineStack, Text } from "@shopify/polaris";

export interface LastPurgeView {
  at: string;
  events: number;
  anonymousCounts: number;
  cutoff: string | null;
  retentionDays: number | null;
}

/** Event retention: the period, the last nightly purge and what it deleted. */
export function EthicsRetentionCard({ lastPurge, retentionDays }: { lastPurge: LastPurgeView | null; retentionDays: number }) {
  const submit = useSubmit();
  const navigation = useNavigation();
  const running = navigation.state !== "idle" && navigation.formData?.get("intent") === "run-purge";
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Data retention
        </Text>
        <Text as="p">
          Browsing events (impressions, clicks, add-to-carts) are kept for {retentionDays} days and deleted every night after that.
        </Text>
        {lastPurge ? (
          <Text as="p">
            Last purge {new Date(lastPurge.at).toLocaleString()}: deleted {lastPurge.events.toLocaleString()} events and{" "}
            {lastPurge.anonymousCounts.toLocaleString()} anonymous daily counts older than{" "}
            {lastPurge.cutoff ? new Date(lastPurge.cutoff).toLocaleDateString() : "the retention period"}.
          </Text>
        ) : (
          <Text as="p" tone="subdued">
            The purge has not run yet.
          </Text>
        )}
        <InlineStack align="end">
          <Button loading={running} onClick={() => submit({ intent: "run-purge" }, { method: "post" })}>
            Purge expired events now
          </Button>
        </InlineStack>
      </BlockStack>
    </Card>
  );
}
