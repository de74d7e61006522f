import { assembleOrderExport } from "~/lib/sync/order-export";
import { readCsvRows } from "~/services/csv-file.server";
import type { OrderRecord, ProductInfo } from "~/lib/recommend/types";

export interface LoadedOrders {
  orders: OrderRecord[];
  /** Product id → title as it appeared on order lines. */
  titles: Map<string, string>;
}

/** Reads the normalised layout: order_id,customer_id,created_at,product_id,product_title,quantity,unit_price. */
export async function loadNormalisedOrders(file: string): Promise<LoadedOrders> {
  const byId = new Map<string, OrderRecord>();
  const titles = new Map<string, string>();
  const ids = new Map<string, string>();
  const intern = (s: string) => {
    const hit = ids.get(s);
    if (hit !== undefined) return hit;
    ids.set(s, s);
    return s;
  };
  for await (const { line, row } of readCsvRows(file)) {
    const createdAt = Date.parse(row.created_at);
    if (!row.order_id || !row.product_id || Number.isNaN(createdAt)) throw new Error(`${file}:${line}: missing order_id, product_id or created_at`);
    let order = byId.get(row.order_id);
    if (!order) {
      order = { id: row.order_id, customerId: row.customer_id ? intern(row.customer_id) : null, createdAt, lines: [] };
      byId.set(row.order_id, order);
    }
    const productId = intern(row.product_id);
    if (!titles.has(productId)) titles.set(productId, row.product_title || productId);
    order.lines.push({
      productId,
      quantity: Number(row.quantity) || 1,
      priceCents: Math.round((Number(row.unit_price) || 0) * 100),
    });
  }
  return { orders: [...byId.values()], titles };
}

/**
 * Reads Shopify's "Export orders" CSV through the validating parser (`assembleOrderExport`):
 * the SKU is the product id (the line title when there is no SKU) and the email is the customer
 * key. Orders the parser rejects are skipped and counted in `errors`.
 */
export async function loadShopifyExportOrders(file: string): Promise<LoadedOrders & { errors: string[] }> {
  const emails = new Map<string, string>();
  async function* rows() {
    for await (const r of readCsvRows(file)) {
      const name = r.row["Name"];
      if (name && r.row["Email"] && !emails.has(name)) emails.set(name, r.row["Email"].trim().toLowerCase());
      yield r;
    }
  }
  const orders: OrderRecord[] = [];
  const titles = new Map<string, string>();
  const errors: string[] = [];
  for await (const item of assembleOrderExport(rows(), { shop: "offline", resolveProductId: (sku, title) => sku || title || null })) {
    if (item.kind === "error") {
      errors.push(`line ${item.line}${item.column ? ` (${item.column})` : ""}: ${item.message}`);
      continue;
    }
    const lines = item.lines.filter((l) => l.productId !== null && l.quantity > 0);
    if (lines.length === 0 || item.order.cancelledAt !== null) continue;
    for (const l of lines) if (!titles.has(l.productId!)) titles.set(l.productId!, l.title || l.productId!);
    orders.push({
      id: item.order.id,
      customerId: emails.get(item.order.name) ?? null,
      createdAt: item.order.createdAt.getTime(),
      lines: lines.map((l) => ({ productId: l.productId!, quantity: l.quantity, priceCents: l.priceCents })),
    });
  }
  return { orders, titles, errors };
}

/** "2010-12-01 08:26:00 +0000" → epoch ms. */
export function parseShopifyTime(value: string | undefined): number {
  if (!value) return NaN;
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2})?)\s*(Z|[+-]\d{2}:?\d{2})?$/.exec(value.trim());
  if (!m) return Date.parse(value);
  const zone = !m[3] || m[3] === "Z" ? "Z" : `${m[3].slice(0, 3)}:${m[3].slice(-2)}`;
  return Date.parse(`${m[1]}T${m[2]}${zone}`);
}

/**
 * Catalogue derived from order lines, since the source data has no product attributes: the
 * product type is the last title word (e.g. "HOLDER"), everything is published and in stock,
 * the creation time is the first order seen, and the price is the last one seen.
 */
export function deriveProducts(loaded: LoadedOrders): ProductInfo[] {
  const info = new Map<string, ProductInfo>();
  for (const o of loaded.orders) {
    for (const l of o.lines) {
      const existing = info.get(l.productId);
      if (existing) {
        existing.createdAt = Math.min(existing.createdAt, o.createdAt);
        existing.priceCents = l.priceCents;
        continue;
      }
      const title = loaded.titles.get(l.productId) ?? l.productId;
      const words = title.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
      info.set(l.productId, {
        id: l.productId,
        title,
        productType: words.length > 0 ? words[words.length - 1].toLowerCase() : "",
        vendor: "",
        tags: [],
        collections: [],
        createdAt: o.createdAt,
        published: true,
        available: true,
        isGiftCard: false,
        priceCents: l.priceCents,
      });
    }
  }
  return [...info.values()];
}
