import { createHash } from "node:crypto";
import type { CustomerRow, NoteAttribute, OrderLineRow, OrderRow } from "~/lib/sync/rows";
import { parseDecimalToCents, parseTimestamp } from "~/lib/sync/values";

// Shopify's "Export orders" CSV: one row per line item; order-level fields are filled on the first
// row of each order only (Name, Email and Created at repeat). See docs/decisions/040.

export interface ExportRow {
  /** 1-based line number in the file (the header is line 1). */
  line: number;
  row: Record<string, string>;
}

export type OrderExportItem =
  | {
      kind: "order";
      order: OrderRow;
      lines: OrderLineRow[];
      /** `csv-` + 16 hex of SHA-256 of the lowercased email; null for orders without an email. */
      customerKey: string | null;
      /** The "Accepts Marketing" column of the first row: yes → true, no → false, otherwise null. */
      acceptsMarketing: boolean | null;
      firstLine: number;
      lastLine: number;
    }
  | { kind: "error"; line: number; column: string | null; message: string };

export type ExportError = Extract<OrderExportItem, { kind: "error" }>;
export type ExportOrder = Extract<OrderExportItem, { kind: "order" }>;

export interface OrderExportOptions {
  shop: string;
  /** Finds the catalogue product for a line; unresolved lines get `sku:<SKU>` (or null without a SKU). */
  resolveProductId?: (sku: string, title: string) => string | null | undefined | Promise<string | null | undefined>;
}

export const REQUIRED_EXPORT_COLUMNS = [
  "Name",
  "Created at",
  "Currency",
  "Subtotal",
  "Total",
  "Lineitem quantity",
  "Lineitem name",
  "Lineitem price",
] as const;

// Order-level columns we read: a later row of the same order may repeat them but not contradict them.
const ORDER_LEVEL_COLUMNS = [
  "Email",
  "Financial Status",
  "Paid at",
  "Fulfilled at",
  "Accepts Marketing",
  "Currency",
  "Subtotal",
  "Total",
  "Created at",
  "Cancelled at",
  "Refunded Amount",
  "Id",
  "Source",
  "Note Attributes",
] as const;

function sha256Hex16(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 16);
}

/** Pseudonymous customer key for an export row's email, so no email is ever stored. */
export function customerKeyFromEmail(email: string): string | null {
  const normalised = email.trim().toLowerCase();
  return normalised === "" ? null : `csv-${sha256Hex16(normalised)}`;
}

/** Order id for an export order: its `Id` column when present, else derived from the order name. */
export function exportOrderId(id: string, name: string): string {
  return id.trim() !== "" ? id.trim() : `csv-${sha256Hex16(`name:${name.trim()}`)}`;
}

/** Deterministic line id from the order id and the line's 0-based position, so re-imports upsert. */
export function exportLineId(orderId: string, index: number): string {
  return `csv-${orderId}-${index + 1}`;
}

// Shopify writes note attributes as "name: value" lines.
function parseNoteAttributes(text: string): NoteAttribute[] | null {
  const attributes = text
    .split(/\r?\n/)
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "")
    .map((entry) => {
      const at = entry.indexOf(":");
      return at < 0 ? { name: entry, value: "" } : { name: entry.slice(0, at).trim(), value: entry.slice(at + 1).trim() };
    });
  return attributes.length === 0 ? null : attributes;
}

interface Group {
  name: string;
  rows: ExportRow[];
  errors: ExportError[];
  rejected: boolean;
}

function cell(row: Record<string, string>, column: string): string {
  return (row[column] ?? "").trim();
}

// An order with any error is reported and skipped whole, never imported in part (docs/decisions/040).
/** Streams order-export rows into orders, reporting problems by line and column without stopping. */
export async function* assembleOrderExport(
  rows: AsyncIterable<ExportRow> | Iterable<ExportRow>,
  options: OrderExportOptions,
): AsyncGenerator<OrderExportItem> {
  const seen = new Map<string, number>();
  let group: Group | null = null;
  let checkedHeader = false;

  for await (const input of rows) {
    if (!checkedHeader) {
      checkedHeader = true;
      const missing = REQUIRED_EXPORT_COLUMNS.filter((column) => !(column in input.row));
      if (missing.length > 0) {
        for (const column of missing) {
          yield { kind: "error", line: 1, column, message: `the header has no "${column}" column; is this a Shopify orders export?` };
        }
        return;
      }
    }
    const name = cell(input.row, "Name");
    if (name === "") {
      yield { kind: "error", line: input.line, column: "Name", message: "Name is empty, so the row belongs to no order" };
      continue;
    }
    if (group && group.name === name) {
      group.rows.push(input);
      continue;
    }
    if (group) yield* finishGroup(group, options);
    const startedAt = seen.get(name);
    if (startedAt !== undefined) {
      group = { name, rows: [input], errors: [], rejected: true };
      yield {
        kind: "error",
        line: input.line,
        column: "Name",
        message: `rows of order ${name} are not contiguous (the order started at line ${startedAt}); these rows are skipped`,
      };
      continue;
    }
    seen.set(name, input.line);
    group = { name, rows: [input], errors: [], rejected: false };
  }
  if (group) yield* finishGroup(group, options);
}

