import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { testDb } from "../support/context";
import { API_SECRET_KEY, RequestType, adminRequest, storeOfflineSession, webhookRequest } from "../support/shopify";
import { signProxyQuery } from "../standin/proxy-signature";
import { SHOP_A, SHOP_B, leakedMarkers, seedTenants, snapshotShop, type TenantIds } from "../support/hostile-tenants";
import { handlerFor } from "~/services/webhook-handlers.server";
import { clearStorefrontCaches, closeStorefrontRedis } from "~/services/storefront.server";
import { settle } from "../support/responses";

// Every route module under app/routes, read at test time: a new route is exercised (or the test fails)
// without anyone editing this file. Each is called with shop A's credentials and shop B's ids.
const routesDir = path.resolve(import.meta.dirname, "../../app/routes");
const fixturesDir = path.resolve(import.meta.dirname, "../fixtures/webhooks");
const routeFiles = readdirSync(routesDir).filter((f) => /\.tsx?$/.test(f)).sort();

// Shopify topic → fixture whose ids are B's rows (test/support/hostile-tenants.ts).
const WEBHOOK_FIXTURES: Record<string, string> = {
  "orders/create": "orders-create", "orders/updated": "orders-updated-refunded", "orders/cancelled": "orders-cancelled",
  "refunds/create": "refunds-create", "products/create": "products-update", "products/update": "products-update",
  "products/delete": "products-delete", "customers/create": "customers-update", "customers/update": "customers-update",
  "customers/delete": "customers-delete", "customers/data_request": "customers-data-request", "customers/redact": "customers-redact",
  "shop/redact": "shop-redact", "app/uninstalled": "app-uninstalled", "app/scopes_update": "app-scopes-update",
};
// Routes that take no shop credentials at all (probes, the landing page, Shopify's auth paths).
const PUBLIC_ROUTES = new Set(["_index", "healthz", "readyz", "auth.$"]);

type Call = { route: string; label: string; status: number; text: string; sent: string };

/** `app.segments.$id.edit` → ["app","segments","$id","edit"]; `audit[.csv]` keeps its escaped dot. */
function routeTokens(name: string): string[] {
  return name.match(/(?:\[[^\]]*\]|[^.])+/g) ?? [];
}

/** B's id for a dynamic segment, chosen by the segment before it; undefined when the generator has no id for it. */
function paramValue(tokens: string[], index: number, b: TenantIds): string | undefined {
  const owner = tokens[index - 1];
  const token = tokens[index];
  if (token === "$") return tokens[0] === "proxy" ? `recommendations/${b.product}` : "login";
  if (token !== "$id") return undefined;
  return ({ segments: b.segment, experiments: b.experiment, exports: b.export } as Record<string, string>)[owner];
}

function urlPath(tokens: string[], b: TenantIds): { path: string; params: Record<string, string> } | null {
  const parts: string[] = [];
  const params: Record<string, string> = {};
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (token === "_index") continue;
    if (token.startsWith("$")) {
      const value = paramValue(tokens, i, b);
      if (value === undefined) return null;
      params[token === "$" ? "*" : token.slice(1)] = value;
      parts.push(value);
    } else parts.push(token.replace(/\[([^\]]*)\]/g, "$1"));
  }
  return { path: `/${parts.join("/")}`, params };
}

/** Intents an action dispatches on, read from its source. */
function intentsOf(source: string): string[] {
  const found = new Set<string>();
  for (const m of source.matchAll(/(?:intent\s*===\s*|case\s+|z\.literal\()"([\w-]+)"/g)) found.add(m[1]);
  for (const m of source.matchAll(/z\.enum\(\[([^\]]*)\]\)\.safeParse\(form\.get\("intent"\)\)/g)) for (const v of m[1].matchAll(/"([\w-]+)"/g)) found.add(v[1]);
  return [...found];
}

/** Admin form fields, every id-like one holding one of B's ids. */
function adminForms(intents: string[], b: TenantIds): URLSearchParams[] {
  const base = {
    productId: b.product, customerId: b.customer, segmentId: b.segment, experimentId: b.experiment, orderId: b.order,
    targetType: "product", targetValue: b.product, action: "pin", position: "1", surfaces: "home",
    name: "Isolation probe", rule: `customer_id = '${b.customer}' OR customer_tags CONTAINS 'zebrafinch'`, decision: "approve",
    syncToShopify: "true", settings: JSON.stringify({ sensitiveTags: ["probe"] }), rolloutPct: "50", grossMarginPct: "40", appCost: "10",
    from: "2025-05-01", to: "2025-06-30", surface: "home", holdoutPct: "10", minimumDetectableEffect: "10", baselineRate: "3",
    "arms[0].strategy": "for_you", after: b.customer, file: "not a file",
  };
  const forms: URLSearchParams[] = [];
  for (const intent of intents.length > 0 ? intents : [""]) {
    for (const id of [b.segment, b.rule, b.experiment, b.export, b.product, b.customer]) {
      forms.push(new URLSearchParams({ ...base, id, ...(intent ? { intent } : {}) }));
    }
  }
  return forms;
}

