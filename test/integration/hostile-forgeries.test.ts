import { readdirSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { testDb } from "../support/context";
import { API_KEY, API_SECRET_KEY, storeOfflineSession, webhookRequest } from "../support/shopify";
import { mintSessionToken, signHs256 } from "../standin/session-token";
import { signProxyQuery } from "../standin/proxy-signature";
import { loader as dashboardLoader } from "~/routes/app._index";
import { action as newSegmentAction } from "~/routes/app.segments.new";
import { loader as recommendationsLoader } from "~/routes/proxy.recommendations";
import { action as eventsAction } from "~/routes/proxy.events";
import { action as privacyAction } from "~/routes/proxy.privacy";
import { settle } from "../support/responses";

const A = "forgery-a.myshopify.com";
const B = "forgery-b.myshopify.com";
const routesDir = path.resolve(import.meta.dirname, "../../app/routes");

/** Row counts of every table a forged request could write to. */
async function writes() {
  const p = testDb().prisma;
  const [deliveries, segments, events, anonymous, preferences, audit, sessions] = await Promise.all([
    p.webhookDelivery.count(),
    p.segment.count(),
    p.event.count(),
    p.anonymousCount.count(),
    p.shopperPreference.count(),
    p.auditLog.count(),
    p.session.count(),
  ]);
  return { deliveries, segments, events, anonymous, preferences, audit, sessions };
}

const now = () => Math.floor(Date.now() / 1000);

describe(`forged webhooks, session tokens and proxy requests are refused (${testDb().flavour})`, () => {
  beforeAll(async () => {
    for (const shop of [A, B]) {
      await storeOfflineSession(shop);
      await testDb().prisma.shop.create({ data: { domain: shop, settings: {} } });
    }
  });

  describe("webhooks", () => {
    const topics = readdirSync(routesDir)
      .filter((f) => f.startsWith("webhooks."))
      .map((f) => f.replace(/^webhooks\./, "").replace(/\.tsx$/, "").replace(".", "/"));

    it("covers every webhook route in app/routes (15 topics)", () => {
      expect(topics).toHaveLength(15);
    });

    it.each(topics)("%s: 6 forgeries get 401 (tampered body, another body's HMAC, garbage, wrong secret) or 400 (no HMAC header), and write 0 rows", async (topic) => {
      const module = await import(`~/routes/webhooks.${topic.replace("/", ".")}.tsx`);
      const before = await writes();
      const body = JSON.stringify({ id: 4242, customer: { id: 7 }, shop_domain: A });
      const genuine = webhookRequest(A, topic, null, { body });
      const other = webhookRequest(A, topic, null, { body: JSON.stringify({ id: 1 }) });
      const variants: Record<string, (h: Headers) => [Headers, string]> = {
        tampered: (h) => [h, body.replace("4242", "4243")],
        hmacOfAnotherBody: (h) => (h.set("X-Shopify-Hmac-Sha256", other.headers.get("X-Shopify-Hmac-Sha256")!), [h, body]),
        missing: (h) => (h.delete("X-Shopify-Hmac-Sha256"), [h, body]),
        empty: (h) => (h.set("X-Shopify-Hmac-Sha256", ""), [h, body]),
        garbage: (h) => (h.set("X-Shopify-Hmac-Sha256", "%%%not-base64%%%"), [h, body]),
        wrongSecret: () => {
          const forged = webhookRequest(A, topic, null, { body, secret: "not-the-app-secret" });
          return [new Headers(forged.headers), body];
        },
      };
      const statuses: Record<string, number> = {};
      for (const [name, make] of Object.entries(variants)) {
        const [headers, sent] = make(new Headers(genuine.headers));
        const request = new Request(genuine.url, { method: "POST", headers, body: sent });
        statuses[name] = (await settle(module.action({ request, params: {}, context: {} }))).status;
      }
      expect(statuses).toEqual({ tampered: 401, hmacOfAnotherBody: 401, missing: 400, empty: 400, garbage: 401, wrongSecret: 401 });
      expect(await writes()).toEqual(before);
    });
  });

  describe("session tokens", () => {
    const bearer = (token: string, path: string, init: RequestInit = {}) => {
      const request = new Request(`https://shopkeeper.test${path}`, init);
      request.headers.set("Authorization", `Bearer ${token}`);
      return request;
    };
    const documentLoad = (token: string, shop: string) => {
      const url = new URL("https://shopkeeper.test/app");
      url.searchParams.set("embedded", "1");
      url.searchParams.set("shop", shop);
      url.searchParams.set("host", Buffer.from(`admin.shopify.com/store/${shop.split(".")[0]}`).toString("base64"));
      url.searchParams.set("id_token", token);
      return new Request(url);
    };
    const mint = (overrides: Parameters<typeof mintSessionToken>[0]["overrides"] = {}, apiSecret = API_SECRET_KEY, nowSeconds = now()) =>
      mintSessionToken({ shop: A, apiKey: API_KEY, apiSecret, nowSeconds, overrides }).token;
    const forged: Record<string, () => string> = {
      expired: () => mint({}, API_SECRET_KEY, now() - 120),
      notYetValid: () => mint({ nbf: now() + 120, iat: now() + 120, exp: now() + 180 }),
      wrongAudience: () => mint({ aud: "another-apps-api-key" }),
      wrongSignature: () => mint({}, "another-apps-secret"),
      algNone: () => {
        const [, payload] = mint().split(".");
        return `${Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url")}.${payload}.`;
      },
      malformed: () => "not.a.jwt",
      resignedWithChangedDest: () => {
        const [, payload] = mint().split(".");
        const claims = JSON.parse(Buffer.from(payload, "base64url").toString());
        const token = signHs256({ ...claims, dest: `https://${B}` }, "another-apps-secret");
        return token;
      },
    };

    it.each(Object.keys(forged))("%s: 401 on a fetch, a bounce (never data) on a document load, and a POST writes 0 rows", async (name) => {
      const token = forged[name]();
      const before = await writes();
      expect((await settle(dashboardLoader({ request: bearer(token, "/app"), params: {}, context: {} }))).status).toBe(401);
      const form = new URLSearchParams({ name: "Forged segment", rule: "amount_spent > 1" });
      const post = await settle(newSegmentAction({ request: bearer(token, "/app/segments/new", { method: "POST", body: form }), params: {}, context: {} }));
      expect(post.status).toBe(401);
      const page = await settle(dashboardLoader({ request: documentLoad(token, A), params: {}, context: {} }));
      expect(page.status).toBe(302);
      expect(page.headers.get("location")).toMatch(/^\/auth\/session-token\?/);
      expect(await writes()).toEqual(before);
    });

    it("a valid token within the 10 s leeway still works, so the refusals above are about the claims", async () => {
      const slightlyOld = mint({}, API_SECRET_KEY, now() - 65);
      const ok = await settle(dashboardLoader({ request: bearer(slightlyOld, "/app"), params: {}, context: {} }));
      expect(ok.status).toBe(200);
      expect((await ok.json()).shop).toBe(A);
    });

    it("the shop comes from the token's dest, never from a shop parameter: B's token with shop=A reads and writes B only", async () => {
      const tokenForB = mintSessionToken({ shop: B, apiKey: API_KEY, apiSecret: API_SECRET_KEY }).token;
      const page = await settle(dashboardLoader({ request: documentLoad(tokenForB, A), params: {}, context: {} }));
      if (page.status === 200) expect((await page.json()).shop).toBe(B);
      else expect(page.status).toBeGreaterThanOrEqual(300);
      const fetchAsA = await settle(dashboardLoader({ request: bearer(tokenForB, `/app?shop=${A}`), params: {}, context: {} }));
      expect(fetchAsA.status).toBe(200);
      expect((await fetchAsA.json()).shop).toBe(B);

      const form = new URLSearchParams({ name: "Made by B", rule: "amount_spent > 1", shop: A });
      const post = await settle(newSegmentAction({ request: bearer(tokenForB, `/app/segments/new?shop=${A}`, { method: "POST", body: form }), params: {}, context: {} }));
      expect(post.status).toBe(302);
      const p = testDb().prisma;
      expect(await p.segment.count({ where: { shop: A } })).toBe(0);
      expect(await p.segment.count({ where: { shop: B, name: "Made by B" } })).toBe(1);
    });
  });

  describe("app proxy", () => {
    const base = () => ({ surface: "home", strategy: "bestsellers", limit: "2", shop: A, logged_in_customer_id: "", path_prefix: "/apps/shopkeeper", timestamp: String(now()) });
    const signedUrl = (path: string, params: Record<string, string>, secret = API_SECRET_KEY) => {
      const query = new URLSearchParams(params);
      query.set("signature", signProxyQuery(query, secret));
      return new URL(`https://shopkeeper.test/proxy/${path}?${query}`);
    };
    const mutate = (url: URL, change: (q: URLSearchParams) => void) => {
      const copy = new URL(url);
      change(copy.searchParams);
      return copy;
    };
    const skewed = (seconds: number) => (path: string) => signedUrl(path, { ...base(), timestamp: String(now() + seconds) });
    const variants: Record<string, (path: string) => URL> = {
      tamperedParam: (p) => mutate(signedUrl(p, base()), (q) => q.set("limit", "3")),
      addedParam: (p) => mutate(signedUrl(p, base()), (q) => q.set("logged_in_customer_id", "9001")),
      shopSwapped: (p) => mutate(signedUrl(p, base()), (q) => q.set("shop", B)),
      wrongSecret: (p) => signedUrl(p, base(), "another-apps-secret"),
      missingSignature: (p) => mutate(signedUrl(p, base()), (q) => q.delete("signature")),
      garbageSignature: (p) => mutate(signedUrl(p, base()), (q) => q.set("signature", "zz")),
      duplicatedTimestamp: (p) => mutate(signedUrl(p, base()), (q) => q.append("timestamp", String(now()))),
      missingTimestamp: (p) => {
        const { timestamp: _t, ...rest } = base();
        return signedUrl(p, rest);
      },
      nonNumericTimestamp: (p) => signedUrl(p, { ...base(), timestamp: "yesterday" }),
      replayed91sLater: skewed(-91),
      replayedAnHourLater: skewed(-3600),
      dated91sAhead: skewed(91),
    };

    it.each(Object.keys(variants))("%s: 400 from recommendations, events and privacy, with 0 rows written", async (name) => {
      const before = await writes();
      const make = variants[name];
      const get = await settle(recommendationsLoader({ request: new Request(make("recommendations")), params: {}, context: {} }));
      expect(get.status).toBe(400);
      const events = JSON.stringify({ consent: "granted", visitor: "visitor-forged-1", events: [{ type: "click", surface: "home" }] });
      const post = await settle(eventsAction({ request: new Request(make("events"), { method: "POST", body: events, headers: { "Content-Type": "text/plain" } }), params: {}, context: {} }));
      expect(post.status).toBe(400);
      const privacy = await settle(privacyAction({ request: new Request(make("privacy"), { method: "POST", body: new URLSearchParams({ choice: "off" }) }), params: {}, context: {} }));
      expect(privacy.status).toBe(400);
      expect(await writes()).toEqual(before);
    });

    it("accepts a timestamp 80 s old or 80 s ahead (inside Shopify's 90 s window), and a replay inside it is idempotent", async () => {
      for (const offset of [-80, 80]) {
        const url = signedUrl("recommendations", { ...base(), timestamp: String(now() + offset) });
        expect((await settle(recommendationsLoader({ request: new Request(url), params: {}, context: {} }))).status).toBe(200);
      }
      const url = signedUrl("privacy", { ...base(), logged_in_customer_id: "8001" });
      for (let i = 0; i < 2; i++) {
        const saved = await settle(privacyAction({ request: new Request(url, { method: "POST", body: new URLSearchParams({ choice: "off" }) }), params: {}, context: {} }));
        expect(saved.status).toBe(303);
      }
      expect(await testDb().prisma.shopperPreference.count({ where: { shop: A } })).toBe(1);
    });
  });
});
