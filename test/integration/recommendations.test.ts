import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { approveRule, createRule, RuleValidationError } from "~/models/merch-rules.server";
import { countRecLists, getLiveRecItems, getLiveRecVersion, recListKey } from "~/models/recommendations.server";
import { getRecommendations, recomputeRecommendations } from "~/services/recommendations.server";
import type { RecItem } from "~/lib/recommend/types";
import { testDb } from "../support/context";
import { webhookRequest } from "../support/shopify";
import { startTestWorker } from "../support/worker";

const SHOP = "recs-shop.myshopify.com";
const fixture = JSON.parse(readFileSync(path.resolve(import.meta.dirname, "../fixtures/webhooks/orders-create.json"), "utf8"));
const DAY = 86_400_000;
const NOW = Date.now();

const PRODUCTS: { id: string; title: string; tags?: string }[] = [
  { id: "101", title: "Linen Apron" },
  { id: "102", title: "Oven Mitt" },
  { id: "103", title: "Tea Towel" },
  { id: "104", title: "Bread Knife" },
  { id: "105", title: "Cutting Board" },
  { id: "106", title: "Butter Dish" },
  { id: "107", title: "Pregnancy Test", tags: ",health," },
];
const title = (id: string) => PRODUCTS.find((p) => p.id === id)!.title;

let orderSeq = 0;
async function seedOrder(customerId: string | null, productIds: string[], daysAgo: number) {
  orderSeq += 1;
  const id = `seed-${orderSeq}`;
  const at = new Date(NOW - daysAgo * DAY);
  await testDb().prisma.order.create({
    data: {
      shop: SHOP,
      id,
      name: `#S${orderSeq}`,
      customerId,
      createdAt: at,
      updatedAt: at,
      lines: { create: productIds.map((p, i) => ({ id: `${id}-${i}`, productId: p, title: title(p), quantity: 1, priceCents: 1000 })) },
    },
  });
}

let webhookSeq = 0;
function orderPayload(customerId: number, productIds: string[]) {
  webhookSeq += 1;
  const id = 990_000 + webhookSeq;
  const at = new Date(NOW - 60_000).toISOString();
  return {
    ...fixture,
    id,
    admin_graphql_api_id: `gid://shopify/Order/${id}`,
    name: `#W${webhookSeq}`,
    created_at: at,
    updated_at: at,
    processed_at: at,
    refunds: [],
    customer: { ...fixture.customer, id: customerId, admin_graphql_api_id: `gid://shopify/Customer/${customerId}` },
    line_items: productIds.map((p, i) => ({
      ...fixture.line_items[0],
      id: id * 10 + i,
      admin_graphql_api_id: `gid://shopify/LineItem/${id * 10 + i}`,
      product_id: Number(p),
      variant_id: Number(p) * 10,
      title: title(p),
      quantity: 1,
      properties: [],
    })),
  };
}

async function deliver(topic: string, payload: unknown) {
  const module = await import(`~/routes/webhooks.${topic.replace("/", ".")}.tsx`);
  const response = (await module.action({ request: webhookRequest(SHOP, topic, payload), params: {}, context: {} })) as Response;
  expect(response.status).toBe(200);
}

async function poll<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
}

const fbtOf = async (productId: string) => (await getLiveRecItems({ shop: SHOP, lists: [{ kind: "fbt", subjectId: productId }] })).get(recListKey("fbt", productId)) ?? [];
const ids = (items: readonly { productId: string }[]) => items.map((i) => i.productId);

