import { useState } from "react";
import { Button, InlineStack, Text } from "@shopify/polaris";

/** Downloads a CSV through fetch, which App Bridge signs with the session token (a plain link would not be). */
export function MetricCsvButton({ href, filename, label = "Export CSV" }: { href: string; filename: string; label?: string }) {
  const [failed, setFailed] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const download = async () => {
    setBusy(true);
    setFailed(null);
    try {
      const response = await fetch(href);
      if (!response.ok) throw new Error(`download failed with HTTP ${response.status}`);
      const url = URL.createObjectURL(await response.blob());
      const anchor = document.createElement("a");
      anchor.href = url;
      anchor.download = filename;
      anchor.click();
      URL.revokeObjectURL(url);
    } catch (error) {
      setFailed(error instanceof Error ? error.message : String(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <InlineStack gap="200" blockAlign="center">
      <Button onClick={() => void download()} loading={busy}>
        {label}
      </Button>
      {failed ? <Text as="span" tone="critical">{failed}</Text> : null}
    </InlineStack>
  );
}
