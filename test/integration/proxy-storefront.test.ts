import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import fc from "fast-check";
import prisma from "~/db.server";
import { assignArm } from "~/lib/experiments/assignment";
import { loader as recommendationsLoader } from "~/routes/proxy.recommendations";
import { action as eventsAction } from "~/routes/proxy.events";
import { action as notInterestedAction } from "~/routes/proxy.not-interested";
import { loader as privacyLoader, action as privacyAction } from "~/routes/proxy.privacy";
import { clearStorefrontCaches, closeStorefrontRedis, DEFAULT_EXPERIMENT_ID, EVENTS_PER_MINUTE } from "~/services/storefront.server";
import { listAnonymousCounts, listEvents } from "~/models/events.server";
import { signProxyQuery, signedProxyQuery } from "../standin/proxy-signature";
import { API_SECRET_KEY } from "../support/shopify";
import { settle } from "../support/responses";

const SHOP = "proxy-shop.myshopify.com";
const CUSTOMER = "7001";
const NEW_CUSTOMER = "7002"; // no orders yet
const VISITOR = "visitor-abcdef12";

/** A request exactly as Shopify's app proxy forwards it: our params plus shop, customer, prefix, timestamp, signature. */
function signed(path: string, params: Record<string, string>, { customer = "", secret = API_SECRET_KEY, init = {} as RequestInit } = {}) {
  const query = signedProxyQuery(params, { shop: SHOP, secret, customer });
  return new Request(`https://shopkeeper.test/proxy/${path}?${query}`, init);
}

const recs = (params: Record<string, string>, opts?: Parameters<typeof signed>[2]) =>
  settle(recommendationsLoader({ request: signed("recommendations", params, opts), params: {}, context: {} }));
const postEvents = (body: unknown, opts: Parameters<typeof signed>[2] = {}) =>
  settle(eventsAction({ request: signed("events", {}, { ...opts, init: { method: "POST", body: typeof body === "string" ? body : JSON.stringify(body), headers: { "Content-Type": "text/plain" } } }), params: {}, context: {} }));

const list = (ids: string[], source: string) => ids.map((productId, i) => ({ productId, score: 1 - i / 10, reason: `${source} reason`, source }));

beforeAll(async () => {
  const at = new Date("2026-01-01T00:00:00Z");
  await prisma.shop.create({ data: { domain: SHOP, settings: {}, liveRecVersion: 3, currency: "EUR" } });
  for (let i = 1; i <= 12; i++) {
    await prisma.product.create({
      data: {
        shop: SHOP, id: String(100 + i), handle: `product-${i}`, title: `Product ${i}`, priceCents: 1000 + i * 99, imageUrl: `https://cdn.test/${i}.png`, createdAt: at, updatedAt: at,
        published: i !== 12, // 12 is unpublished and must never be served
        variants: { create: { id: String(200 + i), updatedAt: at, priceCents: 1000 + i * 99 } },
      },
    });
  }
  await prisma.customer.create({ data: { shop: SHOP, id: CUSTOMER, numberOfOrders: 3, createdAt: at, updatedAt: at } });
  await prisma.customer.create({ data: { shop: SHOP, id: NEW_CUSTOMER, numberOfOrders: 0, createdAt: at, updatedAt: at } });
  const rows = [
    { kind: "bestsellers", subjectId: "*", items: list(["101", "102", "103", "104", "105", "112"], "bestseller") },
    { kind: "trending", subjectId: "*", items: list(["106", "105", "104"], "trending") },
    { kind: "fbt", subjectId: "101", items: list(["107", "108"], "co_purchase") },
    { kind: "personal", subjectId: CUSTOMER, items: list(["109", "110", "111"], "personal") },
    { kind: "personal", subjectId: NEW_CUSTOMER, items: list(["111"], "personal") },
    // An older version's list must never be read.
  ];
  for (const row of rows) await prisma.recList.create({ data: { shop: SHOP, version: 3, ...row } });
  await prisma.recList.create({ data: { shop: SHOP, version: 2, kind: "bestsellers", subjectId: "*", items: list(["111"], "bestseller") } });
});

beforeEach(() => clearStorefrontCaches());
afterAll(async () => closeStorefrontRedis());

