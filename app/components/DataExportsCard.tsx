import { useState } from "react";
import { BlockStack, Button, Card, DataTable, Text } from "@shopify/polaris";

export interface ComplianceExportView {
  id: string;
  customerId: string;
  requestId: string | null;
  createdAt: string;
}

// Inside the admin iframe a plain link carries no session token; App Bridge's fetch adds it.
async function download(id: string) {
  const response = await fetch(`/app/data/exports/${encodeURIComponent(id)}`);
  if (!response.ok) throw new Error(`download failed with HTTP ${response.status}`);
  const name = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") ?? "")?.[1] ?? `data-export-${id}.json`;
  const url = URL.createObjectURL(await response.blob());
  const anchor = document.createElement("a");
  anchor.href = url;
  anchor.download = name;
  anchor.click();
  URL.revokeObjectURL(url);
}

/** Customer data requests (customers/data_request) with a download of each JSON export. */
export function DataExportsCard({ exports }: { exports: ComplianceExportView[] }) {
  const [failed, setFailed] = useState<string | null>(null);
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Customer data requests
        </Text>
        {exports.length === 0 ? (
          <Text as="p">
            No customer has asked for their data. When Shopify forwards a request, a JSON file of everything Shopkeeper stores about
            that customer will be listed here for you to send them.
          </Text>
        ) : (
          <DataTable
            columnContentTypes={["text", "text", "text", "text"]}
            headings={["Requested", "Customer", "Request", ""]}
            rows={exports.map((e) => [
              new Date(e.createdAt).toLocaleString(),
              e.customerId,
              e.requestId ?? "—",
              <Button
                key={e.id}
                variant="plain"
                onClick={() => {
                  setFailed(null);
                  download(e.id).catch((error: unknown) => setFailed(error instanceof Error ? error.message : String(error)));
                }}
              >
                Download JSON
              </Button>,
            ])}
          />
        )}
        {failed ? (
          <Text as="p" tone="critical">
            {failed}
          </Text>
        ) : null}
      </BlockStack>
    </Card>
  );
}