function proxyUrl(routePath: string, params: Record<string, string>): string {
  const query = new URLSearchParams(params);
  query.set("shop", SHOP_A);
  query.set("path_prefix", "/apps/shopkeeper");
  query.set("timestamp", String(Math.floor(Date.now() / 1000)));
  query.set("signature", signProxyQuery(query, API_SECRET_KEY));
  return `https://shopkeeper.test${routePath}?${query}`;
}

describe(`tenant isolation of every route (${testDb().flavour})`, () => {
  let b: TenantIds;
  let before: Record<string, string[]>;
  const calls: Call[] = [];
  const unexercisable: string[] = [];
  const crashes: string[] = [];
  const exercised = new Set<string>();
  let deliveredToA = 0;

  beforeAll(async () => {
    const prisma = testDb().prisma;
    ({ b } = await seedTenants(prisma));
    await storeOfflineSession(SHOP_A);
    await storeOfflineSession(SHOP_B);
    before = await snapshotShop(prisma, SHOP_B);

    const record = async (route: string, label: string, sent: string, run: () => Promise<unknown>) => {
      clearStorefrontCaches();
      try {
        const response = await settle(run());
        calls.push({ route, label, status: response.status, text: await response.text(), sent });
        exercised.add(route);
      } catch (error) {
        crashes.push(`${route} ${label}: ${(error as Error).stack ?? String(error)}`);
      }
    };

    const webhookLast: [string, string, string][] = [];
    for (const file of routeFiles) {
      const name = file.replace(/\.tsx?$/, "");
      const tokens = routeTokens(name);
      const mod = (await import(path.join(routesDir, file))) as { loader?: (a: unknown) => Promise<unknown>; action?: (a: unknown) => Promise<unknown> };
      const target = urlPath(tokens, b);
      if (!target) {
        unexercisable.push(`${name}: no id of shop B for its dynamic segment`);
        continue;
      }
      const { path: routePath, params } = target;
      const source = readFileSync(path.join(routesDir, file), "utf8");

      if (tokens[0] === "webhooks") {
        const topic = tokens.slice(1).join("/");
        const fixture = WEBHOOK_FIXTURES[topic];
        if (!fixture || !mod.action) {
          unexercisable.push(`${name}: no fixture payload for topic ${topic}`);
          continue;
        }
        webhookLast.push([name, topic, readFileSync(path.join(fixturesDir, `${fixture}.json`), "utf8").replaceAll("shopkeeper-demo.myshopify.com", SHOP_A)]);
      } else if (tokens[0] === "app") {
        const queries = [
          new URLSearchParams({ product: b.product, customer: b.customer, q: "zebra", after: b.customer, id: b.segment }),
          new URLSearchParams({ customer: b.customer, format: "csv", from: "2025-05-01", to: "2025-06-30", breakdown: "segment", actor: "staff" }),
        ];
        if (mod.loader) {
          for (const query of queries) {
            const url = `${routePath}?${query}`;
            await record(name, `GET ${url}`, url, async () => mod.loader!({ request: await adminRequest(SHOP_A, url, {}, undefined, RequestType.Bearer), params, context: {} }));
          }
        }
        if (mod.action) {
          for (const form of adminForms(intentsOf(source), b)) {
            await record(name, `POST ${routePath} ${form}`, `${routePath} ${form}`, async () =>
              mod.action!({ request: await adminRequest(SHOP_A, routePath, { method: "POST", body: form }, undefined, RequestType.Bearer), params, context: {} }),
            );
          }
        }
      } else if (tokens[0] === "proxy") {
        const query = { surface: "product", product_id: b.product, cart: b.product, logged_in_customer_id: b.customer, consent: "granted", visitor: b.visitor.replace("zebrafinch", "probe") };
        if (mod.loader) {
          for (const strategy of ["for_you", "bought_together", "buy_again", "auto"]) {
            const url = proxyUrl(routePath, { ...query, strategy });
            await record(name, `GET ${url}`, url, () => mod.loader!({ request: new Request(url), params, context: {} }));
          }
        }
        if (mod.action) {
          const bodies: [string, string][] = [
            ["text/plain", JSON.stringify({ visitor: query.visitor, consent: "granted", events: [{ type: "click", surface: "product", product_id: b.product, arm: "personal" }] })],
            ["text/plain", JSON.stringify({ visitor: query.visitor, product_id: b.product })],
            ["application/x-www-form-urlencoded", "choice=off"],
          ];
          for (const [type, body] of bodies) {
            const url = proxyUrl(routePath, query);
            await record(name, `POST ${url} ${body}`, `${url} ${body}`, () =>
              mod.action!({ request: new Request(url, { method: "POST", body, headers: { "Content-Type": type } }), params, context: {} }),
            );
          }
        }
      } else if (PUBLIC_ROUTES.has(name)) {
        for (const fn of [mod.loader, mod.action].filter(Boolean)) {
          const url = `${routePath}?shop=${SHOP_A}&id=${b.segment}`;
          await record(name, `${fn === mod.loader ? "GET" : "POST"} ${url}`, url, async () =>
            fn!({ request: await adminRequest(SHOP_A, url, fn === mod.loader ? {} : { method: "POST" }, undefined, RequestType.Bearer), params, context: {} }),
          );
        }
      } else {
        unexercisable.push(`${name}: not an admin, proxy, webhook or known public route`);
      }
    }

    // Webhooks last: A's shop/redact and app/uninstalled end A's session. Each delivery is then applied
    // by the real handler, as the worker would, so a handler that ignored the shop would change B.
    const order = (topic: string) => (topic === "shop/redact" ? 2 : topic === "app/uninstalled" ? 1 : 0);
    webhookLast.sort((x, y) => order(x[1]) - order(y[1]));
    for (const [name, topic, body] of webhookLast) {
      const mod = await import(path.join(routesDir, `${name}.tsx`));
      await record(name, `POST webhook ${topic}`, body, () => mod.action({ request: webhookRequest(SHOP_A, topic, null, { body }), params: {}, context: {} }));
    }
    const deliveries = await prisma.webhookDelivery.findMany({ where: { shop: SHOP_A, NOT: { eventId: "alpha-event" } }, orderBy: { receivedAt: "asc" } });
    deliveredToA = deliveries.length;
    deliveries.sort((x, y) => order(x.topic.toLowerCase().replace("_", "/")) - order(y.topic.toLowerCase().replace("_", "/")));
    for (const delivery of deliveries) {
      try {
        await handlerFor(delivery.topic)!({ shop: SHOP_A, topic: delivery.topic, payload: JSON.parse(delivery.payload), deliveryId: delivery.id, receivedAt: new Date() });
      } catch (error) {
        // refunds/create for an order A never had fails retriably by design; anything else is a crash.
        if (!(delivery.topic === "REFUNDS_CREATE" && /not synced yet/.test(String(error)))) crashes.push(`handler ${delivery.topic}: ${String(error)}`);
      }
    }
    await closeStorefrontRedis();
  }, 120_000);

  it("exercises every route module in app/routes (the generator knows how to call each one)", () => {
    expect(unexercisable).toEqual([]);
    const withExports = routeFiles.map((f) => f.replace(/\.tsx?$/, "")).filter((name) => !["app.segments"].includes(name));
    expect(routeFiles.length).toBeGreaterThanOrEqual(40);
    for (const name of withExports) {
      const source = readFileSync(path.join(routesDir, `${name}.tsx`), "utf8");
      if (/export (const|async function) (loader|action)\b/.test(source)) expect(exercised, name).toContain(name);
    }
  });

  it("no route crashed (every answer is a Response or data, never an unhandled error)", () => {
    expect(crashes).toEqual([]);
    // /readyz answers 503 by design when a dependency (here the migration table) is not ready.
    expect(calls.filter((c) => c.status >= 500 && c.route !== "readyz").map((c) => `${c.status} ${c.label}`)).toEqual([]);
    const byStatus: Record<number, number> = {};
    for (const c of calls) byStatus[c.status] = (byStatus[c.status] ?? 0) + 1;
    console.info(`tenant-routes: ${calls.length} calls over ${exercised.size} routes, by status ${JSON.stringify(byStatus)}`);
  });

  it("not a byte of shop B's data (marker text, B's domain, B's long ids) appears in any response to shop A", () => {
    const leaks = calls.flatMap((c) => leakedMarkers(c.text, b, c.sent).map((m) => `${c.route} ${c.label.slice(0, 120)} → ${m}`));
    expect(leaks).toEqual([]);
    // The detector finds B in B's own rows, and the run made enough calls, so an empty pass is impossible.
    expect(leakedMarkers(JSON.stringify(before), b).length).toBeGreaterThan(5);
    expect(calls.length).toBeGreaterThan(150);
  });

  it("no row of shop B changed in any table", async () => {
    const after = await snapshotShop(testDb().prisma, SHOP_B);
    expect(Object.keys(after).length).toBeGreaterThanOrEqual(20);
    for (const table of Object.keys(before)) expect(after[table], table).toEqual(before[table]);
    expect(before.Product.length + before.Customer.length + before.Order.length + before.Segment.length).toBe(1 + 2 + 2 + 1);
    // B's fixture ids really were delivered to A and applied there (so the check above is not vacuous).
    expect(deliveredToA).toBe(Object.keys(WEBHOOK_FIXTURES).length);
  });
});
