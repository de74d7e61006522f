import { beforeAll, describe, expect, it } from "vitest";
import { loader as dashboardLoader } from "~/routes/app._index";
import { loader as proxyLoader } from "~/routes/proxy.$";
import { action as ordersCreate } from "~/routes/webhooks.orders.create";
import { testDb } from "../support/context";
import { RequestType, adminRequest, proxyRequest, storeOfflineSession, webhookRequest } from "../support/shopify";

const SHOP = "auth-shop.myshopify.com";

async function statusOf(promise: Promise<unknown>): Promise<number> {
  try {
    const result = await promise;
    return result instanceof Response ? result.status : 200;
  } catch (thrown) {
    if (thrown instanceof Response) return thrown.status;
    throw thrown;
  }
}

describe(`auth boundaries (${testDb().flavour})`, () => {
  beforeAll(async () => {
    await storeOfflineSession(SHOP);
    await testDb().prisma.shop.create({ data: { domain: SHOP, settings: {} } });
  });

  it("serves the dashboard to a valid session token", async () => {
    const response = await dashboardLoader({ request: await adminRequest(SHOP, "/app"), params: {}, context: {} });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.shop).toBe(SHOP);
    expect(body.overview).toEqual({ products: 0, customers: 0, orders: 0, pendingDeliveries: 0, failedDeliveries: 0 });
  });

  it("rejects an admin session token signed with the wrong secret with 401", async () => {
    const request = await adminRequest(SHOP, "/app", {}, "not-the-app-secret", RequestType.Bearer);
    expect(await statusOf(dashboardLoader({ request, params: {}, context: {} }))).toBe(401);
    // A document load with a bad id_token is bounced to fetch a fresh token; it never renders data.
    const documentLoad = await adminRequest(SHOP, "/app", {}, "not-the-app-secret");
    const thrown = await dashboardLoader({ request: documentLoad, params: {}, context: {} }).catch((r: Response) => r);
    expect(thrown.status).toBe(302);
    expect(thrown.headers.get("location")).toMatch(/^\/auth\/session-token\?/);
    const good = await adminRequest(SHOP, "/app", {}, undefined, RequestType.Bearer);
    expect(await statusOf(dashboardLoader({ request: good, params: {}, context: {} }))).toBe(200);
  });

  it("records a correctly signed webhook", async () => {
    const request = webhookRequest(SHOP, "orders/create", { id: 1 }, { eventId: "ev-good-1" });
    expect(await statusOf(ordersCreate({ request, params: {}, context: {} }))).toBe(200);
    const rows = await testDb().prisma.webhookDelivery.findMany({ where: { shop: SHOP } });
    expect(rows.map((r) => [r.eventId, r.topic])).toEqual([["ev-good-1", "ORDERS_CREATE"]]);
  });

  it("answers a webhook with a bad HMAC with 401 and writes nothing", async () => {
    const before = await testDb().prisma.webhookDelivery.count();
    const forged = webhookRequest(SHOP, "orders/create", { id: 2 }, { secret: "forged-secret", eventId: "ev-bad" });
    expect(await statusOf(ordersCreate({ request: forged, params: {}, context: {} }))).toBe(401);
    const signed = webhookRequest(SHOP, "orders/create", { id: 3 });
    const tampered = new Request(signed.url, {
      method: "POST",
      headers: signed.headers,
      body: JSON.stringify({ id: 3, tampered: true }),
    });
    expect(await statusOf(ordersCreate({ request: tampered, params: {}, context: {} }))).toBe(401);
    expect(await testDb().prisma.webhookDelivery.count()).toBe(before);
  });

  it("authenticates a signed app-proxy request and refuses a bad signature", async () => {
    const good = await proxyRequest(SHOP, "/proxy/nowhere");
    const response = await proxyLoader({ request: good, params: { "*": "nowhere" }, context: {} });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: "Unknown Shopkeeper storefront path: /nowhere" });

    const forged = await proxyRequest(SHOP, "/proxy/nowhere", "forged-secret");
    expect(await statusOf(proxyLoader({ request: forged, params: { "*": "nowhere" }, context: {} }))).toBe(400);
  });
});