/** A visitor id whose default-holdout assignment (as a visitor, not logged in) is the given arm. */
function visitorInArm(arm: "holdout" | "personal", unit: (id: string) => string = (id) => `v:${id}`): string {
  for (let i = 0; i < 10_000; i++) {
    const id = `visitor-${String(i).padStart(6, "0")}`;
    const a = assignArm({ shop: SHOP, experimentId: DEFAULT_EXPERIMENT_ID, unitId: unit(id), arms: [{ key: "personal", weight: 1 }], holdoutPct: 10 });
    if (a.enrolled && a.arm === arm) return id;
  }
  throw new Error("no visitor found");
}

describe("GET /proxy/recommendations", () => {
  it("refuses a bad signature with 400 and serves a valid one", async () => {
    expect((await recs({ surface: "home" }, { secret: "forged" })).status).toBe(400);
    const ok = await recs({ surface: "home", strategy: "bestsellers", limit: "3" });
    expect(ok.status).toBe(200);
    const body = await ok.json();
    expect(body).toEqual({
      surface: "home",
      strategy: "bestsellers",
      arm: "none",
      personal: false,
      request_id: expect.stringMatching(/^[\w-]{16}$/),
      items: [
        { product_id: "101", variant_id: "201", handle: "product-1", title: "Product 1", price: 10.99, currency: "EUR", image: "https://cdn.test/1.png", url: "/products/product-1", reason: "bestseller reason", source: "bestseller" },
        { product_id: "102", variant_id: "202", handle: "product-2", title: "Product 2", price: 11.98, currency: "EUR", image: "https://cdn.test/2.png", url: "/products/product-2", reason: "bestseller reason", source: "bestseller" },
        { product_id: "103", variant_id: "203", handle: "product-3", title: "Product 3", price: 12.97, currency: "EUR", image: "https://cdn.test/3.png", url: "/products/product-3", reason: "bestseller reason", source: "bestseller" },
      ],
    });
  });

  it("consent granted + logged in gives a personal, private response", async () => {
    const visitor = visitorInArm("personal", () => `c:${CUSTOMER}`);
    const res = await recs({ surface: "home", strategy: "for_you", limit: "4", consent: "granted", visitor }, { customer: CUSTOMER });
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("private, no-store");
    expect(res.headers.get("etag")).toBeNull();
    const body = await res.json();
    expect(body.personal).toBe(true);
    expect(body.arm).not.toBe("holdout");
    expect(body.items.map((i: { product_id: string }) => i.product_id)).toEqual(["109", "110", "111", "106"]);
  });

  it.each(["denied", "unknown"])("consent %s ignores logged_in_customer_id and is publicly cacheable", async (consent) => {
    const res = await recs({ surface: "home", strategy: "for_you", limit: "4", consent, visitor: VISITOR }, { customer: CUSTOMER });
    expect(res.headers.get("cache-control")).toBe("public, max-age=60");
    expect(res.headers.get("etag")).toMatch(/^W\/".+"$/);
    const body = await res.json();
    expect(body.personal).toBe(false);
    expect(body.arm).toBe("none");
    expect(body.items.map((i: { product_id: string }) => i.product_id)).toEqual(["106", "105", "104", "101"]);
    // The same request as a guest gets byte-identical JSON: the customer id made no difference.
    const guest = await recs({ surface: "home", strategy: "for_you", limit: "4", consent });
    expect(await guest.text()).toBe(JSON.stringify(body));
  });

  it("answers 304 to a matching If-None-Match", async () => {
    const first = await recs({ surface: "product", product_id: "101" });
    const etag = first.headers.get("etag")!;
    const again = await settle(recommendationsLoader({ request: new Request(signed("recommendations", { surface: "product", product_id: "101" }), { headers: { "If-None-Match": etag } }), params: {}, context: {} }));
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
    // Bought-together for product 101 first, then bestsellers without 101 itself and without the unpublished 112.
    expect((await first.json()).items.map((i: { product_id: string }) => i.product_id)).toEqual(["107", "108", "102", "103"]);
  });

  it("opt-out by query or stored server-side gives non-personal lists", async () => {
    const visitor = visitorInArm("personal", () => `c:${CUSTOMER}`);
    const base = { surface: "home", strategy: "for_you", limit: "2", consent: "granted", visitor };
    const viaQuery = await (await recs({ ...base, optout: "1" }, { customer: CUSTOMER })).json();
    expect(viaQuery.personal).toBe(false);

    const form = new URLSearchParams({ choice: "off" });
    const saved = await settle(privacyAction({ request: signed("privacy", {}, { customer: CUSTOMER, init: { method: "POST", body: form, headers: { "Content-Type": "application/x-www-form-urlencoded" } } }), params: {}, context: {} }));
    expect(saved.status).toBe(303);
    expect(saved.headers.get("location")).toBe("/apps/shopkeeper/privacy?saved=off");
    expect((await prisma.shopperPreference.findUnique({ where: { shop_shopperKey: { shop: SHOP, shopperKey: `c:${CUSTOMER}` } } }))?.personalisationOff).toBe(true);
    const stored = await (await recs(base, { customer: CUSTOMER })).json();
    expect(stored.personal).toBe(false);
    expect(stored.items.map((i: { product_id: string }) => i.product_id)).toEqual(["106", "105"]);

    await settle(privacyAction({ request: signed("privacy", {}, { customer: CUSTOMER, init: { method: "POST", body: new URLSearchParams({ choice: "on" }), headers: { "Content-Type": "application/x-www-form-urlencoded" } } }), params: {}, context: {} }));
    expect((await (await recs(base, { customer: CUSTOMER })).json()).personal).toBe(true);
  });

  it("the weekly frequency cap turns personal lists off after the allowed number", async () => {
    await prisma.shop.update({ where: { domain: SHOP }, data: { settings: { ethics: { maxPersonalOffersPerShopperPerWeek: 2 } } } });
    clearStorefrontCaches();
    const at = new Date("2026-01-01T00:00:00Z");
    // A fresh customer (so earlier tests' offers don't count) outside the default holdout.
    const capped = ["7010", "7011", "7012", "7013", "7014"].find(
      (id) => (assignArm({ shop: SHOP, experimentId: DEFAULT_EXPERIMENT_ID, unitId: `c:${id}`, arms: [{ key: "personal", weight: 1 }], holdoutPct: 10 }) as { arm?: string }).arm === "personal",
    )!;
    await prisma.customer.create({ data: { shop: SHOP, id: capped, numberOfOrders: 1, createdAt: at, updatedAt: at } });
    await prisma.recList.create({ data: { shop: SHOP, version: 3, kind: "personal", subjectId: capped, items: list(["110"], "personal") } });
    const visitor = VISITOR;
    const personal: boolean[] = [];
    for (let i = 0; i < 3; i++) personal.push((await (await recs({ surface: "home", strategy: "for_you", limit: "2", consent: "granted", visitor }, { customer: capped })).json()).personal);
    expect(personal).toEqual([true, true, false]);
    // Kill switch: nobody gets personal lists.
    await prisma.shop.update({ where: { domain: SHOP }, data: { settings: { ethics: { personalisationEnabled: false } } } });
    clearStorefrontCaches();
    const off = await recs({ surface: "home", strategy: "for_you", limit: "2", consent: "granted", visitor: visitorInArm("personal", () => `c:${CUSTOMER}`) }, { customer: CUSTOMER });
    expect((await off.json()).personal).toBe(false);
    expect(off.headers.get("cache-control")).toBe("public, max-age=60");
    await prisma.shop.update({ where: { domain: SHOP }, data: { settings: {} } });
    clearStorefrontCaches();
  });

  it("falls back to best-selling products from orders before any list is computed", async () => {
    const shop = "fresh-shop.myshopify.com";
    const at = new Date("2026-01-01T00:00:00Z");
    await prisma.shop.create({ data: { domain: shop, settings: {}, liveRecVersion: 0 } });
    for (const id of ["1", "2", "3"]) await prisma.product.create({ data: { shop, id, handle: `p${id}`, title: `P${id}`, priceCents: 500, createdAt: at, updatedAt: at } });
    await prisma.order.create({
      data: { shop, id: "o1", name: "#1", createdAt: at, updatedAt: at, lines: { create: [{ id: "l1", productId: "2", title: "P2", quantity: 5, priceCents: 500 }, { id: "l2", productId: "3", title: "P3", quantity: 2, priceCents: 500 }, { id: "l3", productId: "1", title: "P1", quantity: 1, priceCents: 500 }] } },
    });
    const query = new URLSearchParams({ surface: "home", limit: "3", shop, logged_in_customer_id: "", path_prefix: "/apps/shopkeeper", timestamp: String(Math.floor(Date.now() / 1000)) });
    query.set("signature", signProxyQuery(query, API_SECRET_KEY));
    const res = await settle(recommendationsLoader({ request: new Request(`https://shopkeeper.test/proxy/recommendations?${query}`), params: {}, context: {} }));
    expect((await res.json()).items.map((i: { product_id: string; variant_id: string | null }) => [i.product_id, i.variant_id])).toEqual([["2", null], ["3", null], ["1", null]]);
  });

  it("a customer below minCustomerOrders gets non-personal lists", async () => {
    const body = await (await recs({ surface: "home", strategy: "for_you", limit: "2", consent: "granted", visitor: VISITOR }, { customer: NEW_CUSTOMER })).json();
    expect(body.personal).toBe(false);
  });

  it("a holdout shopper gets bestsellers and arm holdout", async () => {
    const visitor = visitorInArm("holdout");
    const res = await recs({ surface: "home", strategy: "for_you", limit: "3", consent: "granted", visitor });
    const body = await res.json();
    expect(body).toMatchObject({ arm: "holdout", strategy: "bestsellers", personal: false });
    expect(body.items.map((i: { product_id: string }) => i.product_id)).toEqual(["101", "102", "103"]);
    const other = await (await recs({ surface: "home", strategy: "for_you", limit: "3", consent: "granted", visitor: visitorInArm("personal") })).json();
    expect(other.arm).toBe("personal");
  });

  it("a running experiment on the surface decides the arm", async () => {
    const exp = await prisma.experiment.create({ data: { shop: SHOP, name: "Cart test", surface: "cart", status: "running", arms: [{ key: "trending", weight: 1 }], holdoutPct: 0 } });
    const body = await (await recs({ surface: "cart", limit: "2", consent: "granted", visitor: VISITOR })).json();
    expect(body).toMatchObject({ arm: "trending", strategy: "trending" });
    expect(body.items.map((i: { product_id: string }) => i.product_id)).toEqual(["106", "105"]);
    await prisma.experiment.delete({ where: { id: exp.id } });
  });

  it("rejects bad parameters with 400 naming the parameter", async () => {
    const cases: [Record<string, string>, string][] = [
      [{}, "surface"],
      [{ surface: "checkout" }, "surface"],
      [{ surface: "home", strategy: "magic" }, "strategy"],
      [{ surface: "home", limit: "0" }, "limit"],
      [{ surface: "home", limit: "25" }, "limit"],
      [{ surface: "home", limit: "two" }, "limit"],
      [{ surface: "home", consent: "yes" }, "consent"],
      [{ surface: "home", product_id: "<script>" }, "product_id"],
      [{ surface: "home", visitor: "x" }, "visitor"],
      [{ surface: "home", optout: "true" }, "optout"],
    ];
    for (const [params, name] of cases) {
      const res = await recs(params);
      expect(res.status, JSON.stringify(params)).toBe(400);
      const body = await res.json();
      expect(body.errors.map((e: { param: string }) => e.param)).toContain(name);
      expect(body.message).toContain(`${name}:`);
    }
  });

  it("never answers 500 to random parameters", async () => {
    const value = fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom("home", "product", "1", "24", "granted", "auto", "101,102", ""));
    await fc.assert(
      fc.asyncProperty(fc.dictionary(fc.constantFrom("surface", "strategy", "limit", "product_id", "cart", "visitor", "consent", "optout", "zzz"), value), async (params) => {
        const res = await recs(params);
        expect([200, 400]).toContain(res.status);
      }),
      { numRuns: 60 },
    );
  });
});

