import { useState } from "react";
import { useFetcher } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, DataTable, DropZone, InlineStack, List, Text } from "@shopify/polaris";

/** Largest order-export upload the admin page accepts; bigger files go through the CLI or gzip. */
export const MAX_UPLOAD_BYTES = 50 * 1024 * 1024;

interface RowError {
  line: number;
  column: string | null;
  message: string;
}

export type ImportActionData =
  | {
      ok: true;
      fileName: string;
      summary: { ordersImported: number; ordersUnchanged: number; linesImported: number; errors: RowError[]; errorCount: number };
    }
  | { ok: false; fileName?: string; error: string; errors?: RowError[] };

function ErrorTable({ errors }: { errors: RowError[] }) {
  return (
    <DataTable
      columnContentTypes={["numeric", "text", "text"]}
      headings={["Line", "Column", "Problem"]}
      rows={errors.map((e) => [e.line, e.column ?? "—", e.message])}
    />
  );
}

/** Upload of Shopify's Orders → Export CSV, with the import summary and the rows it rejected. */
export function DataImportCard({ lastImport }: { lastImport: { status: string; finishedAt: string | null; lastError: string | null } | null }) {
  const fetcher = useFetcher<ImportActionData>();
  const [file, setFile] = useState<File | null>(null);
  const busy = fetcher.state !== "idle";
  const result = fetcher.data;
  const tooBig = file !== null && file.size > MAX_UPLOAD_BYTES;

  const upload = () => {
    if (!file) return;
    const form = new FormData();
    form.append("file", file);
    fetcher.submit(form, { method: "post", action: "/app/data/import", encType: "multipart/form-data" });
  };

  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Import an orders export
        </Text>
        <Text as="p" tone="subdued">
          Upload the CSV from Orders → Export (plain or .gz, up to {MAX_UPLOAD_BYTES / 1024 / 1024} MB). Orders are matched by their
          Shopify id, so importing the same file again changes nothing. Emails are replaced by pseudonymous keys.
        </Text>
        <DropZone accept=".csv,.gz,text/csv,application/gzip" allowMultiple={false} onDrop={(_all, accepted) => setFile(accepted[0] ?? null)}>
          {file ? (
            <Text as="p" alignment="center">
              {file.name} ({(file.size / 1024).toFixed(0)} KB)
            </Text>
          ) : (
            <DropZone.FileUpload actionHint="Accepts .csv and .csv.gz" />
          )}
        </DropZone>
        {tooBig ? <Banner tone="warning">This file is too large to upload here. Compress it with gzip first.</Banner> : null}
        <InlineStack align="end">
          <Button variant="primary" onClick={upload} disabled={!file || tooBig} loading={busy}>
            Import orders
          </Button>
        </InlineStack>
        {result && result.ok ? (
          <BlockStack gap="200">
            <Banner tone={result.summary.errorCount > 0 ? "warning" : "success"} title={`Imported ${result.fileName}`}>
              <List>
                <List.Item>{result.summary.ordersImported} orders imported ({result.summary.linesImported} line items)</List.Item>
                <List.Item>{result.summary.ordersUnchanged} orders already up to date</List.Item>
                <List.Item>{result.summary.errorCount} rows rejected; an order with any bad row is skipped whole</List.Item>
              </List>
            </Banner>
            {result.summary.errors.length > 0 ? <ErrorTable errors={result.summary.errors} /> : null}
            {result.summary.errorCount > result.summary.errors.length ? (
              <Text as="p" tone="subdued">
                …and {result.summary.errorCount - result.summary.errors.length} more.
              </Text>
            ) : null}
          </BlockStack>
        ) : null}
        {result && !result.ok ? (
          <BlockStack gap="200">
            <Banner tone="critical" title="The file was not imported">
              <p>{result.error}</p>
            </Banner>
            {result.errors && result.errors.length > 0 ? <ErrorTable errors={result.errors} /> : null}
          </BlockStack>
        ) : null}
        {!result && lastImport ? (
          <Text as="p" tone="subdued">
            Last import: {lastImport.status}
            {lastImport.finishedAt ? ` on ${new Date(lastImport.finishedAt).toLocaleString()}` : ""}
            {lastImport.lastError ? ` (last problem: ${lastImport.lastError})` : ""}
          </Text>
        ) : null}
      </BlockStack>
    </Card>
  );
}
