import { describe, expect, it } from "vitest";
import { insertRowsQuery, ORDER_COLUMNS, ORDER_LINE_COLUMNS, PRODUCT_COLUMNS, REC_LIST_COLUMNS } from "~/models/bulk-insert.server";
import { getLiveRecItems, getLiveRecLists, recListKey } from "~/models/recommendations.server";
import { updateRecommendationsForOrder } from "~/services/recommendations.server";
import { testDb } from "../support/context";

const SHOP = "big-recs-shop.myshopify.com";
const DAY = 86_400_000;
const NOW = Date.now();
// Every old order holds the hub and 33 one-off products; the hub's newest 2,000 orders
// (maxAnchorOrders: the new one and orders 1..1999) name 2 + 1,999 × 33 + 1 = 65,970 distinct
// products, above SQLite's 32,766 and PostgreSQL's 65,535 bound parameters, the limits a single
// `IN (...)` over them used to hit. Only the products the assertions need are in the catalogue: the
// lookups are as large either way.
const ORDERS = 2_000;
const UNIQUE = 33;
const DISTINCT = 2 + (ORDERS - 1) * UNIQUE + 1;
// Only in orders 1 and 2 (the oldest the hub still uses), after their one-offs: first seen last,
// so it is in the last lookup batch, and it is eligible only if that batch was read.
const MATE = "zz-mate";

async function inChunks<T>(rows: T[], size: number, write: (chunk: T[]) => Promise<unknown>) {
  for (let i = 0; i < rows.length; i += size) await write(rows.slice(i, i + size));
}

async function seedBigShop() {
  const prisma = testDb().prisma;
  await prisma.shop.create({ data: { domain: SHOP, liveRecVersion: 1, settings: { ethics: { minPairOrders: 2, diversity: 0, discoverySlots: 0 } } } });
  const created = new Date(NOW - 400 * DAY);
  const product = (id: string, title: string) => ({
    shop: SHOP, id, handle: id, title, productType: "", vendor: "", tags: ",", collections: ",", status: "ACTIVE", published: true,
    isGiftCard: false, imageUrl: null, priceCents: 100, inventory: 0, tracksInventory: false, createdAt: created, updatedAt: created, deletedAt: null, syncedAt: created,
  });
  const products = [product("hub", "Hub"), product(MATE, "Mate"), product("cf-target", "Never Bought"), product("new-one", "New One")];
  await inChunks(products, 10_000, (chunk) => prisma.$transaction([insertRowsQuery("Product", PRODUCT_COLUMNS, chunk)]));

  const orders = [];
  const lines = [];
  for (let o = 0; o < ORDERS; o++) {
    const at = new Date(NOW - (ORDERS - o) * 3_600_000);
    const id = `o${o}`;
    orders.push({ shop: SHOP, id, name: `#${o}`, customerId: null, createdAt: at, updatedAt: at, currency: "USD", subtotalCents: 0, totalCents: 0, totalRefundedCents: 0, source: "bulk", syncedAt: at });
    const ids = ["hub", ...Array.from({ length: UNIQUE }, (_, u) => `u${o}-${u}`), ...(o === 1 || o === 2 ? [MATE] : [])];
    ids.forEach((p, k) => lines.push({ shop: SHOP, id: `${id}-${k}`, orderId: id, productId: p, title: p, quantity: 1, refundedQuantity: 0, priceCents: 100 }));
  }
  const at = new Date(NOW - 60_000);
  orders.push({ shop: SHOP, id: "the-new-order", name: "#new", customerId: "whale", createdAt: at, updatedAt: at, currency: "USD", subtotalCents: 0, totalCents: 0, totalRefundedCents: 0, source: "webhook", syncedAt: at });
  for (const [k, p] of ["hub", "new-one"].entries()) lines.push({ shop: SHOP, id: `new-${k}`, orderId: "the-new-order", productId: p, title: p, quantity: 1, refundedQuantity: 0, priceCents: 100 });
  await inChunks(orders, 5_000, (chunk) => prisma.$transaction([insertRowsQuery("Order", ORDER_COLUMNS, chunk)]));
  await inChunks(lines, 10_000, (chunk) => prisma.$transaction([insertRowsQuery("OrderLine", ORDER_LINE_COLUMNS, chunk)]));

  // A live version as a recompute would have left it: the hub's item-CF neighbour is a product the customer never bought.
  await prisma.$transaction([
    insertRowsQuery("RecList", REC_LIST_COLUMNS, [
      { shop: SHOP, version: 1, kind: "neighbours", subjectId: "hub", items: [{ productId: "cf-target", score: 0.5 }], updatedAt: at },
      { shop: SHOP, version: 1, kind: "model", subjectId: "*", items: { repurchaseIntervalDays: {}, defaultRepurchaseIntervalDays: 30 }, updatedAt: at },
    ]),
  ]);
}

