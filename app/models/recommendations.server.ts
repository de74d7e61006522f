import type { Prisma } from "@prisma/client";
import prisma from "~/db.server";
import { insertRowsQuery, REC_LIST_COLUMNS } from "~/models/bulk-insert.server";
import { jsonColumn, placeholders, usesSqlite } from "~/models/raw-sql.server";
import { idBatches, MAX_IDS_PER_QUERY } from "~/lib/recommend/batches";
import type { OrderRecord, ProductInfo, RecItem } from "~/lib/recommend/types";

export type RecListKind = "fbt" | "fbt_state" | "personal" | "buy_again" | "trending" | "content" | "bestsellers" | "neighbours" | "model";

export interface RecListRow {
  kind: RecListKind;
  subjectId: string;
  items: unknown;
}

/** Display fields of a product, kept apart from the ProductInfo the pure code needs. */
export interface ProductCard {
  id: string;
  handle: string;
  title: string;
  priceCents: number;
  imageUrl: string | null;
  variantId: string | null;
}

const PRODUCT_SELECT = {
  id: true,
  handle: true,
  title: true,
  productType: true,
  vendor: true,
  tags: true,
  collections: true,
  status: true,
  published: true,
  isGiftCard: true,
  imageUrl: true,
  priceCents: true,
  inventory: true,
  tracksInventory: true,
  createdAt: true,
  deletedAt: true,
} satisfies Prisma.ProductSelect;

type ProductRow = Prisma.ProductGetPayload<{ select: typeof PRODUCT_SELECT }>;

const decodeList = (encoded: string) => encoded.split(",").filter((v) => v !== "");

function toProductInfo(row: ProductRow): ProductInfo {
  return {
    id: row.id,
    title: row.title,
    productType: row.productType,
    vendor: row.vendor,
    tags: decodeList(row.tags),
    collections: decodeList(row.collections),
    createdAt: row.createdAt.getTime(),
    published: row.published && row.status === "ACTIVE" && row.deletedAt === null,
    // Untracked inventory never runs out; tracked inventory must be in stock.
    available: !row.tracksInventory || row.inventory > 0,
    isGiftCard: row.isGiftCard,
    priceCents: row.priceCents,
  };
}

/** The shop's catalogue as the recommender sees it (deleted products left out); an id list is read in batches. */
export async function loadRecProducts({ shop, ids }: { shop: string; ids?: readonly string[] }): Promise<ProductInfo[]> {
  if (!ids) return (await prisma.product.findMany({ where: { shop, deletedAt: null }, select: PRODUCT_SELECT })).map(toProductInfo);
  const out: ProductInfo[] = [];
  for (const batch of idBatches(ids)) {
    const rows = await prisma.product.findMany({ where: { shop, deletedAt: null, id: { in: batch } }, select: PRODUCT_SELECT });
    for (const row of rows) out.push(toProductInfo(row));
  }
  return out;
}

/** Storefront display fields for the given products, with their first variant. */
export async function loadProductCards({ shop, ids }: { shop: string; ids: readonly string[] }): Promise<Map<string, ProductCard>> {
  const out = new Map<string, ProductCard>();
  for (const batch of idBatches(ids)) {
    const rows = await prisma.product.findMany({
      where: { shop, id: { in: batch } },
      select: { id: true, handle: true, title: true, priceCents: true, imageUrl: true, variants: { select: { id: true }, orderBy: { id: "asc" }, take: 1 } },
    });
    for (const r of rows) out.set(r.id, { id: r.id, handle: r.handle, title: r.title, priceCents: r.priceCents, imageUrl: r.imageUrl, variantId: r.variants[0]?.id ?? null });
  }
  return out;
}

/** Products whose title contains the text, for the admin inspector's picker. */
export async function searchProducts({ shop, query, take = 20 }: { shop: string; query: string; take?: number }) {
  return prisma.product.findMany({
    where: { shop, deletedAt: null, ...(query ? { title: { contains: query } } : {}) },
    select: { id: true, title: true },
    orderBy: { title: "asc" },
    take,
  });
}

