import prisma from "~/db.server";
import { usesSqlite } from "~/models/raw-sql.server";

export type ColumnType = "text" | "int" | "float" | "bool" | "datetime" | "json";
export type ColumnSpec = Record<string, ColumnType>;

function encodeValue(type: ColumnType, value: unknown, sqlite: boolean): unknown {
  if (value === undefined || value === null) return null;
  if (type === "datetime") {
    const iso = (value as Date).toISOString();
    // The same text the Prisma SQLite adapter writes, so reads and comparisons agree.
    return sqlite ? iso.replace("Z", "+00:00") : iso;
  }
  if (type === "bool") return sqlite ? (value ? 1 : 0) : Boolean(value);
  return value;
}

/**
 * Inserts many rows with one statement and one bound parameter (the rows as JSON): SQLite expands it
 * with json_each, PostgreSQL with json_populate_recordset. Prisma's createMany binds every value, and
 * parameter limits then split large batches into hundreds of statements (about 5k rows/s here).
 * Returns a query to run inside a `$transaction([...])`, or alone; it resolves to the rows inserted.
 * With `skipConflicts`, rows that would violate a unique constraint are left out instead of failing it.
 */
export function insertRowsQuery(table: string, columns: ColumnSpec, rows: readonly object[], { skipConflicts = false } = {}) {
  const sqlite = usesSqlite();
  const names = Object.keys(columns);
  const payload = JSON.stringify(
    rows.map((row) => {
      const record = row as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const name of names) out[name] = encodeValue(columns[name], record[name], sqlite);
      return out;
    }),
  );
  const list = names.map((n) => `"${n}"`).join(", ");
  if (sqlite) {
    const select = names.map((n) => `json_extract(value, '$.${n}')`).join(", ");
    // "WHERE true" resolves SQLite's INSERT … SELECT … ON CONFLICT parsing ambiguity.
    const conflicts = skipConflicts ? " WHERE true ON CONFLICT DO NOTHING" : "";
    return prisma.$executeRawUnsafe(`INSERT INTO "${table}" (${list}) SELECT ${select} FROM json_each(?)${conflicts}`, payload);
  }
  const conflicts = skipConflicts ? " ON CONFLICT DO NOTHING" : "";
  return prisma.$executeRawUnsafe(
    `INSERT INTO "${table}" (${list}) SELECT ${list} FROM json_populate_recordset(NULL::"${table}", $1::json)${conflicts}`,
    payload,
  );
}

export const ORDER_COLUMNS: ColumnSpec = {
  shop: "text",
  id: "text",
  name: "text",
  customerId: "text",
  createdAt: "datetime",
  updatedAt: "datetime",
  processedAt: "datetime",
  currency: "text",
  subtotalCents: "int",
  totalCents: "int",
  totalRefundedCents: "int",
  cancelledAt: "datetime",
  financialStatus: "text",
  sourceName: "text",
  source: "text",
  noteAttributes: "json",
  refunds: "json",
  syncedAt: "datetime",
};

export const ORDER_LINE_COLUMNS: ColumnSpec = {
  shop: "text",
  id: "text",
  orderId: "text",
  productId: "text",
  variantId: "text",
  title: "text",
  quantity: "int",
  refundedQuantity: "int",
  priceCents: "int",
  properties: "json",
  recSurface: "text",
  recStrategy: "text",
  recArm: "text",
};

export const PRODUCT_COLUMNS: ColumnSpec = {
  shop: "text",
  id: "text",
  handle: "text",
  title: "text",
  productType: "text",
  vendor: "text",
  tags: "text",
  collections: "text",
  status: "text",
  published: "bool",
  isGiftCard: "bool",
  imageUrl: "text",
  priceCents: "int",
  inventory: "int",
  tracksInventory: "bool",
  createdAt: "datetime",
  updatedAt: "datetime",
  deletedAt: "datetime",
  syncedAt: "datetime",
};

export const VARIANT_COLUMNS: ColumnSpec = {
  shop: "text",
  id: "text",
  productId: "text",
  title: "text",
  sku: "text",
  priceCents: "int",
  inventory: "int",
  updatedAt: "datetime",
};

export const REC_LIST_COLUMNS: ColumnSpec = {
  shop: "text",
  version: "int",
  kind: "text",
  subjectId: "text",
  items: "json",
  updatedAt: "datetime",
};