describe(`incremental update on a big shop (${testDb().flavour})`, () => {
  it(`refreshes an order whose anchor co-occurs with ${DISTINCT} distinct products: every lookup stays under the bound-parameter limit`, async () => {
    await seedBigShop();
    const result = await updateRecommendationsForOrder({ shop: SHOP, orderId: "the-new-order", now: new Date(NOW) });
    // Two bought-together lists with their states (recounted: the seeded version has none), personal and buy again.
    expect(result).toEqual({ version: 1, written: 6, fromState: 0, recounted: 2 });

    const lists = await getLiveRecItems({
      shop: SHOP,
      lists: [
        { kind: "fbt", subjectId: "hub" },
        { kind: "personal", subjectId: "whale" },
        { kind: "buy_again", subjectId: "whale" },
      ],
    });
    const fbt = lists.get(recListKey("fbt", "hub"))!;
    expect(fbt.map((i) => i.productId)).toEqual([MATE]);
    expect(fbt[0].reason).toBe("Often bought with Hub");
    // Confidence × shrinkage, by hand: the mate is in orders 1 and 2 (order o placed 2000 − o hours
    // ago), n = 2 so shrinkage 2 gives 2/4; the hub's weight counts all 2,001 of its orders. Checks
    // the database's decayed-weight sum (half-life 180 days) against the formula.
    const w = (ageMs: number) => Math.pow(2, -ageMs / (180 * DAY));
    const pair = w(1999 * 3_600_000) + w(1998 * 3_600_000);
    let anchor = w(60_000);
    for (let o = 0; o < ORDERS; o++) anchor += w((ORDERS - o) * 3_600_000);
    expect(fbt[0].score / ((pair / anchor) * 0.5)).toBeCloseTo(1, 4);
    // The customer's only order is the new one; item-CF adds the hub's neighbour.
    const personal = lists.get(recListKey("personal", "whale"))!;
    expect(personal.map((i) => i.productId).sort()).toEqual(["cf-target", "hub", "new-one"]);
    expect(personal.find((i) => i.productId === "cf-target")).toMatchObject({ source: "personal", reason: "Because you bought Hub" });
    expect(lists.get(recListKey("buy_again", "whale"))!.map((i) => i.productId).sort()).toEqual(["hub", "new-one"]);
  });
});

interface OrderExtras {
  customerId?: string;
  /** A product whose line is fully refunded. */
  refunded?: string;
  cancelled?: boolean;
}

/** One order placed `ageMs` before NOW, a line of quantity 1 per product. */
async function createOrder(shop: string, id: string, productIds: string[], ageMs: number, extra: OrderExtras) {
  const at = new Date(NOW - ageMs);
  await testDb().prisma.order.create({
    data: {
      shop,
      id,
      name: `#${id}`,
      customerId: extra.customerId ?? null,
      createdAt: at,
      updatedAt: at,
      cancelledAt: extra.cancelled ? at : null,
      lines: {
        create: productIds.map((p, k) => ({ id: `${id}-${k}`, productId: p, title: p, quantity: 1, refundedQuantity: p === extra.refunded ? 1 : 0, priceCents: 100 })),
      },
    },
  });
  return id;
}