type LineRow = { productId: string | null; quantity: number; refundedQuantity: number; priceCents: number };

function toOrderRecord(order: { id: string; customerId: string | null; createdAt: Date; lines: LineRow[] }): OrderRecord {
  const lines = [];
  for (const l of order.lines) {
    const quantity = l.quantity - l.refundedQuantity;
    if (l.productId === null || quantity <= 0) continue;
    lines.push({ productId: l.productId, quantity, priceCents: l.priceCents });
  }
  return { id: order.id, customerId: order.customerId, createdAt: order.createdAt.getTime(), lines };
}

const LINE_SELECT = { productId: true, quantity: true, refundedQuantity: true, priceCents: true } satisfies Prisma.OrderLineSelect;

/**
 * Every non-cancelled order with at least one line net of refunds, handed over page by page (keyset
 * on id) so the caller can pack them without holding a shop's orders as objects all at once.
 */
export async function forEachRecOrderPage({ shop, pageSize = 5_000, onPage }: { shop: string; pageSize?: number; onPage: (orders: OrderRecord[]) => void }) {
  let cursor: string | undefined;
  for (;;) {
    const page = await prisma.order.findMany({
      where: { shop, cancelledAt: null, ...(cursor ? { id: { gt: cursor } } : {}) },
      select: { id: true, customerId: true, createdAt: true },
      orderBy: { id: "asc" },
      take: pageSize,
    });
    // The page's lines by the same key range, not by a list of its order ids: Prisma's relation load
    // sends the 5,000 ids (and the shop as many times) as parameters, and at 2M orders PostgreSQL took
    // about a second per page for that, against 30 ms for the range on (shop, orderId). Lines of
    // cancelled orders in the range are read and dropped.
    const lines = new Map<string, LineRow[]>();
    if (page.length > 0) {
      const rows = await prisma.orderLine.findMany({
        where: { shop, orderId: { ...(cursor ? { gt: cursor } : {}), lte: page[page.length - 1].id } },
        select: { orderId: true, ...LINE_SELECT },
      });
      for (const row of rows) {
        const list = lines.get(row.orderId);
        if (list) list.push(row);
        else lines.set(row.orderId, [row]);
      }
    }
    const records: OrderRecord[] = [];
    for (const o of page) {
      const rec = toOrderRecord({ ...o, lines: lines.get(o.id) ?? [] });
      if (rec.lines.length > 0) records.push(rec);
    }
    onPage(records);
    if (page.length < pageSize) return;
    cursor = page[page.length - 1].id;
  }
}

/** One order's products and customer, unless it is missing or cancelled. */
export async function getOrderForRecs({ shop, orderId }: { shop: string; orderId: string }) {
  return (await loadOrdersForRecs({ shop, orderIds: [orderId] }))[0] ?? null;
}

/** The products on an order's lines, cancelled or not; empty when the order is missing. */
export async function getOrderProductIds({ shop, orderId }: { shop: string; orderId: string }): Promise<string[]> {
  const lines = await prisma.orderLine.findMany({ where: { shop, orderId, productId: { not: null } }, select: { productId: true } });
  return [...new Set(lines.map((l) => l.productId!))];
}

/**
 * Each product's newest `limit` non-cancelled orders still containing it after refunds, with all their
 * lines, newest first. An order in several products' windows is read once and shared.
 */
export async function loadAnchorOrders({ shop, productIds, limit }: { shop: string; productIds: readonly string[]; limit: number }) {
  const windows = await loadAnchorWindows({ shop, productIds, limit });
  const ids = new Set<string>();
  for (const window of windows.values()) for (const o of window) ids.add(o.id);
  const byId = new Map((await loadOrdersForRecs({ shop, orderIds: [...ids] })).map((o) => [o.id, o]));
  const out = new Map<string, OrderRecord[]>();
  for (const [productId, window] of windows) out.set(productId, window.flatMap((o) => (byId.has(o.id) ? [byId.get(o.id)!] : [])));
  return out;
}

