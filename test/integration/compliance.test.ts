import { readFileSync } from "node:fs";
import path from "node:path";
import { Prisma } from "@prisma/client";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loader as dataLoader } from "~/routes/app.data";
import { loader as exportLoader } from "~/routes/app.data.exports.$id";
import { testDb } from "../support/context";
import { RequestType, adminRequest, storeOfflineSession, webhookRequest } from "../support/shopify";
import { startTestWorker, waitForDeliveries } from "../support/worker";

const fixtures = path.resolve(import.meta.dirname, "../fixtures/webhooks");
const fixture = (name: string) => JSON.parse(readFileSync(path.join(fixtures, `${name}.json`), "utf8"));
const prisma = () => testDb().prisma;

const CUSTOMER = "7012345678901";
const OTHER = "7012345678999";

async function deliver(shop: string, topic: string, payload: unknown) {
  const module = await import(`~/routes/webhooks.${topic.replace("/", ".")}.tsx`);
  const response = (await module.action({ request: webhookRequest(shop, topic, payload), params: {}, context: {} })) as Response;
  expect(response.status).toBe(200);
}

/** An orders/create payload: a copy of the fixture with its own ids and customer (null = guest). */
function order(id: number, customerId: string | null) {
  const base = fixture("orders-create");
  return {
    ...base,
    id,
    admin_graphql_api_id: `gid://shopify/Order/${id}`,
    name: `#${id}`,
    customer:
      customerId === null
        ? null
        : { ...base.customer, id: Number(customerId), admin_graphql_api_id: `gid://shopify/Customer/${customerId}` },
    line_items: base.line_items.map((line: { id: number }, index: number) => ({
      ...line,
      id: id * 10 + index,
      admin_graphql_api_id: `gid://shopify/LineItem/${id * 10 + index}`,
    })),
  };
}