describe(`incremental bought together from stored states (${testDb().flavour})`, () => {
  const shop = "state-recs-shop.myshopify.com";
  const seeded = new Date(NOW - 300 * DAY);
  let seq = 0;
  const addOrder = (productIds: string[], ageMs: number, extra: OrderExtras = {}) => createOrder(shop, `s${++seq}`, productIds, ageMs, extra);

  it("updates the order's anchors from their states, to what a full recompute gives, and recounts a state the order is not newer than", async () => {
    const prisma = testDb().prisma;
    await prisma.shop.create({ data: { domain: shop, settings: { ethics: { minPairOrders: 2, diversity: 0, discoverySlots: 0 } } } });
    for (const id of ["A", "B", "C", "D", "E", "F"]) {
      await prisma.product.create({ data: { shop, id, handle: id, title: `Product ${id}`, priceCents: 100, createdAt: seeded, updatedAt: seeded } });
    }
    const baskets = [["A", "B"], ["A", "C"], ["A", "B", "D"], ["B", "E"], ["A", "E"], ["C", "D"], ["A", "B", "C"], ["E", "F"], ["D", "F"], ["A", "D"]];
    for (const [k, basket] of baskets.entries()) await addOrder(basket, (200 - 20 * k) * DAY);
    // Neither counts in the full compute: the windows read for the update must leave them out too.
    await addOrder(["A", "F"], 30 * DAY, { refunded: "F" });
    await addOrder(["A", "F", "D"], 25 * DAY, { cancelled: true });
    const { recomputeRecommendations } = await import("~/services/recommendations.server");
    await recomputeRecommendations({ shop, now: new Date(NOW - DAY) });

    const orderId = await addOrder(["A", "F", "D"], 60_000);
    const result = await updateRecommendationsForOrder({ shop, orderId, now: new Date(NOW) });
    expect(result).toMatchObject({ fromState: 3, recounted: 0 });
    const lists = ["A", "F", "D"].map((id) => ({ kind: "fbt" as const, subjectId: id }));
    const updated = await getLiveRecItems({ shop, lists });

    await recomputeRecommendations({ shop, now: new Date(NOW) });
    const full = await getLiveRecItems({ shop, lists });
    for (const id of ["A", "F", "D"]) {
      const want = full.get(recListKey("fbt", id))!;
      const got = updated.get(recListKey("fbt", id))!;
      expect(got.map((i) => i.productId)).toEqual(want.map((i) => i.productId));
      got.forEach((item, k) => expect(item.score).toBeCloseTo(want[k].score, 5));
    }
    // F with A only in this order (the refunded line does not count) stays under two orders: D alone.
    expect(full.get(recListKey("fbt", "F"))!.map((i) => i.productId)).toEqual(["D"]);

    // The same order again (an edit, a redelivery): the states already count it, so they are recounted.
    expect(await updateRecommendationsForOrder({ shop, orderId, now: new Date(NOW) })).toMatchObject({ fromState: 0, recounted: 3 });

    // Cancelled, it leaves its products' lists and states at once, as a recompute without it would have them.
    await prisma.order.update({ where: { shop_id: { shop, id: orderId } }, data: { cancelledAt: new Date(NOW) } });
    expect(await updateRecommendationsForOrder({ shop, orderId, now: new Date(NOW) })).toMatchObject({ fromState: 0, recounted: 3 });
    const afterCancel = await getLiveRecItems({ shop, lists });
    await recomputeRecommendations({ shop, now: new Date(NOW) });
    const withoutIt = await getLiveRecItems({ shop, lists });
    for (const id of ["A", "F", "D"]) {
      const want = withoutIt.get(recListKey("fbt", id)) ?? [];
      expect((afterCancel.get(recListKey("fbt", id)) ?? []).map((i) => [i.productId, i.score])).toEqual(want.map((i) => [i.productId, i.score]));
    }
    expect(withoutIt.get(recListKey("fbt", "A"))!.map((i) => i.productId)).not.toEqual(full.get(recListKey("fbt", "A"))!.map((i) => i.productId));

    // An edit takes D out of an older order (no update job runs for D): D's state no longer matches its
    // window, so the next order recounts D, and updates A from its state.
    await prisma.orderLine.deleteMany({ where: { shop, orderId: "s6", productId: "D" } });
    const next = await addOrder(["A", "D"], 30_000);
    expect(await updateRecommendationsForOrder({ shop, orderId: next, now: new Date(NOW) })).toMatchObject({ fromState: 1, recounted: 1 });
    const edited = await getLiveRecItems({ shop, lists });
    await recomputeRecommendations({ shop, now: new Date(NOW) });
    const recomputed = await getLiveRecItems({ shop, lists });
    for (const id of ["A", "D"]) {
      const want = recomputed.get(recListKey("fbt", id)) ?? [];
      const got = edited.get(recListKey("fbt", id)) ?? [];
      expect(got.map((i) => i.productId)).toEqual(want.map((i) => i.productId));
      got.forEach((item, k) => expect(item.score).toBeCloseTo(want[k].score, 5));
    }
  });
});