/**
 * Each product's newest `limit` non-cancelled orders that still contain it after refunds, newest
 * first: ties in time newest id first, the reverse of the full compute's order. Products in no such
 * order are left out. Raw, from the lines' (shop, productId) index: Prisma's relation filter made
 * SQLite walk the shop's orders newest first testing each, 0.4–11 s per product on Online Retail.
 */
export async function loadAnchorWindows({ shop, productIds, limit }: { shop: string; productIds: readonly string[]; limit: number }) {
  const out = new Map<string, { id: string; createdAt: number }[]>();
  const sql = usesSqlite()
    ? `SELECT o."id" AS id, CAST(ROUND(unixepoch(o."createdAt", 'subsec') * 1000) AS INTEGER) AS at
       FROM "OrderLine" l JOIN "Order" o ON o."shop" = l."shop" AND o."id" = l."orderId"
       WHERE l."shop" = ? AND l."productId" = ? AND l."quantity" - l."refundedQuantity" > 0 AND o."cancelledAt" IS NULL
       GROUP BY o."id" ORDER BY at DESC, o."id" DESC LIMIT ?`
    : `SELECT o."id" AS id, ROUND(EXTRACT(EPOCH FROM o."createdAt") * 1000)::float8 AS at
       FROM "OrderLine" l JOIN "Order" o ON o."shop" = l."shop" AND o."id" = l."orderId"
       WHERE l."shop" = $1 AND l."productId" = $2 AND l."quantity" - l."refundedQuantity" > 0 AND o."cancelledAt" IS NULL
       GROUP BY o."id", o."createdAt" ORDER BY o."createdAt" DESC, o."id" DESC LIMIT $3`;
  for (const productId of new Set(productIds)) {
    const rows = await prisma.$queryRawUnsafe<{ id: string; at: number | bigint }[]>(sql, shop, productId, limit);
    if (rows.length > 0) out.set(productId, rows.map((r) => ({ id: r.id, createdAt: Number(r.at) })));
  }
  return out;
}

/**
 * Of the given orders, which of the given products each still contains after refunds, as positions
 * in `productIds`. On SQLite the CROSS JOIN makes the order ids the outer loop, each looked up on the
 * lines' (shop, orderId) index: left to itself the planner scanned the shop's lines for every batch.
 */
export async function loadOrderProductsAmong({ shop, orderIds, productIds }: { shop: string; orderIds: readonly string[]; productIds: readonly string[] }) {
  const out = new Map<string, number[]>();
  const position = new Map<string, number>();
  for (const id of productIds) if (!position.has(id)) position.set(id, position.size);
  const sql = usesSqlite()
    ? `SELECT l."orderId" AS "orderId", l."productId" AS "productId" FROM json_each(?) AS o CROSS JOIN "OrderLine" AS l
       WHERE l."shop" = ? AND l."orderId" = o.value AND l."productId" IN (SELECT value FROM json_each(?)) AND l."quantity" - l."refundedQuantity" > 0`
    : `SELECT l."orderId" AS "orderId", l."productId" AS "productId" FROM "OrderLine" l
       WHERE l."orderId" IN (SELECT json_array_elements_text($1::json)) AND l."shop" = $2
         AND l."productId" IN (SELECT json_array_elements_text($3::json)) AND l."quantity" - l."refundedQuantity" > 0`;
  const products = JSON.stringify([...position.keys()]);
  for (const orders of idBatches(orderIds, 2_000)) {
    const rows = await prisma.$queryRawUnsafe<{ orderId: string; productId: string }[]>(sql, JSON.stringify(orders), shop, products);
    for (const r of rows) {
      const list = out.get(r.orderId);
      const at = position.get(r.productId)!;
      if (list) list.push(at);
      else out.set(r.orderId, [at]);
    }
  }
  return out;
}