describe("POST /proxy/events", () => {
  it("stores identified events only with consent, otherwise anonymous counts", async () => {
    const event = { type: "click", surface: "product", strategy: "bought_together", arm: "personal", product_id: "107", request_id: "abc", at: new Date().toISOString() };
    const granted = await postEvents({ visitor: VISITOR, consent: "granted", events: [event, { ...event, type: "impression" }] }, { customer: CUSTOMER });
    expect(granted.status).toBe(202);
    const rows = await listEvents({ shop: SHOP });
    expect(rows.map((r) => [r.type, r.visitorId, r.customerId, r.productId, r.arm]).sort()).toEqual([
      ["click", VISITOR, CUSTOMER, "107", "personal"],
      ["impression", VISITOR, CUSTOMER, "107", "personal"],
    ]);

    // Denied: even if identifiers are sent, nothing identifying is stored, and the customer id is ignored.
    const denied = await postEvents({ visitor: VISITOR, consent: "denied", events: [event, event, { type: "impression", surface: "home" }] }, { customer: CUSTOMER });
    expect(denied.status).toBe(202);
    expect(await listEvents({ shop: SHOP })).toHaveLength(2);
    const day = new Date().toISOString().slice(0, 10);
    expect((await listAnonymousCounts({ shop: SHOP })).map((c) => [c.day, c.surface, c.type, c.count])).toEqual([
      [day, "home", "impression", 1],
      [day, "product", "click", 2],
    ]);
    await postEvents({ consent: "unknown", events: [{ type: "click", surface: "product" }] });
    expect((await listAnonymousCounts({ shop: SHOP })).find((c) => c.surface === "product")?.count).toBe(3);
  });

  it("rejects bad bodies (400), oversized bodies (413) and bad signatures (400)", async () => {
    expect((await postEvents("not json")).status).toBe(400);
    const bad = await postEvents({ consent: "granted", visitor: VISITOR, events: [{ type: "purchase", surface: "home" }] });
    expect(bad.status).toBe(400);
    expect((await bad.json()).message).toContain("events.0.type:");
    expect((await postEvents({ events: [{ type: "click", surface: "home" }], pad: "x".repeat(20_000) })).status).toBe(413);
    expect((await postEvents({ events: [{ type: "click", surface: "home" }] }, { secret: "forged" })).status).toBe(400);
  });

  it("rate-limits a visitor with 429 and a message", async () => {
    const visitor = "visitor-ratelimit";
    const body = { visitor, consent: "granted", events: [{ type: "impression", surface: "home" }] };
    const statuses: number[] = [];
    for (let i = 0; i < EVENTS_PER_MINUTE + 1; i++) statuses.push((await postEvents(body)).status);
    // A minute boundary may fall inside the loop and reset the window once; at least one must be refused unless it did.
    const refused = statuses.filter((s) => s === 429).length;
    const last = await postEvents(body);
    expect(refused + (last.status === 429 ? 1 : 0)).toBeGreaterThanOrEqual(1);
    const limited = last.status === 429 ? last : await postEvents(body);
    expect(limited.status).toBe(429);
    expect((await limited.json()).error).toMatch(/Too many event batches from this shopper: at most 60 a minute/);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
  });
});

