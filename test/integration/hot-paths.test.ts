import { createServer, get, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { serveHotPath } from "~/hot-paths.server";
import { loader as recommendationsLoader } from "~/routes/proxy.recommendations";
import { clearStorefrontCaches, closeStorefrontRedis } from "~/services/storefront.server";
import { signProxyQuery } from "../standin/proxy-signature";
import { API_SECRET_KEY } from "../support/shopify";
import { settle } from "../support/responses";

// `npm start` answers GET /proxy/recommendations before express and Remix. Whatever a shopper sends,
// the hot path must answer exactly what the Remix route answers.
const SHOP = "hot-path-shop.myshopify.com";
const CUSTOMER = "8801";

let server: Server;
let base: string;
let fallThroughs = 0;

function query(params: Record<string, string>, { customer = "", secret = API_SECRET_KEY, shop = SHOP, ageSeconds = 0 } = {}): string {
  const q = new URLSearchParams(params);
  q.set("shop", shop);
  q.set("logged_in_customer_id", customer);
  q.set("path_prefix", "/apps/shopkeeper");
  q.set("timestamp", String(Math.floor(Date.now() / 1000) - ageSeconds));
  q.set("signature", signProxyQuery(q, secret));
  return q.toString();
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

  it("leaves every other request to express and Remix", async () => {
    const before = fallThroughs;
    for (const path of ["/proxy/events", "/proxy/recommendations/extra", "/app", "/webhooks/orders/create"]) {
      expect((await fetch(`${base}${path}?${query({ surface: "home" })}`)).status).toBe(418);
    }
    expect((await fetch(`${base}/proxy/recommendations?${query({ surface: "home" })}`, { method: "POST" })).status).toBe(418);
    expect(fallThroughs - before).toBe(5);
  });
});