/** Non-cancelled orders by id, with their lines net of refunds. */
export async function loadOrdersForRecs({ shop, orderIds }: { shop: string; orderIds: readonly string[] }): Promise<OrderRecord[]> {
  const out: OrderRecord[] = [];
  for (const batch of idBatches(orderIds)) {
    const rows = await prisma.order.findMany({
      where: { shop, id: { in: batch }, cancelledAt: null },
      select: { id: true, customerId: true, createdAt: true, lines: { select: LINE_SELECT } },
    });
    out.push(...rows.map(toOrderRecord));
  }
  return out;
}

/**
 * Time-decayed number of non-cancelled orders containing each product (net of refunds) at `now`:
 * the sum of 2^(-age / half-life), ages below zero counting as zero, as the full compute weighs them.
 * Summed in the database, so a best-seller's order history never crosses the wire.
 */
export async function loadDecayedProductWeights({
  shop,
  productIds,
  now,
  halfLifeDays,
}: {
  shop: string;
  productIds: readonly string[];
  now: number;
  halfLifeDays: number;
}): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const sqlite = usesSqlite();
  const decays = halfLifeDays > 0 && Number.isFinite(halfLifeDays);
  const halfLifeMs = decays ? halfLifeDays * 86_400_000 : 1;
  // One JSON parameter per batch; distinct (product, order) pairs so a product listed twice in an order counts once.
  const sql = sqlite
    ? `SELECT "productId" AS id, ${decays ? `SUM(POWER(2.0, MIN(0.0, (unixepoch("createdAt", 'subsec') * 1000.0 - ?) / ?)))` : "COUNT(*) + 0.0 * ? * ?"} AS weight
       FROM (SELECT DISTINCT l."productId", o."id", o."createdAt" FROM "OrderLine" l JOIN "Order" o ON o."shop" = l."shop" AND o."id" = l."orderId"
             WHERE l."shop" = ? AND l."productId" IN (SELECT value FROM json_each(?)) AND o."cancelledAt" IS NULL AND l."quantity" - l."refundedQuantity" > 0)
       GROUP BY "productId"`
    : `SELECT "productId" AS id, ${decays ? `SUM(POWER(2.0::float8, LEAST(0.0::float8, (EXTRACT(EPOCH FROM "createdAt")::float8 * 1000.0 - $1::float8) / $2::float8)))` : "COUNT(*)::float8 + 0 * $1::float8 * $2::float8"} AS weight
       FROM (SELECT DISTINCT l."productId", o."id", o."createdAt" FROM "OrderLine" l JOIN "Order" o ON o."shop" = l."shop" AND o."id" = l."orderId"
             WHERE l."shop" = $3 AND l."productId" IN (SELECT json_array_elements_text($4::json)) AND o."cancelledAt" IS NULL AND l."quantity" - l."refundedQuantity" > 0) t
       GROUP BY "productId"`;
  for (const batch of idBatches(productIds)) {
    const rows = await prisma.$queryRawUnsafe<{ id: string; weight: number }[]>(sql, now, halfLifeMs, shop, JSON.stringify(batch));
    for (const r of rows) out.set(r.id, Number(r.weight));
  }
  return out;
}

/** Orders written since a moment (new or re-synced), for replaying incremental updates after a recompute. */
export async function listOrderIdsSyncedSince({ shop, since }: { shop: string; since: Date }) {
  const rows = await prisma.order.findMany({ where: { shop, syncedAt: { gte: since } }, select: { id: true }, take: 10_000 });
  return rows.map((r) => r.id);
}

/** Creation times of the shop's non-cancelled orders, optionally only those created after a moment. */
export async function loadOrderTimes({ shop, after }: { shop: string; after?: Date }): Promise<number[]> {
  const rows = await prisma.order.findMany({ where: { shop, cancelledAt: null, ...(after ? { createdAt: { gt: after } } : {}) }, select: { createdAt: true } });
  return rows.map((r) => r.createdAt.getTime());
}

