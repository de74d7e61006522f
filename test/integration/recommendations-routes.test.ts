import { beforeAll, describe, expect, it } from "vitest";
import { action, loader } from "~/routes/app.recommendations";
import { approveRule, createRule } from "~/models/merch-rules.server";
import { recomputeRecommendations } from "~/services/recommendations.server";
import { testDb } from "../support/context";
import { RequestType, adminRequest, storeOfflineSession } from "../support/shopify";

const SHOP = "recs-routes.myshopify.com";
const DAY = 86_400_000;
const NOW = Date.now();

function form(fields: [string, string][]) {
  return { method: "POST", body: new URLSearchParams(fields), headers: { "Content-Type": "application/x-www-form-urlencoded" } };
}

async function call(handler: (args: never) => Promise<unknown>, path: string, init: RequestInit = {}) {
  const request = await adminRequest(SHOP, path, init, undefined, RequestType.Bearer);
  try {
    return (await handler({ request, params: {}, context: {} } as never)) as Response;
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

describe(`recommendations admin page (${testDb().flavour})`, () => {
  beforeAll(async () => {
    await storeOfflineSession(SHOP);
    const prisma = testDb().prisma;
    await prisma.shop.create({ data: { domain: SHOP, settings: { ethics: { minPairOrders: 2, diversity: 0, discoverySlots: 0 } } } });
    const at = new Date(NOW - 50 * DAY);
    for (const [id, title] of [["1", "Kettle"], ["2", "Teapot"], ["3", "Mug"], ["4", "Spoon"]]) {
      await prisma.product.create({ data: { shop: SHOP, id, handle: title.toLowerCase(), title, createdAt: at, updatedAt: at } });
    }
    const baskets = [["1", "2"], ["1", "2"], ["1", "3"], ["1", "3"], ["1", "2"]];
    for (const [k, basket] of baskets.entries()) {
      const created = new Date(NOW - (k + 1) * DAY);
      await prisma.order.create({
        data: { shop: SHOP, id: `o${k}`, name: `#${k}`, customerId: "c1", createdAt: created, updatedAt: created, lines: { create: basket.map((p, i) => ({ id: `o${k}-${i}`, productId: p, title: p, quantity: 1, priceCents: 500 })) } },
      });
    }
    await recomputeRecommendations({ shop: SHOP });
  });

  it("shows the last run and a product's lists before and after re-ranking with approved rules only", async () => {
    const bury = await createRule({ shop: SHOP, actor: "t", input: { action: "bury", targetType: "product", targetValue: "2", weight: 1 } });
    await approveRule({ shop: SHOP, id: bury.id, actor: "owner" });
    await createRule({ shop: SHOP, actor: "t", input: { action: "exclude", targetType: "product", targetValue: "3" } });
    const response = await call(loader, "/app/recommendations?product=1");
    const body = await response.json();
    expect(body.runs[0]).toMatchObject({ status: "completed", progress: 1, version: 1 });
    expect(body.liveVersion).toBe(1);
    expect(body.inspection.stored[0].kind).toBe("fbt");
    expect(body.inspection.stored[0].items.map((i: { productId: string }) => i.productId)).toEqual(["2", "3"]);
    expect(body.inspection.before.slice(0, 2).map((i: { productId: string }) => i.productId)).toEqual(["2", "3"]);
    // Bury moves 2 behind the rest; the pending exclude of 3 is not applied (4 was never ordered, so no list has it).
    expect(body.inspection.after.map((i: { productId: string }) => i.productId)).toEqual(["3", "2"]);
    expect(body.rules.map((r: { status: string }) => r.status)).toEqual(["approved", "pending"]);
  });

  it("finds products by title", async () => {
    const body = await (await call(loader, "/app/recommendations?q=Tea")).json();
    expect(body.matches).toEqual([{ id: "2", title: "Teapot" }]);
  });

  it("answers 422 with per-field messages for an invalid rule, and previews a valid one", async () => {
    const bad = await call(action, "/app/recommendations", form([["intent", "create-rule"], ["action", "pin"], ["targetType", "product"], ["targetValue", ""], ["surfaces", "all"]]));
    expect(bad.status).toBe(422);
    const errors = (await bad.json()).errors;
    expect(Object.keys(errors).sort()).toEqual(["position", "targetValue"]);

    const preview = await call(action, "/app/recommendations", form([["intent", "preview-rule"], ["productId", "1"], ["action", "pin"], ["targetType", "product"], ["targetValue", "4"], ["position", "1"], ["surfaces", "all"]]));
    expect(preview.status).toBe(200);
    const items = (await preview.json()).preview.map((i: { productId: string }) => i.productId);
    expect(items).toEqual(["4", "3", "2"]);
    expect(await testDb().prisma.merchRule.count({ where: { shop: SHOP } })).toBe(2);
  });
});