describe(`recommendations in the app (${testDb().flavour})`, () => {
  let worker: Awaited<ReturnType<typeof startTestWorker>>;
  beforeAll(async () => {
    const prisma = testDb().prisma;
    await prisma.shop.create({
      data: { domain: SHOP, settings: { ethics: { minPairOrders: 2, diversity: 0, discoverySlots: 0, sensitiveTags: ["health"] } } },
    });
    for (const p of PRODUCTS) {
      await prisma.product.create({
        data: { shop: SHOP, id: p.id, handle: p.title.toLowerCase().replace(/ /g, "-"), title: p.title, tags: p.tags ?? ",", priceCents: 1000, createdAt: new Date(NOW - 100 * DAY), updatedAt: new Date(NOW - 100 * DAY) },
      });
      await prisma.variant.create({ data: { shop: SHOP, id: `${p.id}0`, productId: p.id, updatedAt: new Date(NOW) } });
    }
    for (let i = 0; i < 3; i++) await seedOrder(`c${i}`, ["101", "102"], 10 + i);
    for (let i = 0; i < 2; i++) await seedOrder(`d${i}`, ["101", "103"], 20 + i);
    for (let i = 0; i < 2; i++) await seedOrder(`e${i}`, ["104", "105"], 5 + i);
    // A customer whose history includes a sensitive product, bought with an ordinary one.
    await seedOrder("gid://shopify/Customer/555", ["107", "104"], 3);
    await seedOrder("gid://shopify/Customer/555", ["107", "104"], 40);
    await seedOrder("f1", ["107", "104"], 8);
    await recomputeRecommendations({ shop: SHOP });
    worker = await startTestWorker();
  });
  afterAll(async () => {
    await worker?.stop();
  });

  it("writes a complete first version", async () => {
    expect(await getLiveRecVersion({ shop: SHOP })).toBe(1);
    expect(ids(await fbtOf("101"))).toEqual(["102", "103"]);
    expect(ids(await fbtOf("104"))).toContain("105");
  });

  it("orders through signed webhooks update the affected lists within seconds, without a recompute", async () => {
    expect(ids(await fbtOf("101"))).not.toContain("106");
    await deliver("orders/create", orderPayload(777, ["101", "106"]));
    await deliver("orders/create", orderPayload(778, ["101", "106"]));
    const fbt = await poll(() => fbtOf("101"), (list) => ids(list).includes("106"));
    expect(ids(fbt).sort()).toEqual(["102", "103", "106"]);
    expect(fbt.find((i) => i.productId === "106")!.reason).toBe("Often bought with Linen Apron");
    const fbt106 = await poll(() => fbtOf("106"), (list) => ids(list).includes("101"));
    expect(ids(fbt106)).toEqual(["101"]);
    const personalKey = recListKey("buy_again", "778");
    const personal = await poll(
      () => getLiveRecItems({ shop: SHOP, lists: [{ kind: "buy_again", subjectId: "778" }] }),
      (m) => m.has(personalKey),
    );
    expect(ids(personal.get(personalKey)!).sort()).toEqual(["101", "106"]);
    // Still the first version: lists changed in place.
    expect(await getLiveRecVersion({ shop: SHOP })).toBe(1);
  });

  it("approved pin and exclude rules hold in the storefront read; a pending rule has no effect", async () => {
    const query = { shop: SHOP, surface: "product", strategy: "bought_together", productId: "101", cart: [], limit: 4, personalAllowed: false, now: new Date(NOW) };
    const before = await getRecommendations(query);
    expect(before.strategy).toBe("bought_together");
    // Bought-together first (102 in 3 orders, 106 in 2 recent ones, 103 in 2 older ones), then the fallback chain.
    expect(ids(before.items).slice(0, 3)).toEqual(["102", "106", "103"]);
    expect(before.items).toHaveLength(4);

    const pin = await createRule({ shop: SHOP, actor: "staff@example.com", input: { action: "pin", targetType: "product", targetValue: "105", position: 1, surfaces: ["product"] } });
    const exclude = await createRule({ shop: SHOP, actor: "staff@example.com", input: { action: "exclude", targetType: "product", targetValue: "102" } });
    await createRule({ shop: SHOP, actor: "staff@example.com", input: { action: "exclude", targetType: "product", targetValue: "103" } });
    expect(pin.status).toBe("pending");

    const pendingOnly = await getRecommendations(query);
    expect(ids(pendingOnly.items)).toEqual(ids(before.items));

    await approveRule({ shop: SHOP, id: pin.id, actor: "owner@example.com" });
    await approveRule({ shop: SHOP, id: exclude.id, actor: "owner@example.com" });
    const after = await getRecommendations(query);
    expect(after.items[0].id).toBe("105");
    expect(after.items[0].handle).toBe("cutting-board");
    expect(after.items[0].variantId).toBe("1050");
    expect(ids(after.items)).not.toContain("102");
    expect(ids(after.items)).toContain("103"); // its exclude is still pending
    expect(after.items).toHaveLength(4);
    for (const item of after.items) expect(item.reason.length).toBeGreaterThan(0);

    // A rule for another surface does not apply here.
    const home = await getRecommendations({ ...query, surface: "home", strategy: "trending", productId: undefined });
    expect(ids(home.items)).not.toContain("102");
    expect(home.items[0]?.id).not.toBe("105");

    const audit = await testDb().prisma.auditLog.findMany({ where: { shop: SHOP, entityType: "merch_rule" } });
    expect(audit.map((a) => a.action).sort()).toEqual(["rule.approve", "rule.approve", "rule.create", "rule.create", "rule.create"]);
  });

  it("rejects invalid rules with messages per field", async () => {
    const attempt = async (input: unknown) => {
      try {
        await createRule({ shop: SHOP, actor: "staff", input });
      } catch (error) {
        if (error instanceof RuleValidationError) return error.errors;
        throw error;
      }
      return null;
    };
    expect(Object.keys((await attempt({ action: "pin", targetType: "product", targetValue: "101" }))!)).toEqual(["position"]);
    expect(Object.keys((await attempt({ action: "boost", targetType: "tag", targetValue: "sale", weight: -1 }))!)).toEqual(["weight"]);
    expect(Object.keys((await attempt({ action: "hide", targetType: "product", targetValue: "" }))!).sort()).toEqual(["action", "targetValue"]);
    expect(Object.keys((await attempt({ action: "exclude", targetType: "brand", targetValue: "x", surfaces: [] }))!).sort()).toEqual(["surfaces", "targetType"]);
    expect(await testDb().prisma.merchRule.count({ where: { shop: SHOP, createdBy: "staff" } })).toBe(0);
  });

  it("never names a sensitive product in a reason", async () => {
    const customerId = "gid://shopify/Customer/555";
    const lists = await getLiveRecItems({
      shop: SHOP,
      lists: [
        { kind: "personal", subjectId: customerId },
        { kind: "buy_again", subjectId: customerId },
        { kind: "fbt", subjectId: "107" },
        { kind: "fbt", subjectId: "104" },
      ],
    });
    const all: RecItem[] = [...lists.values()].flat();
    expect(all.length).toBeGreaterThan(0);
    for (const item of all) expect(item.reason).not.toContain("Pregnancy Test");
    // The sensitive product is never a personal signal nor recommended back from history.
    expect(ids(lists.get(recListKey("personal", customerId)) ?? [])).not.toContain("107");
    expect(ids(lists.get(recListKey("buy_again", customerId)) ?? [])).not.toContain("107");

    for (const personalAllowed of [true, false]) {
      const served = await getRecommendations({ shop: SHOP, surface: "home", strategy: "for_you", customerId, cart: ["107"], limit: 6, personalAllowed, now: new Date(NOW) });
      expect(served.strategy).toBe(personalAllowed ? "for_you" : "trending");
      expect(served.items.length).toBeGreaterThan(0);
      for (const item of served.items) expect(item.reason).not.toContain("Pregnancy Test");
    }
    const onPage = await getRecommendations({ shop: SHOP, surface: "product", strategy: "auto", productId: "107", cart: [], limit: 4, personalAllowed: false, now: new Date(NOW) });
    expect(ids(onPage.items)).toContain("104");
    for (const item of onPage.items) expect(item.reason).not.toContain("Pregnancy Test");
  });

  it("a full recompute swaps versions atomically: readers see the whole old set or the whole new set", async () => {
    const oldVersion = await getLiveRecVersion({ shop: SHOP });
    const oldCount = await countRecLists({ shop: SHOP, version: oldVersion });
    const seen: [number, number][] = [];
    let finished = false;
    const recompute = recomputeRecommendations({ shop: SHOP, batchSize: 2 }).finally(() => {
      finished = true;
    });
    while (!finished) {
      const version = await getLiveRecVersion({ shop: SHOP });
      seen.push([version, await countRecLists({ shop: SHOP, version })]);
      // SQLite reads can complete without leaving the microtask queue; without a turn of the event loop
      // here the recompute's own I/O (its compute thread's answer, Redis) would never be delivered.
      await new Promise((resolve) => setImmediate(resolve));
    }
    const result = await recompute;
    const newVersion = await getLiveRecVersion({ shop: SHOP });
    expect(newVersion).toBe(result.version);
    expect(newVersion).toBeGreaterThan(oldVersion);
    const newCount = await countRecLists({ shop: SHOP, version: newVersion });
    expect(newCount).toBe(result.rowsWritten);
    expect(seen.length).toBeGreaterThan(0);
    for (const [version, count] of seen) {
      if (version === oldVersion) expect(count === oldCount || count === 0).toBe(true);
      else expect([version, count]).toEqual([newVersion, newCount]);
    }
    // Only the live version remains.
    expect(await testDb().prisma.recList.count({ where: { shop: SHOP, version: { not: newVersion } } })).toBe(0);
    const run = await testDb().prisma.recomputeRun.findFirstOrThrow({ where: { shop: SHOP, version: newVersion } });
    expect(run.status).toBe("completed");
    expect(run.progress).toBe(1);
    // The incremental update survived into the recompute, since it reads the same orders.
    expect(ids(await fbtOf("101"))).toContain("106");
  });
});