/** A customer's purchases (net of refunds), newest first. */
export async function loadCustomerHistory({ shop, customerId }: { shop: string; customerId: string }) {
  const orders = await prisma.order.findMany({
    where: { shop, customerId, cancelledAt: null },
    select: { id: true, customerId: true, createdAt: true, lines: { select: LINE_SELECT } },
    orderBy: { createdAt: "desc" },
  });
  return orders.map(toOrderRecord);
}

// ---------------------------------------------------------------------------------------------
// Versioned lists

export async function getLiveRecVersion({ shop }: { shop: string }): Promise<number> {
  const row = await prisma.shop.findUnique({ where: { domain: shop }, select: { liveRecVersion: true } });
  return row?.liveRecVersion ?? 0;
}

/**
 * A version no other run has used: above the live one and above any left behind by a crashed run,
 * so a retry never mixes its rows with a dead run's.
 */
export async function nextRecVersion({ shop }: { shop: string }): Promise<number> {
  const [live, lists, runs] = await Promise.all([
    getLiveRecVersion({ shop }),
    prisma.recList.aggregate({ where: { shop }, _max: { version: true } }),
    prisma.recomputeRun.aggregate({ where: { shop }, _max: { version: true } }),
  ]);
  return Math.max(live, lists._max.version ?? 0, runs._max.version ?? 0) + 1;
}

/** Writes lists under a version in one statement; call repeatedly with batches. */
export async function writeRecLists({ shop, version, rows, at }: { shop: string; version: number; rows: readonly RecListRow[]; at: Date }) {
  if (rows.length === 0) return 0;
  const query = insertRowsQuery(
    "RecList",
    REC_LIST_COLUMNS,
    rows.map((r) => ({ shop, version, kind: r.kind, subjectId: r.subjectId, items: r.items, updatedAt: at })),
  );
  await prisma.$transaction([query]);
  return rows.length;
}

/** Makes a version live and completes its run in one transaction, then drops every other version. */
export async function publishRecVersion({ shop, version, runId, stats }: { shop: string; version: number; runId: string; stats: object }) {
  await prisma.$transaction([
    prisma.shop.update({ where: { domain: shop }, data: { liveRecVersion: version } }),
    prisma.recomputeRun.updateMany({
      where: { shop, id: runId },
      data: { status: "completed", progress: 1, stage: null, stats: stats as Prisma.InputJsonValue, finishedAt: new Date() },
    }),
  ]);
  await prisma.recList.deleteMany({ where: { shop, version: { not: version } } });
}

/** Replaces lists of the live version in place (one list is one row, so each swap is atomic). */
export async function upsertLiveRecLists({ shop, rows, at }: { shop: string; rows: readonly RecListRow[]; at: Date }) {
  const version = await getLiveRecVersion({ shop });
  if (version === 0) return { version, written: 0 };
  await prisma.$transaction(
    rows.map((r) =>
      prisma.recList.upsert({
        where: { shop_version_kind_subjectId: { shop, version, kind: r.kind, subjectId: r.subjectId } },
        create: { shop, version, kind: r.kind, subjectId: r.subjectId, items: r.items as Prisma.InputJsonValue, updatedAt: at },
        update: { items: r.items as Prisma.InputJsonValue, updatedAt: at },
      }),
    ),
  );
  return { version, written: rows.length };
}

const listKey = (kind: string, subjectId: string) => `${kind}:${subjectId}`;

/**
 * The lists of one version whose kind is one of `kinds` and whose subject is one of `subjectIds` (the
 * caller drops unwanted combinations). Raw, because the storefront reads it for every answer it has
 * not cached (app/models/raw-sql.server.ts); `items` comes back parsed.
 */
