import { createHmac } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { getHmac } from "@shopify/shopify-api/test-helpers";
import { buildProxyQuery, proxySignatureMessage, signProxyQuery } from "../../standin/proxy-signature";
import { startStandin, type Standin } from "../../standin/server";
import { sendWebhook, webhookHmac } from "../../standin/webhooks";
import { captureServer, SHOP, tinyStore } from "./fixtures";

describe("webhook signatures", () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  it("signs the raw body with base64 HMAC-SHA256 of the app secret", () => {
    const body = '{"id":1,"name":"#1001"}';
    const expected = createHmac("sha256", "s3cret").update(Buffer.from(body, "utf8")).digest("base64");
    expect(webhookHmac(body, "s3cret")).toBe(expected);
    // The Shopify library's own test helper computes the same value.
    expect(webhookHmac(body, "s3cret")).toBe(getHmac(body, "s3cret"));
  });

  it("delivers to /webhooks/<topic> with all of Shopify's headers, verifiable with node crypto", async () => {
    const app = await captureServer();
    cleanups.push(app.close);
    const delivery = await sendWebhook({ appUrl: app.url, topic: "orders/create", shop: SHOP, payload: { id: 7, note: "é" }, apiSecret: "s3cret", eventId: "evt-1" });
    expect(delivery.status).toBe(200);
    const [request] = app.requests;
    expect(request.method).toBe("POST");
    expect(request.url).toBe("/webhooks/orders/create");
    expect(request.body).toBe('{"id":7,"note":"é"}');
    expect(request.headers["x-shopify-topic"]).toBe("orders/create");
    expect(request.headers["x-shopify-shop-domain"]).toBe(SHOP);
    expect(request.headers["x-shopify-api-version"]).toBe("2025-07");
    expect(request.headers["x-shopify-event-id"]).toBe("evt-1");
    expect(request.headers["x-shopify-webhook-id"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number.isNaN(Date.parse(String(request.headers["x-shopify-triggered-at"])))).toBe(false);
    const recomputed = createHmac("sha256", "s3cret").update(request.body, "utf8").digest("base64");
    expect(request.headers["x-shopify-hmac-sha256"]).toBe(recomputed);
  });

  it("can forge a delivery signed with the wrong secret", async () => {
    const app = await captureServer();
    cleanups.push(app.close);
    await sendWebhook({ appUrl: app.url, topic: "app/uninstalled", shop: SHOP, payload: {}, apiSecret: "s3cret", signWithSecret: "not-the-secret" });
    const [request] = app.requests;
    expect(request.url).toBe("/webhooks/app/uninstalled");
    expect(request.headers["x-shopify-hmac-sha256"]).not.toBe(createHmac("sha256", "s3cret").update("{}").digest("base64"));
  });

  it("delivers duplicates with one event id and can reverse the order", async () => {
    const app = await captureServer();
    cleanups.push(app.close);
    const standin: Standin = await startStandin({ store: tinyStore().store, appUrl: app.url });
    cleanups.push(() => standin.close());
    const deliveries = await standin.deliverWebhooks(
      [
        { topic: "orders/create", payload: { id: 1 }, eventId: "a" },
        { topic: "orders/updated", payload: { id: 1 }, eventId: "b" },
      ],
      { order: "reverse", duplicate: true },
    );
    expect(deliveries.map((d) => `${d.topic}:${d.eventId}`)).toEqual(["orders/updated:b", "orders/updated:b", "orders/create:a", "orders/create:a"]);
    expect(app.requests.map((r) => r.headers["x-shopify-event-id"])).toEqual(["b", "b", "a", "a"]);
  });
});

describe("webhook retries", () => {
  it("re-delivers with the same event and webhook ids while the app fails", async () => {
    let calls = 0;
    const app = await captureServer(() => ({ status: ++calls < 3 ? 500 : 200 }));
    const standin = await startStandin({ store: tinyStore().store, appUrl: app.url });
    try {
      const last = await standin.sendWebhook({ topic: "orders/create", payload: { id: 1 }, retries: 5 });
      expect(last.status).toBe(200);
      expect(app.requests).toHaveLength(3);
      expect(new Set(app.requests.map((r) => `${r.headers["x-shopify-event-id"]}|${r.headers["x-shopify-webhook-id"]}`)).size).toBe(1);
      expect(standin.calls.webhooks.map((d) => d.status)).toEqual([500, 500, 200]);
    } finally {
      await standin.close();
      await app.close();
    }
  });
});

describe("app proxy signatures", () => {
  it("matches the example in Shopify's app proxy documentation", () => {
    const params = {
      extra: ["1", "2"],
      shop: "shop-name.myshopify.com",
      logged_in_customer_id: "1",
      path_prefix: "/apps/awesome_reviews",
      timestamp: "1317327555",
    };
    expect(proxySignatureMessage(params)).toBe("extra=1,2logged_in_customer_id=1path_prefix=/apps/awesome_reviewsshop=shop-name.myshopify.comtimestamp=1317327555");
    expect(signProxyQuery(params, "hush")).toBe("4c68c8624d737112c91818c11017d24d334b524cb5c2b8ba08daa056f7395ddb");
  });

  it("reads repeated keys from URLSearchParams and ignores an existing signature", () => {
    const query = new URLSearchParams("extra=1&extra=2&shop=shop-name.myshopify.com&logged_in_customer_id=1&path_prefix=%2Fapps%2Fawesome_reviews&timestamp=1317327555&signature=stale");
    expect(signProxyQuery(query, "hush")).toBe("4c68c8624d737112c91818c11017d24d334b524cb5c2b8ba08daa056f7395ddb");
  });

  it("adds Shopify's parameters to a forwarded query, with an empty customer id for guests", () => {
    const query = buildProxyQuery(new URLSearchParams("limit=4&shop=evil.myshopify.com"), { shop: SHOP, loggedInCustomerId: "", pathPrefix: "/apps/shopkeeper", timestamp: 1700000000, secret: "hush" });
    expect(query.get("shop")).toBe(SHOP);
    expect(query.get("logged_in_customer_id")).toBe("");
    expect(query.get("path_prefix")).toBe("/apps/shopkeeper");
    const message = `limit=4logged_in_customer_id=path_prefix=/apps/shopkeepershop=${SHOP}timestamp=1700000000`;
    expect(query.get("signature")).toBe(createHmac("sha256", "hush").update(message).digest("hex"));
  });
});
