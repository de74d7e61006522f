import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { PROXY_TIMESTAMP_TOLERANCE_S, verifyAppProxy, verifyWebhook, webhookPartsOf } from "~/services/shopify-signatures.server";
import { TtlCache } from "~/lib/storefront/ttl-cache";
import { signProxyQuery } from "../standin/proxy-signature";

const SECRET = "testApiSecretKey";
const SHOP = "sig-shop.myshopify.com";
const NOW = 1_800_000_000_000;

function proxyRequest(params: Record<string, string>, { timestamp = NOW / 1000, secret = SECRET, extra = "" } = {}) {
  const q = new URLSearchParams({ ...params, shop: SHOP, logged_in_customer_id: "", path_prefix: "/apps/shopkeeper", timestamp: String(timestamp) });
  q.set("signature", signProxyQuery(q, secret));
  return new Request(`https://app.test/proxy/recommendations?${q}${extra}`);
}

async function status(promise: Promise<unknown> | (() => unknown)): Promise<number> {
  try {
    await (typeof promise === "function" ? promise() : promise);
    return 200;
  } catch (error) {
    if (error instanceof Response) return error.status;
    throw error;
  }
}

describe("verifyAppProxy", () => {
  it("accepts Shopify's signature and returns the signed shop", () => {
    const { shop, params } = verifyAppProxy(proxyRequest({ surface: "home", cart: "1,2" }), NOW);
    expect(shop).toBe(SHOP);
    expect(params.get("surface")).toBe("home");
  });

  it("signs a repeated key's values joined in query order, and sorts the joined pairs, not the keys", async () => {
    // "cart-x=…" sorts before "cart=…" ('-' < '='), though the key "cart" sorts before "cart-x".
    const q = new URLSearchParams([["cart", "2"], ["cart-x", "9"], ["cart", "1"], ["shop", SHOP], ["timestamp", String(NOW / 1000)]]);
    q.set("signature", signProxyQuery(q, SECRET));
    expect(verifyAppProxy(new URLSearchParams(q), NOW).params.getAll("cart")).toEqual(["2", "1"]);
    // The same values in the other order are a different message.
    const swapped = new URLSearchParams(q.toString().replace("cart=2", "cart=0").replace("cart=1", "cart=2").replace("cart=0", "cart=1"));
    expect(swapped.getAll("cart")).toEqual(["1", "2"]);
    expect(await status(() => verifyAppProxy(swapped, NOW))).toBe(400);
  });

  it("refuses with 400: wrong secret, tampered query, duplicated signature or shop, missing or stale timestamp (6 cases)", async () => {
    const tampered = new Request(proxyRequest({ surface: "home" }).url.replace("surface=home", "surface=cart"));
    const cases = [
      () => verifyAppProxy(proxyRequest({ surface: "home" }, { secret: "other" }), NOW),
      () => verifyAppProxy(tampered, NOW),
      () => verifyAppProxy(proxyRequest({ surface: "home" }, { extra: "&signature=00" }), NOW),
      () => verifyAppProxy(proxyRequest({ surface: "home" }, { extra: `&shop=${SHOP}` }), NOW),
      () => verifyAppProxy(proxyRequest({ surface: "home" }, { timestamp: NOW / 1000 - PROXY_TIMESTAMP_TOLERANCE_S - 1 }), NOW),
      () => verifyAppProxy(new Request(`https://app.test/proxy/x?shop=${SHOP}&signature=${"a".repeat(64)}`), NOW),
    ];
    expect(await Promise.all(cases.map((c) => status(c)))).toEqual([400, 400, 400, 400, 400, 400]);
    // Inside the window either way is fine.
    expect(await status(() => verifyAppProxy(proxyRequest({ surface: "home" }, { timestamp: NOW / 1000 + PROXY_TIMESTAMP_TOLERANCE_S - 1 }), NOW))).toBe(200);
  });
});

function webhook(body: string, { secret = SECRET, method = "POST", drop = "" } = {}) {
  const headers: Record<string, string> = {
    "X-Shopify-Hmac-Sha256": createHmac("sha256", secret).update(body).digest("base64"),
    "X-Shopify-Topic": "orders/create",
    "X-Shopify-Shop-Domain": SHOP,
    "X-Shopify-API-Version": "2025-07",
    "X-Shopify-Webhook-Id": "wh-1",
    "X-Shopify-Event-Id": "ev-1",
  };
  if (drop) delete headers[drop];
  return new Request("https://app.test/webhooks/orders/create", { method, headers, body: method === "POST" ? body : undefined });
}

describe("verifyWebhook", () => {
  it("returns the delivery's fields, the topic as the library stores it, and the exact signed body", async () => {
    const body = '{"id": 1,  "name":"#1"}';
    expect(await verifyWebhook(webhookPartsOf(webhook(body)))).toEqual({
      shop: SHOP,
      topic: "ORDERS_CREATE",
      webhookId: "wh-1",
      apiVersion: "2025-07",
      eventId: "ev-1",
      rawBody: body,
    });
  });

  it("answers 405 GET, 401 forged, 400 missing topic or non-JSON, 413 oversized (5 cases)", async () => {
    const cases = [
      verifyWebhook(webhookPartsOf(webhook("{}", { method: "GET" }))),
      verifyWebhook(webhookPartsOf(webhook('{"id":1}', { secret: "forged" }))),
      verifyWebhook(webhookPartsOf(webhook('{"id":1}', { drop: "X-Shopify-Topic" }))),
      verifyWebhook(webhookPartsOf(webhook("not json"))),
      verifyWebhook(webhookPartsOf(webhook(`{"pad":"${"x".repeat(3 * 1024 * 1024)}"}`))),
    ];
    expect(await Promise.all(cases.map((c) => status(c)))).toEqual([405, 401, 400, 400, 413]);
  });
});

describe("TtlCache", () => {
  it("expires entries after the TTL and drops the oldest when full", () => {
    const cache = new TtlCache<number>(1_000, 2);
    cache.set("a", 1, 0);
    cache.set("b", 2, 500);
    expect(cache.get("a", 999)).toBe(1);
    expect(cache.get("a", 1_000)).toBeUndefined();
    cache.set("c", 3, 600);
    cache.set("d", 4, 700);
    expect([cache.get("b", 700), cache.get("c", 700), cache.get("d", 700)]).toEqual([undefined, 3, 4]);
    expect(cache.size).toBe(2);
  });
});
