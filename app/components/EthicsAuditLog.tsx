import { useState } from "react";
import { Form } from "@remix-run/react";
import { BlockStack, Button, Card, DataTable, InlineStack, Pagination, Select, Text, TextField } from "@shopify/polaris";

export interface AuditRowView {
  id: string;
  at: string;
  actor: string;
  action: string;
  entityType: string;
  entityId: string | null;
  before: unknown;
  after: unknown;
}

export interface AuditSearchView {
  q?: string;
  type?: string;
  from?: string;
  to?: string;
  page: number;
}

function changed(before: unknown, after: unknown): string {
  if (before && after && typeof before === "object" && typeof after === "object") {
    const b = before as Record<string, unknown>;
    const a = after as Record<string, unknown>;
    const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])].filter((k) => JSON.stringify(b[k]) !== JSON.stringify(a[k]));
    return keys.map((k) => `${k}: ${JSON.stringify(b[k])} → ${JSON.stringify(a[k])}`).join("; ") || "no change";
  }
  return after ? JSON.stringify(after) : "";
}

function query(search: AuditSearchView, page?: number): string {
  const params = new URLSearchParams();
  for (const key of ["q", "type", "from", "to"] as const) if (search[key]) params.set(key, search[key]!);
  if (page && page > 1) params.set("page", String(page));
  return params.toString();
}

// Inside the admin iframe a plain link carries no session token; App Bridge's fetch adds it.
async function downloadCsv(search: AuditSearchView) {
  const response = await fetch(`/app/ethics/audit.csv?${query(search)}`);
  if (!response.ok) throw new Error(`export failed with HTTP ${response.status}`);
  const url = URL.createObjectURL(await response.blob());
  const anchor = document.createElement("a");
  anchor.href = url;
  anchor.download = "shopkeeper-audit-log.csv";
  anchor.click();
  URL.revokeObjectURL(url);
}

/** Who changed what and when: searchable by text, type and dates, exportable as CSV. */
export function EthicsAuditLog({
  rows,
  total,
  search,
  errors,
  pageSize,
  entityTypes,
}: {
  rows: AuditRowView[];
  total: number;
  search: AuditSearchView;
  errors: Record<string, string>;
  pageSize: number;
  entityTypes: string[];
}) {
  const [q, setQ] = useState(search.q ?? "");
  const [type, setType] = useState(search.type ?? "");
  const [from, setFrom] = useState(search.from ?? "");
  const [to, setTo] = useState(search.to ?? "");
  const [failed, setFailed] = useState<string | null>(null);
  const pages = Math.max(1, Math.ceil(total / pageSize));
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Audit log
        </Text>
        <Form method="get" preventScrollReset>
          <InlineStack gap="200" blockAlign="end" wrap>
            <TextField label="Search" name="q" value={q} onChange={setQ} autoComplete="off" placeholder="action, person or id" />
            <Select
              label="Type"
              name="type"
              options={[{ label: "All", value: "" }, ...entityTypes.map((t) => ({ label: t.replace(/_/g, " "), value: t }))]}
              value={type}
              onChange={setType}
            />
            <TextField label="From" name="from" type="date" value={from} onChange={setFrom} autoComplete="off" error={errors.from} />
            <TextField label="To" name="to" type="date" value={to} onChange={setTo} autoComplete="off" error={errors.to} />
            <Button submit>Search</Button>
            <Button
              onClick={() => {
                setFailed(null);
                downloadCsv(search).catch((e: unknown) => setFailed(e instanceof Error ? e.message : String(e)));
              }}
            >
              Export CSV
            </Button>
          </InlineStack>
        </Form>
        {failed ? (
          <Text as="p" tone="critical">
            {failed}
          </Text>
        ) : null}
        {rows.length === 0 ? (
          <Text as="p">No changes match.</Text>
        ) : (
          <DataTable
            columnContentTypes={["text", "text", "text", "text", "text"]}
            headings={["When", "Who", "What", "Item", "Change"]}
            rows={rows.map((r) => [
              new Date(r.at).toLocaleString(),
              r.actor,
              r.action,
              `${r.entityType}${r.entityId ? ` ${r.entityId}` : ""}`,
              <span key={r.id} style={{ whiteSpace: "normal", display: "block", maxWidth: 420 }}>
                {changed(r.before, r.after)}
              </span>,
            ])}
            footerContent={`${total.toLocaleString()} change${total === 1 ? "" : "s"}`}
          />
        )}
        {pages > 1 ? (
          <InlineStack align="center">
            <Pagination
              hasPrevious={search.page > 1}
              previousURL={`?${query(search, search.page - 1)}`}
              hasNext={search.page < pages}
              nextURL={`?${query(search, search.page + 1)}`}
              label={`Page ${search.page} of ${pages}`}
            />
          </InlineStack>
        ) : null}
      </BlockStack>
    </Card>
  );
}
