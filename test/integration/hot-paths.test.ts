import { readdirSync, readFileSync } from "node:fs";
import { createServer, get, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { createHotPaths } from "~/hot-paths.server";
import { getQueue } from "~/jobs/queues.server";
import { QUEUES } from "~/jobs/definitions";
import { loader as recommendationsLoader } from "~/routes/proxy.recommendations";
import { PROXY_TIMESTAMP_TOLERANCE_S } from "~/services/shopify-signatures.server";
import { clearStorefrontCaches, closeStorefrontRedis, proxyRecommendations } from "~/services/storefront.server";
import { signedProxyQuery } from "../standin/proxy-signature";
import { API_SECRET_KEY, webhookRequest } from "../support/shopify";
import { settle } from "../support/responses";

// `npm start` answers storefront recommendations and webhook intake before express and Remix. Whatever
// a shopper or Shopify sends, the hot path must answer exactly what the Remix route answers.
// The route ids as the Remix build names them, from the route files.
const ROUTE_IDS = readdirSync(path.resolve(import.meta.dirname, "../../app/routes")).map((file) => `routes/${file.replace(/\.tsx?$/, "")}`);
const serveHotPath = createHotPaths(ROUTE_IDS);
const fixture = JSON.parse(readFileSync(path.resolve(import.meta.dirname, "../fixtures/webhooks/orders-create.json"), "utf8"));
const SHOP = "hot-path-shop.myshopify.com";
const CUSTOMER = "8801";

let server: Server;
let base: string;
let fallThroughs = 0;

function query(params: Record<string, string>, { customer = "", secret = API_SECRET_KEY, shop = SHOP, ageSeconds = 0 } = {}): string {
  return signedProxyQuery(params, { shop, secret, customer, timestampSeconds: Math.floor(Date.now() / 1000) - ageSeconds }).toString();
}

/** The same signed URL through the hot path and through the Remix route. */
async function both(search: string, headers: Record<string, string> = {}) {
  const hot = await fetch(`${base}/proxy/recommendations?${search}`, { headers });
  const remix = await settle(recommendationsLoader({ request: new Request(`https://shopkeeper.test/proxy/recommendations?${search}`, { headers }), params: {}, context: {} }));
  return { hot, remix };
}

// Personal answers carry a fresh request id each time; everything else must be identical.
const comparable = (text: string) => {
  if (!text) return text;
  const value = JSON.parse(text) as Record<string, unknown>;
  if (value.personal === true) value.request_id = "<per request>";
  return value;
};

beforeAll(async () => {
  const at = new Date("2026-01-01T00:00:00Z");
  await prisma.shop.create({ data: { domain: SHOP, settings: {}, liveRecVersion: 1, currency: "EUR" } });
  for (let i = 1; i <= 40; i++) {
    await prisma.product.create({
      data: {
        shop: SHOP, id: String(500 + i), handle: `hot-${i}`, title: `A product with a long enough title to make lists large ${i}`,
        priceCents: 1000 + i, imageUrl: `https://cdn.test/hot-${i}.png`, createdAt: at, updatedAt: at,
        variants: { create: { id: String(900 + i), updatedAt: at, priceCents: 1000 + i } },
      },
    });
  }
  const items = (from: number, n: number, source: string) =>
    Array.from({ length: n }, (_, k) => ({ productId: String(500 + from + k), score: 1 - k / 100, reason: `${source} reason`, source }));
  await prisma.customer.create({ data: { shop: SHOP, id: CUSTOMER, numberOfOrders: 4, createdAt: at, updatedAt: at } });
  for (const row of [
    { kind: "bestsellers", subjectId: "*", items: items(1, 30, "bestseller") },
    { kind: "fbt", subjectId: "501", items: items(10, 12, "co_purchase") },
    { kind: "personal", subjectId: CUSTOMER, items: items(20, 12, "personal") },
  ]) {
    await prisma.recList.create({ data: { shop: SHOP, version: 1, ...row } });
  }
  server = createServer((req, res) => {
    if (serveHotPath(req, res)) return;
    fallThroughs += 1;
    res.writeHead(418).end("not a hot path");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

beforeEach(() => clearStorefrontCaches());
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await closeStorefrontRedis();
});

describe("the recommendations hot path", () => {
  it("answers every kind of request exactly as the Remix route does", async () => {
    const cases: [string, string][] = [
      ["guest home page", query({ surface: "home", limit: "4" })],
      ["guest product page", query({ surface: "product", product_id: "501", limit: "6", consent: "unknown" })],
      ["consenting visitor", query({ surface: "home", consent: "granted", visitor: "visitor-hot-1" })],
      ["logged-in customer with consent", query({ surface: "home", consent: "granted", visitor: "visitor-hot-2" }, { customer: CUSTOMER })],
      ["consent denied", query({ surface: "home", consent: "denied" }, { customer: CUSTOMER })],
      ["bad parameters", query({ surface: "nowhere", limit: "lots" })],
      ["forged signature", query({ surface: "home" }, { secret: "forged" })],
      ["replayed after the allowed skew", query({ surface: "home" }, { ageSeconds: 600 })],
      ["unknown shop", query({ surface: "home" }, { shop: "never-installed.myshopify.com" })],
      ["no signature at all", "surface=home"],
    ];
    const statuses: Record<string, number> = {};
    for (const [name, search] of cases) {
      const { hot, remix } = await both(search);
      statuses[name] = hot.status;
      expect({ name, status: hot.status }).toEqual({ name, status: remix.status });
      expect({ name, body: comparable(await hot.text()) }).toEqual({ name, body: comparable(await remix.text()) });
      for (const header of ["content-type", "cache-control", "etag"]) expect({ name, header, value: hot.headers.get(header) }).toEqual({ name, header, value: remix.headers.get(header) });
    }
    // The cases really cover answers, refusals and bad input, not one status ten times.
    expect(statuses).toEqual({
      "guest home page": 200,
      "guest product page": 200,
      "consenting visitor": 200,
      "logged-in customer with consent": 200,
      "consent denied": 200,
      "bad parameters": 400,
      "forged signature": 400,
      "replayed after the allowed skew": 400,
      "unknown shop": 404,
      "no signature at all": 400,
    });
    expect(fallThroughs).toBe(0);
  });

  it("gzips large shared answers for clients that accept it and honours If-None-Match", async () => {
    const search = query({ surface: "home", limit: "24" });
    const plain = await fetch(`${base}/proxy/recommendations?${search}`);
    const body = await plain.text();
    expect(Buffer.byteLength(body)).toBeGreaterThan(1024);
    expect(JSON.parse(body).items).toHaveLength(24);

    // fetch would decompress transparently; read the raw bytes through node:http instead.
    const raw = await new Promise<{ encoding: string | undefined; bytes: Buffer }>((resolve, reject) => {
      const request = get(`${base}/proxy/recommendations?${search}`, { headers: { "Accept-Encoding": "gzip, br" } }, (response: IncomingMessage) => {
        const chunks: Buffer[] = [];
        response.on("data", (c: Buffer) => chunks.push(c)).on("end", () => resolve({ encoding: response.headers["content-encoding"], bytes: Buffer.concat(chunks) }));
      });
      request.on("error", reject);
    });
    expect(raw.encoding).toBe("gzip");
    expect(raw.bytes.length).toBeLessThan(Buffer.byteLength(body));
    expect(gunzipSync(raw.bytes).toString("utf8")).toBe(body);

    const etag = plain.headers.get("etag")!;
    const revalidated = await fetch(`${base}/proxy/recommendations?${search}`, { headers: { "If-None-Match": etag } });
    expect(revalidated.status).toBe(304);
    expect(await revalidated.text()).toBe("");
  });

  it("answers a guest from the shared cache synchronously once the shop and the answer are cached, and only then", async () => {
    const now = new Date();
    const guest = query({ surface: "product", product_id: "501", limit: "4", consent: "unknown" });
    const first = proxyRecommendations({ search: guest, ifNoneMatch: null, now });
    expect(first).toBeInstanceOf(Promise);
    const loaded = await first;
    expect(loaded.status).toBe(200);
    // Another guest on the same page: a different signature and timestamp, the same shared answer.
    const again = proxyRecommendations({ search: query({ surface: "product", product_id: "501", limit: "4", consent: "unknown" }, { ageSeconds: 1 }), ifNoneMatch: null, now });
    expect(again).not.toBeInstanceOf(Promise);
    expect(again).toEqual(loaded);
    // A consenting visitor still has preferences to read, so that answer waits for them.
    const visitor = proxyRecommendations({ search: query({ surface: "product", product_id: "501", limit: "4", consent: "granted", visitor: "visitor-sync-1" }), ifNoneMatch: null, now });
    expect(visitor).toBeInstanceOf(Promise);
    expect((await visitor).status).toBe(200);
    // A forged signature is refused synchronously too, as a thrown 400.
    expect(() => proxyRecommendations({ search: query({ surface: "home" }, { secret: "forged" }), ifNoneMatch: null, now })).toThrow(Response);
  });

  it("remembers a verified query string but still refuses it once its timestamp is too old, and never remembers a forgery", async () => {
    const now = new Date();
    const search = query({ surface: "home", limit: "4" });
    expect((await proxyRecommendations({ search, ifNoneMatch: null, now })).status).toBe(200);
    // The same string again, within the allowed skew and just past it.
    expect((await proxyRecommendations({ search, ifNoneMatch: null, now: new Date(now.getTime() + 60_000) })).status).toBe(200);
    const late = new Date(now.getTime() + (PROXY_TIMESTAMP_TOLERANCE_S + 2) * 1000);
    let refusal: unknown;
    try {
      await proxyRecommendations({ search, ifNoneMatch: null, now: late });
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(Response);
    expect((refusal as Response).status).toBe(400);
    // A forged string is checked, and refused, every time it comes.
    const forged = query({ surface: "home", limit: "4" }, { secret: "forged" });
    for (let i = 0; i < 2; i++) expect(() => proxyRecommendations({ search: forged, ifNoneMatch: null, now })).toThrow(Response);
    // Tampering with one character of a remembered string makes it a string never verified.
    expect(() => proxyRecommendations({ search: search.replace("limit=4", "limit=5"), ifNoneMatch: null, now })).toThrow(Response);
  });

  it("leaves every other request to express and Remix", async () => {
    const before = fallThroughs;
    for (const path of ["/proxy/events", "/proxy/recommendations/extra", "/app", "/webhooks/orders/nonexistent"]) {
      expect((await fetch(`${base}${path}?${query({ surface: "home" })}`)).status).toBe(418);
    }
    expect((await fetch(`${base}/proxy/recommendations?${query({ surface: "home" })}`, { method: "POST" })).status).toBe(418);
    expect((await fetch(`${base}/webhooks/orders/create`)).status).toBe(418);
    expect(fallThroughs - before).toBe(6);
  });
});

/** A signed delivery as node:http receives it: the same request the Remix route tests send. */
async function postWebhook(request: Request): Promise<Response> {
  const url = new URL(request.url);
  return fetch(`${base}${url.pathname}`, { method: "POST", headers: request.headers, body: await request.arrayBuffer() });
}

describe("the webhook intake hot path", () => {
  const SHOP_W = "hot-webhooks.myshopify.com";
  const order = (id: number) => ({ ...fixture, id, admin_graphql_api_id: `gid://shopify/Order/${id}` });

  it("is taken for every topic's route, and answers forgeries, bad bodies and oversize bodies as the routes do", async () => {
    const before = fallThroughs;
    const topics = ROUTE_IDS.filter((id) => id.startsWith("routes/webhooks.")).map((id) => id.slice("routes/webhooks.".length).replace(".", "/"));
    expect(topics).toHaveLength(15);
    for (const topic of topics) {
      expect({ topic, status: (await postWebhook(webhookRequest(SHOP_W, topic, { id: 1 }, { secret: "forged" }))).status }).toEqual({ topic, status: 401 });
    }
    expect((await postWebhook(webhookRequest(SHOP_W, "orders/create", null, { body: "not json" }))).status).toBe(400);
    const huge = await postWebhook(webhookRequest(SHOP_W, "orders/create", null, { body: `{"pad":"${"x".repeat(3 * 1024 * 1024)}"}` }));
    expect(huge.status).toBe(413);
    expect((await huge.json()).error).toMatch(/larger than 2 MB/);
    expect(fallThroughs - before).toBe(0);
    expect(await prisma.webhookDelivery.count({ where: { shop: SHOP_W } })).toBe(0);
  });

  it("records a concurrent burst once per event, redeliveries included, and queues each stored delivery once", async () => {
    const shop = "hot-burst.myshopify.com";
    // 60 events, 20 of them delivered twice at the same moment (Shopify retries), all at once.
    const requests = Array.from({ length: 60 }, (_, i) => webhookRequest(shop, "orders/create", order(70_000 + i), { eventId: `burst-${i}` }));
    const again = Array.from({ length: 20 }, (_, i) => webhookRequest(shop, "orders/create", order(70_000 + i), { eventId: `burst-${i}` }));
    const statuses = await Promise.all([...requests, ...again].map((r) => postWebhook(r).then((res) => res.status)));
    expect(statuses.filter((s) => s === 200)).toHaveLength(80);

    const stored = await prisma.webhookDelivery.findMany({ where: { shop }, select: { id: true, eventId: true, status: true, payload: true } });
    expect(stored).toHaveLength(60);
    expect(new Set(stored.map((d) => d.eventId)).size).toBe(60);
    expect(stored.every((d) => d.status === "received" && JSON.parse(d.payload).id >= 70_000)).toBe(true);
    const jobs = await Promise.all(stored.map((d) => getQueue(QUEUES.ingest).getJob(`wh-${d.id}`)));
    expect(jobs.filter((job) => job?.data.deliveryId)).toHaveLength(60);

    // A later redelivery of a stored, still unprocessed event is acknowledged and changes nothing.
    expect((await postWebhook(webhookRequest(shop, "orders/create", order(70_000), { eventId: "burst-0" }))).status).toBe(200);
    expect(await prisma.webhookDelivery.count({ where: { shop } })).toBe(60);
  });

  it("stores exactly what the Remix route stores for the same delivery", async () => {
    const shop = "hot-same.myshopify.com";
    const { action } = await import("~/routes/webhooks.orders.create");
    const viaRemix = await settle(action({ request: webhookRequest(shop, "orders/create", order(81_001), { eventId: "same-remix" }), params: {}, context: {} }));
    const viaHot = await postWebhook(webhookRequest(shop, "orders/create", order(81_002), { eventId: "same-hot" }));
    expect([viaRemix.status, viaHot.status]).toEqual([200, 200]);
    const rows = await prisma.webhookDelivery.findMany({ where: { shop }, orderBy: { eventId: "asc" }, select: { eventId: true, topic: true, apiVersion: true, status: true, attempts: true, webhookId: true, receivedAt: true } });
    expect(rows.map(({ receivedAt: _r, webhookId: _w, ...rest }) => rest)).toEqual([
      { eventId: "same-hot", topic: "ORDERS_CREATE", apiVersion: "2025-07", status: "received", attempts: 0 },
      { eventId: "same-remix", topic: "ORDERS_CREATE", apiVersion: "2025-07", status: "received", attempts: 0 },
    ]);
    for (const row of rows) expect(Math.abs(row.receivedAt.getTime() - Date.now())).toBeLessThan(60_000);
  });
});
