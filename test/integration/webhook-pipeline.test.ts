import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDb } from "../support/context";
import { webhookRequest } from "../support/shopify";
import { waitFor } from "../support/wait";
import { startTestWorker, waitForDeliveries } from "../support/worker";

const fixtures = path.resolve(import.meta.dirname, "../fixtures/webhooks");
const fixture = (name: string) => JSON.parse(readFileSync(path.join(fixtures, `${name}.json`), "utf8"));

const TOPICS: [string, string][] = [
  ["orders/create", "orders-create"],
  ["orders/updated", "orders-updated-refunded"],
  ["orders/cancelled", "orders-cancelled"],
  ["refunds/create", "refunds-create"],
  ["products/create", "products-update"],
  ["products/update", "products-update"],
  ["products/delete", "products-delete"],
  ["customers/create", "customers-update"],
  ["customers/update", "customers-update"],
  ["customers/delete", "customers-delete"],
  ["customers/data_request", "customers-data-request"],
  ["customers/redact", "customers-redact"],
  ["shop/redact", "shop-redact"],
  ["app/uninstalled", "app-uninstalled"],
  ["app/scopes_update", "app-scopes-update"],
];

async function deliver(shop: string, topic: string, payload: unknown, options: Parameters<typeof webhookRequest>[3] = {}) {
  const request = webhookRequest(shop, topic, payload, options);
  const module = await import(`~/routes/webhooks.${topic.replace("/", ".")}.tsx`);
  try {
    return (await module.action({ request, params: {}, context: {} })) as Response;
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

describe(`webhook pipeline (${testDb().flavour})`, () => {
  let worker: Awaited<ReturnType<typeof startTestWorker>>;
  beforeAll(async () => {
    worker = await startTestWorker();
  });
  afterAll(async () => {
    await worker.stop();
  });

  it.each(TOPICS)("%s: a forged HMAC gets 401 and writes nothing; a signed one is recorded", async (topic, name) => {
    const shop = `hmac-${topic.replace(/[/_]/g, "-")}.myshopify.com`;
    const forged = await deliver(shop, topic, fixture(name), { secret: "wrong" });
    expect(forged.status).toBe(401);
    expect(await testDb().prisma.webhookDelivery.count({ where: { shop } })).toBe(0);
    if (topic === "shop/redact") {
      // Processing shop/redact deletes every row of the shop, its own delivery included, so the worker
      // may already have removed it: the proof it was recorded is that the shop's data goes.
      await testDb().prisma.shop.create({ data: { domain: shop, settings: {} } });
      expect((await deliver(shop, topic, fixture(name))).status).toBe(200);
      await waitFor(async () => (await testDb().prisma.shop.count({ where: { domain: shop } })) === 0, 10_000, "the shop's rows to be redacted");
      expect(await testDb().prisma.shop.count({ where: { domain: shop } }), "the recorded shop/redact was processed").toBe(0);
      return;
    }
    const signed = await deliver(shop, topic, fixture(name));
    expect(signed.status).toBe(200);
    expect(await testDb().prisma.webhookDelivery.count({ where: { shop } })).toBe(1);
  });

  it("applies an order, its customer's aggregates, a duplicate delivery and a refund exactly once", async () => {
    const shop = "orders-once.myshopify.com";
    const order = fixture("orders-create");
    await deliver(shop, "orders/create", order, { eventId: "ev-order-1" });
    await deliver(shop, "orders/create", order, { eventId: "ev-order-1" }); // Shopify's retry: same event id
    await deliver(shop, "refunds/create", fixture("refunds-create"), { eventId: "ev-refund-1" });
    await deliver(shop, "refunds/create", fixture("refunds-create"), { eventId: "ev-refund-1" });
    const rows = await waitForDeliveries(shop, 2);
    expect(rows.map((r) => r.status).sort()).toEqual(["processed", "processed"]);

    const prisma = testDb().prisma;
    const stored = await prisma.order.findMany({ where: { shop }, include: { lines: true } });
    expect(stored).toHaveLength(1);
    const refundedLine = stored[0].lines.find((l) => l.id === "14002")!;
    expect(refundedLine.refundedQuantity).toBe(1);
    expect(stored[0].totalRefundedCents).toBeGreaterThan(0);
    const customer = await prisma.customer.findFirstOrThrow({ where: { shop, id: String(order.customer.id) } });
    expect(customer.numberOfOrders).toBe(1);
    expect(customer.amountSpentCents).toBe(stored[0].totalCents - stored[0].totalRefundedCents);
  });

  it("keeps the newer copy when updates arrive out of order", async () => {
    const shop = "out-of-order.myshopify.com";
    const product = fixture("products-update");
    const newer = { ...product, title: "Newer title", updated_at: "2026-05-02T10:00:00Z" };
    const older = { ...product, title: "Older title", updated_at: "2026-05-01T10:00:00Z" };
    await deliver(shop, "products/update", newer);
    await waitForDeliveries(shop, 1);
    await deliver(shop, "products/update", older);
    await waitForDeliveries(shop, 2);
    const stored = await testDb().prisma.product.findFirstOrThrow({ where: { shop } });
    expect(stored.title).toBe("Newer title");
  });

  it("fails a malformed body visibly, without crashing the worker", async () => {
    const shop = "malformed.myshopify.com";
    await deliver(shop, "orders/create", { id: "not-a-number", line_items: "nope" });
    const [row] = await waitForDeliveries(shop, 1);
    expect(row.status).toBe("failed");
    expect(row.lastError).toMatch(/malformed orders\/create payload: .*(id|line_items)/);
    // The worker still processes the next delivery.
    await deliver(shop, "products/update", fixture("products-update"));
    const rows = await waitForDeliveries(shop, 2);
    expect(rows.filter((r) => r.status === "processed")).toHaveLength(1);
  });
});