async function* finishGroup(group: Group, options: OrderExportOptions): AsyncGenerator<OrderExportItem> {
  if (group.rejected) return;
  const errors = group.errors;
  const first = group.rows[0];
  const head = first.row;
  const fail = (line: number, column: string, message: string) => {
    errors.push({ kind: "error", line, column, message });
  };
  const timestamp = (column: string, required: boolean): Date | null => {
    const text = cell(head, column);
    if (text === "") {
      if (required) fail(first.line, column, `${column} is empty`);
      return null;
    }
    const parsed = parseTimestamp(text);
    if (!parsed) fail(first.line, column, `"${text}" is not a date like 2024-01-31 13:45:00 +0000`);
    return parsed;
  };
  const money = (row: ExportRow, column: string, required: boolean): number => {
    const text = cell(row.row, column);
    if (text === "") {
      if (required) fail(row.line, column, `${column} is empty`);
      return 0;
    }
    const cents = parseDecimalToCents(text);
    if (cents === null || cents < 0) {
      fail(row.line, column, `"${text}" is not an amount like 12.50`);
      return 0;
    }
    return cents;
  };

  const createdAt = timestamp("Created at", true);
  const cancelledAt = timestamp("Cancelled at", false);
  const paidAt = timestamp("Paid at", false);
  const fulfilledAt = timestamp("Fulfilled at", false);
  const currency = cell(head, "Currency").toUpperCase();
  if (!/^[A-Z]{3}$/.test(currency)) {
    fail(first.line, "Currency", currency === "" ? "Currency is empty" : `"${currency}" is not a three-letter currency code`);
  }
  const subtotalCents = money(first, "Subtotal", true);
  const totalCents = money(first, "Total", true);
  const totalRefundedCents = money(first, "Refunded Amount", false);
  const idText = cell(head, "Id");
  if (idText !== "" && !/^\d+$/.test(idText)) fail(first.line, "Id", `"${idText}" is not a numeric Shopify order id`);

  for (const later of group.rows.slice(1)) {
    for (const column of ORDER_LEVEL_COLUMNS) {
      const value = cell(later.row, column);
      const established = cell(head, column);
      if (value !== "" && value !== established) {
        const was = established === "" ? "an empty value" : `"${established}"`;
        fail(later.line, column, `"${value}" conflicts with ${was} on line ${first.line}, the first row of order ${group.name}`);
      }
    }
  }

  const items = group.rows.map((row) => {
    const quantityText = cell(row.row, "Lineitem quantity");
    const quantity = /^\d+$/.test(quantityText) ? Number(quantityText) : Number.NaN;
    if (!(quantity > 0) || !Number.isSafeInteger(quantity)) {
      fail(row.line, "Lineitem quantity", `"${quantityText}" is not a positive whole number`);
    }
    const title = cell(row.row, "Lineitem name");
    if (title === "") fail(row.line, "Lineitem name", "Lineitem name is empty");
    const priceCents = money(row, "Lineitem price", true);
    return { quantity, title, priceCents, sku: cell(row.row, "Lineitem sku") };
  });

  if (errors.length > 0 || createdAt === null) {
    yield* [...errors].sort((a, b) => a.line - b.line);
    return;
  }

  const orderId = exportOrderId(idText, group.name);
  const customerKey = customerKeyFromEmail(cell(head, "Email"));
  const latest = [createdAt, paidAt, fulfilledAt, cancelledAt].reduce<Date>(
    (max, at) => (at !== null && at.getTime() > max.getTime() ? at : max),
    createdAt,
  );
  const financialStatus = cell(head, "Financial Status").toLowerCase();
  const sourceName = cell(head, "Source");
  const marketing = cell(head, "Accepts Marketing").toLowerCase();

  const order: OrderRow = {
    shop: options.shop,
    id: orderId,
    name: group.name,
    customerId: customerKey,
    createdAt,
    // The export has no updated_at; the latest timestamp it does carry keeps the out-of-order rule
    // from letting a re-import overwrite fresher webhook data.
    updatedAt: latest,
    processedAt: createdAt,
    currency,
    subtotalCents,
    totalCents,
    totalRefundedCents,
    cancelledAt,
    financialStatus: financialStatus === "" ? null : financialStatus,
    sourceName: sourceName === "" ? null : sourceName,
    source: "csv",
    noteAttributes: parseNoteAttributes(head["Note Attributes"] ?? ""),
  };
  const lines: OrderLineRow[] = [];
  for (const [index, item] of items.entries()) {
    const resolved = options.resolveProductId ? await options.resolveProductId(item.sku, item.title) : null;
    lines.push({
      shop: options.shop,
      id: exportLineId(orderId, index),
      orderId,
      productId: resolved ? resolved : item.sku !== "" ? `sku:${item.sku}` : null,
      variantId: null,
      title: item.title,
      quantity: item.quantity,
      refundedQuantity: 0,
      priceCents: item.priceCents,
      properties: null,
      recSurface: null,
      recStrategy: null,
      recArm: null,
    });
  }
  yield {
    kind: "order",
    order,
    lines,
    customerKey,
    acceptsMarketing: marketing === "yes" || marketing === "true" ? true : marketing === "no" || marketing === "false" ? false : null,
    firstLine: first.line,
    lastLine: group.rows[group.rows.length - 1].line,
  };
}

// The export knows no customer dates; the order's own times stand in, so upserting one row per order
// in file order leaves createdAt at the first order and marketing consent as of the latest one.
/** The Customer row an exported order implies for its customer key, or null for a guest order. */
export function customerRowFromExport(item: ExportOrder): CustomerRow | null {
  if (item.customerKey === null) return null;
  return {
    shop: item.order.shop,
    id: item.customerKey,
    tags: ",",
    emailMarketingState: item.acceptsMarketing ? "SUBSCRIBED" : "NOT_SUBSCRIBED",
    createdAt: item.order.createdAt,
    updatedAt: item.order.updatedAt,
  };
}