describe(`product activity in an order's personal update (${testDb().flavour})`, () => {
  const shop = "activity-recs-shop.myshopify.com";
  const seeded = new Date(NOW - 400 * DAY);
  let seq = 0;
  const addOrder = (productIds: string[], ageMs: number, extra: OrderExtras = {}) => createOrder(shop, `a${++seq}`, productIds, ageMs, extra);

  it("stores the recompute's activity and damps a product nobody buys lately when an order refreshes a customer's list", async () => {
    const prisma = testDb().prisma;
    await prisma.shop.create({ data: { domain: shop, settings: { ethics: { minPairOrders: 2, diversity: 0, discoverySlots: 0 } } } });
    for (const id of ["a-quiet", "z-lively", "x-new"]) {
      await prisma.product.create({ data: { shop, id, handle: id, title: id, priceCents: 100, createdAt: seeded, updatedAt: seeded } });
    }
    // The quiet product was the bigger seller, 200-300 days ago; the lively one sells now. Ann bought
    // both in one order, so buy-again scores them alike and the bestseller prior and the tie favour
    // the quiet one: only activity puts the lively one first.
    for (let k = 0; k < 8; k++) await addOrder(["a-quiet"], (200 + 10 * k) * DAY);
    for (let k = 0; k < 5; k++) await addOrder(["z-lively"], (2 + k) * DAY);
    await addOrder(["a-quiet", "z-lively"], 200 * DAY, { customerId: "ann" });
    const { recomputeRecommendations } = await import("~/services/recommendations.server");
    await recomputeRecommendations({ shop, now: new Date(NOW - DAY) });
    const stored = await getLiveRecLists({ shop, lists: [{ kind: "model", subjectId: "*" }] });
    const activity = (stored.get(recListKey("model", "*")) as { activity?: Record<string, number> }).activity;
    expect(activity?.["z-lively"]).toBe(1);
    expect(activity?.["a-quiet"]).toBeUndefined();

    const orderId = await addOrder(["x-new"], 60_000, { customerId: "ann" });
    await updateRecommendationsForOrder({ shop, orderId, now: new Date(NOW) });
    const lists = await getLiveRecItems({ shop, lists: [{ kind: "personal", subjectId: "ann" }, { kind: "buy_again", subjectId: "ann" }] });
    const personal = lists.get(recListKey("personal", "ann"))!.map((i) => i.productId);
    expect(personal.indexOf("z-lively")).toBeGreaterThanOrEqual(0);
    expect(personal.indexOf("z-lively")).toBeLessThan(personal.indexOf("a-quiet"));
    // Buy-again alone stays the repeat signal: the tie goes to the quiet product.
    const again = lists.get(recListKey("buy_again", "ann"))!.map((i) => i.productId);
    expect(again.indexOf("a-quiet")).toBeLessThan(again.indexOf("z-lively"));
  });
});