export async function readRecListsIn({
  shop,
  version,
  kinds,
  subjectIds,
}: {
  shop: string;
  version: number;
  kinds: readonly string[];
  subjectIds: readonly string[];
}): Promise<{ kind: string; subjectId: string; items: unknown }[]> {
  if (kinds.length === 0 || subjectIds.length === 0) return [];
  const rows = await prisma.$queryRawUnsafe<{ kind: string; subjectId: string; items: unknown }[]>(
    `SELECT "kind", "subjectId", "items" FROM "RecList" WHERE "shop" = ${placeholders(1, 1)} AND "version" = ${placeholders(1, 2)}
       AND "kind" IN (${placeholders(kinds.length, 3)}) AND "subjectId" IN (${placeholders(subjectIds.length, 3 + kinds.length)})`,
    shop,
    version,
    ...kinds,
    ...subjectIds,
  );
  return rows.map((r) => ({ kind: r.kind, subjectId: r.subjectId, items: jsonColumn(r.items) }));
}

/**
 * Reads lists of the live version, keyed "kind:subjectId", in batches of subject ids per kind. If a
 * recompute flips the version (and deletes the old rows) during the reads, they are repeated
 * against the new one.
 */
export async function getLiveRecLists({ shop, lists }: { shop: string; lists: readonly { kind: RecListKind; subjectId: string }[] }) {
  const out = new Map<string, unknown>();
  if (lists.length === 0) return out;
  // At most MAX_IDS_PER_QUERY subject ids per query, grouped by kind inside it: the storefront's
  // handful of lists stays one query, a customer's long history becomes several.
  const plan: Prisma.RecListWhereInput[][] = [];
  for (let i = 0; i < lists.length; i += MAX_IDS_PER_QUERY) {
    const byKind = new Map<RecListKind, string[]>();
    for (const l of lists.slice(i, i + MAX_IDS_PER_QUERY)) {
      const ids = byKind.get(l.kind);
      if (ids) ids.push(l.subjectId);
      else byKind.set(l.kind, [l.subjectId]);
    }
    plan.push([...byKind].map(([kind, ids]) => ({ kind, subjectId: ids.length === 1 ? ids[0] : { in: ids } })));
  }
  for (let attempt = 0; attempt < 3; attempt++) {
    out.clear();
    const version = await getLiveRecVersion({ shop });
    let emptyBatch = false;
    for (const or of plan) {
      const rows = await prisma.recList.findMany({
        where: { shop, version, ...(or.length === 1 ? or[0] : { OR: or }) },
        select: { kind: true, subjectId: true, items: true },
      });
      if (rows.length === 0) emptyBatch = true;
      for (const r of rows) out.set(listKey(r.kind, r.subjectId), jsonColumn(r.items));
    }
    // One query is consistent by itself unless it found nothing; several may straddle a flip.
    if ((emptyBatch || plan.length > 1) && attempt < 2 && (await getLiveRecVersion({ shop })) !== version) continue;
    return out;
  }
  return out;
}

/** Reads recommendation lists (RecItem[]) of the live version. */
export async function getLiveRecItems({ shop, lists }: { shop: string; lists: readonly { kind: RecListKind; subjectId: string }[] }) {
  return (await getLiveRecLists({ shop, lists })) as Map<string, RecItem[]>;
}

export { listKey as recListKey };

export async function countRecLists({ shop, version }: { shop: string; version: number }) {
  return prisma.recList.count({ where: { shop, version } });
}

// ---------------------------------------------------------------------------------------------
// Recompute runs

export async function createRecomputeRun({ shop, version }: { shop: string; version: number }) {
  return prisma.recomputeRun.create({ data: { shop, version, status: "running", progress: 0, stage: "load" } });
}

export async function updateRecomputeRun({ shop, id, data }: { shop: string; id: string; data: Prisma.RecomputeRunUpdateManyMutationInput }) {
  await prisma.recomputeRun.updateMany({ where: { shop, id }, data });
}

export async function failRecomputeRun({ shop, id, error }: { shop: string; id: string; error: string }) {
  await prisma.recomputeRun.updateMany({ where: { shop, id }, data: { status: "failed", lastError: error.slice(0, 1_000), finishedAt: new Date() } });
}

/** Newest runs first. */
export async function listRecomputeRuns({ shop, take = 5 }: { shop: string; take?: number }) {
  return prisma.recomputeRun.findMany({ where: { shop }, orderBy: { startedAt: "desc" }, take });
}