async function adminCall(fn: (args: LoaderFunctionArgs) => Promise<unknown>, shop: string, url: string, params: Record<string, string> = {}) {
  const request = await adminRequest(shop, url, {}, undefined, RequestType.Bearer);
  try {
    return (await fn({ request, params, context: {} })) as Response;
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

/** One row in every shop-scoped table besides orders, lines and deliveries (which arrive by webhook). */
async function seedEverything(shop: string, customerId: string) {
  const db = prisma();
  const at = new Date("2026-03-01T00:00:00Z");
  await storeOfflineSession(shop);
  await db.shop.create({ data: { domain: shop, settings: {} } });
  await db.product.create({ data: { shop, id: "8001", handle: "apron", title: "Linen Apron", createdAt: at, updatedAt: at } as never });
  await db.variant.create({ data: { shop, id: "9001", productId: "8001", title: "Natural", priceCents: 2495, updatedAt: at } as never });
  await db.syncRun.create({ data: { shop, kind: "backfill" } });
  await db.complianceExport.create({ data: { shop, customerId, payload: {} } });
  await db.recList.create({ data: { shop, version: 1, kind: "personal", subjectId: customerId, items: [] } });
  await db.recomputeRun.create({ data: { shop, version: 1 } });
  await db.merchRule.create({ data: { shop, action: "pin", targetType: "product", targetValue: "8001" } });
  const segment = await db.segment.create({ data: { shop, handle: "vip", name: "VIP", rule: "orders >= 1" } });
  await db.segmentMember.create({ data: { shop, segmentId: segment.id, customerId } });
  await db.segmentHistory.create({ data: { shop, segmentId: segment.id, customerId, change: "entered" } });
  await db.shopperPreference.create({ data: { shop, shopperKey: `c:${customerId}`, personalisationOff: true } });
  await db.event.create({ data: { shop, type: "click", customerId, surface: "product_page", occurredAt: at } });
  await db.anonymousCount.create({ data: { shop, day: "2026-03-01", surface: "product_page", type: "click", count: 3 } });
  await db.experiment.create({ data: { shop, name: "FBT", surface: "product_page", arms: [] } });
  await db.metricDaily.create({ data: { shop, day: "2026-03-01", surface: "product_page", strategy: "fbt", segment: "*", arm: "treatment" } });
  await db.auditLog.create({ data: { shop, actor: "test", action: "seed", entityType: "shop" } });
  await db.fairnessReport.create({ data: { shop, periodEnd: at, metrics: {} } });
}

/** Rows of the shop in every model of the schema (Shop is keyed by its domain). */
async function rowsPerTable(shop: string) {
  const counts: Record<string, number> = {};
  for (const model of Prisma.dmmf.datamodel.models) {
    const delegate = (prisma() as unknown as Record<string, { count(args: unknown): Promise<number> }>)[
      model.name[0].toLowerCase() + model.name.slice(1)
    ];
    const key = model.fields.some((f) => f.name === "shop") ? "shop" : "domain";
    counts[model.name] = await delegate.count({ where: { [key]: shop } });
  }
  return counts;
}

describe(`compliance webhooks (${testDb().flavour})`, () => {
  let worker: Awaited<ReturnType<typeof startTestWorker>>;
  beforeAll(async () => {
    worker = await startTestWorker();
  });
  afterAll(async () => {
    await worker.stop();
  });

  it("customers/data_request: a downloadable export holding that customer's 2 orders (not the guest's or another customer's)", async () => {
    const shop = "gdpr-request.myshopify.com";
    await storeOfflineSession(shop);
    await deliver(shop, "orders/create", order(5612345678901, CUSTOMER));
    await deliver(shop, "orders/create", order(5612345678902, CUSTOMER));
    await deliver(shop, "orders/create", order(5612345678903, OTHER));
    await deliver(shop, "orders/create", order(5612345678904, null));
    await waitForDeliveries(shop, 4);
    await deliver(shop, "customers/data_request", { ...fixture("customers-data-request"), shop_domain: shop });
    const rows = await waitForDeliveries(shop, 5);
    expect(rows.map((r) => r.status)).toEqual(Array(5).fill("processed"));

    const page = await adminCall(dataLoader, shop, "/app/data");
    const { exports } = await page.json();
    expect(exports).toHaveLength(1);
    expect(exports[0]).toMatchObject({ customerId: CUSTOMER, requestId: "9999" });

    const download = await adminCall(exportLoader, shop, `/app/data/exports/${exports[0].id}`, { id: exports[0].id });
    expect(download.status).toBe(200);
    expect(download.headers.get("Content-Disposition")).toMatch(/^attachment; filename="customer-7012345678901-data-.+\.json"$/);
    const body = await download.json();
    expect(body.data.orders.map((o: { id: string }) => o.id)).toEqual(["5612345678901", "5612345678902"]);
    expect(body.data.orders.flatMap((o: { lines: unknown[] }) => o.lines)).toHaveLength(6);
    expect(body.data.customer).toMatchObject({ id: CUSTOMER, numberOfOrders: 2 });

    // Another shop cannot fetch it.
    await storeOfflineSession("gdpr-intruder.myshopify.com");
    const intruder = await adminCall(exportLoader, "gdpr-intruder.myshopify.com", `/app/data/exports/${exports[0].id}`, { id: exports[0].id });
    expect(intruder.status).toBe(404);
  });

  it("customers/redact: no customer row, events, preferences or memberships; their 1 order unlinked, the other 2 baskets kept", async () => {
    const shop = "gdpr-redact.myshopify.com";
    await seedEverything(shop, CUSTOMER);
    await deliver(shop, "orders/create", order(5612345678901, CUSTOMER));
    await deliver(shop, "orders/create", order(5612345678903, OTHER));
    await deliver(shop, "orders/create", order(5612345678904, null));
    await waitForDeliveries(shop, 3);
    expect(await prisma().customer.count({ where: { shop, id: CUSTOMER } })).toBe(1);
    // Applied deliveries keep no raw body; a failed one keeps it for inspection until a redaction.
    expect((await prisma().webhookDelivery.findMany({ where: { shop } })).map((d) => d.payload)).toEqual(["", "", ""]);
    await prisma().webhookDelivery.create({
      data: { shop, eventId: "failed-update", topic: "customers/update", status: "failed", payload: JSON.stringify({ id: Number(CUSTOMER), email: "gone@example.com" }) },
    });

    await deliver(shop, "customers/redact", { ...fixture("customers-redact"), shop_domain: shop });
    const rows = await waitForDeliveries(shop, 5);
    expect(rows.map((r) => r.status).sort()).toEqual(["failed", ...Array(4).fill("processed")]);
    expect(rows.filter((r) => r.payload.includes(CUSTOMER) || r.payload.includes("gone@example.com")), "raw webhook bodies naming them").toEqual([]);

    const db = prisma();
    expect(await db.customer.count({ where: { shop, id: CUSTOMER } }), "customer row").toBe(0);
    expect(await db.event.count({ where: { shop, customerId: CUSTOMER } }), "events").toBe(0);
    expect(await db.shopperPreference.count({ where: { shop, shopperKey: `c:${CUSTOMER}` } }), "preferences").toBe(0);
    expect(await db.segmentMember.count({ where: { shop, customerId: CUSTOMER } }), "memberships").toBe(0);
    expect(await db.segmentHistory.count({ where: { shop, customerId: CUSTOMER } }), "segment history").toBe(0);
    expect(await db.complianceExport.count({ where: { shop, customerId: CUSTOMER } }), "earlier exports").toBe(0);
    expect(await db.recList.count({ where: { shop, subjectId: CUSTOMER } }), "personal lists").toBe(0);

    const orders = await db.order.findMany({ where: { shop }, orderBy: { id: "asc" }, include: { lines: true } });
    expect(orders.map((o) => [o.id, o.customerId, o.lines.length])).toEqual([
      ["5612345678901", null, 3],
      ["5612345678903", OTHER, 3],
      ["5612345678904", null, 3],
    ]);
    // The redacted basket keeps its products for co-purchase counts but loses shopper-typed text.
    // (On PostgreSQL the pg adapter stores Prisma.DbNull as {} rather than NULL; either way the text is gone.)
    expect(JSON.stringify(orders[0].noteAttributes ?? null), "note attributes").not.toContain("gift");
    expect(JSON.stringify(orders[0].lines.map((l) => l.properties ?? null)), "line properties").not.toContain("_shopkeeper");
    expect(JSON.stringify(orders[1].lines.map((l) => l.properties ?? null)), "another customer's line properties").toContain("_shopkeeper");
    expect(await db.customer.count({ where: { shop, id: OTHER } }), "the other customer stays").toBe(1);
    expect(await db.anonymousCount.count({ where: { shop } }), "anonymous counts stay").toBe(1);
  });

  it("shop/redact: zero rows of the shop in every table; another shop's rows untouched", async () => {
    const gone = "gdpr-shop-gone.myshopify.com";
    const kept = "gdpr-shop-kept.myshopify.com";
    for (const shop of [gone, kept]) {
      await seedEverything(shop, CUSTOMER);
      await deliver(shop, "orders/create", order(5612345678901, CUSTOMER));
      await waitForDeliveries(shop, 1);
    }
    const keptBefore = await rowsPerTable(kept);
    const goneBefore = await rowsPerTable(gone);
    // The seed must reach every table, or this test would not notice a table shop/redact forgets.
    expect(Object.entries(goneBefore).filter(([, n]) => n === 0), "tables the seed missed").toEqual([]);

    await deliver(gone, "shop/redact", { ...fixture("shop-redact"), shop_domain: gone });
    // The shop's delivery rows go too, so wait for the data itself to disappear.
    const deadline = Date.now() + 20_000;
    while ((await prisma().order.count({ where: { shop: gone } })) > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const goneAfter = await rowsPerTable(gone);
    expect(goneAfter).toEqual(Object.fromEntries(Object.keys(goneBefore).map((name) => [name, 0])));
    expect(await rowsPerTable(kept)).toEqual(keptBefore);
  });
});