describe("POST /proxy/not-interested and the privacy page", () => {
  it("hides the product for that shopper only", async () => {
    const visitor = visitorInArm("personal");
    const params = { surface: "home", strategy: "bestsellers", limit: "3", consent: "granted", visitor };
    expect((await (await recs(params)).json()).items.map((i: { product_id: string }) => i.product_id)).toEqual(["101", "102", "103"]);
    const res = await settle(notInterestedAction({ request: signed("not-interested", {}, { init: { method: "POST", body: JSON.stringify({ visitor, product_id: "102" }) } }), params: {}, context: {} }));
    expect(res.status).toBe(200);
    const after = await recs(params);
    expect((await after.json()).items.map((i: { product_id: string }) => i.product_id)).toEqual(["101", "103", "104"]);
    // Another shopper still sees it.
    expect((await (await recs({ ...params, visitor: visitorInArm("personal").replace(/.$/, "x") })).json()).items[1].product_id).toBe("102");
  });

  it("explains the current settings and shows the stored choice", async () => {
    await prisma.shop.update({ where: { domain: SHOP }, data: { settings: { ethics: { attributionWindowDays: 3, minCustomerOrders: 2 } } } });
    clearStorefrontCaches();
    const res = await settle(privacyLoader({ request: signed("privacy", {}, { customer: CUSTOMER }), params: {}, context: {} }));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/liquid");
    const html = await res.text();
    expect(html).toContain("How this shop personalises recommendations");
    expect(html).toContain("within 3 days of clicking it");
    expect(html).toContain("once you have placed 2 orders here");
    expect(html).toContain('action="/apps/shopkeeper/privacy"');
    expect(html).not.toMatch(/\{\{|\{%/);
    await prisma.shop.update({ where: { domain: SHOP }, data: { settings: {} } });
  });
});
