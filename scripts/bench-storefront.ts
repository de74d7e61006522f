// Load test of the storefront recommendations endpoint as Shopify's app proxy calls it.
// For each database flavour: a fresh seeded database, the built app started exactly as `npm start`
// starts it, and autocannon against GET /proxy/recommendations with signed requests. Two traffic mixes:
//   guests        product pages from shoppers without consent (500 pages; the shared case)
//   mixed         40% logged-in customers with consent (personal lists, frequency cap), 20% consenting
//                 visitors, 20% consent denied, 20% unknown; home, product and cart pages, distinct ids
// and a bare node:http server returning the guests' JSON. Prints req/s, p50/p99, the ratios, and the
// theme assets' gzip sizes.
// Usage: npm run bench:storefront -- [--duration 20] [--connections 200] [--db sqlite,postgres]
//        [--no-build] [--products 2000] [--customers 5000] [--guests-only] [--profile <dir>]
import { spawn, spawnSync } from "node:child_process";
import { availableParallelism, loadavg } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
// @ts-expect-error autocannon ships no type declarations
import autocannon from "autocannon";
import { Redis } from "ioredis";
import { createTestDatabase, type TestDatabase } from "../test/support/database";
import { signedProxyQuery } from "../test/standin/proxy-signature";
import { measureAssets } from "./asset-sizes.mjs";
import { groupCpuMs, startApp } from "./lib/app-process";

const root = path.resolve(import.meta.dirname, "..");
const { values } = parseArgs({
  options: {
    duration: { type: "string", default: "20" },
    connections: { type: "string", default: "200" },
    port: { type: "string", default: "3591" },
    db: { type: "string", default: "sqlite,postgres" },
    "no-build": { type: "boolean", default: false },
    products: { type: "string", default: "2000" },
    customers: { type: "string", default: "5000" },
    // Skips the mixed-shopper run (for profiling the shared path on its own).
    "guests-only": { type: "boolean", default: false },
    // Writes a V8 CPU profile of the web process per flavour into this directory.
    profile: { type: "string" },
  },
});
const PORT = Number(values.port);
const BARE_PORT = PORT + 1;
const SHOP = "bench-storefront.myshopify.com";
const SECRET = "bench-storefront-secret";
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const flavours = values.db!.split(",") as ("sqlite" | "postgres")[];

async function seed(db: TestDatabase, productCount: number, customerCount: number) {
  const prisma = db.prisma;
  const at = new Date("2026-01-01T00:00:00Z");
  await prisma.shop.create({ data: { domain: SHOP, settings: {}, liveRecVersion: 1, currency: "USD", installState: "installed" } });
  // An installed shop has its offline session, as after token exchange.
  await prisma.session.create({ data: { id: `offline_${SHOP}`, shop: SHOP, state: "", isOnline: false, scope: "read_products,read_orders", accessToken: "shpat_bench" } });
  const ids = Array.from({ length: productCount }, (_, i) => String(1_000_000 + i));
  const spread = (start: number, step: number) => Array.from({ length: 12 }, (_, j) => ids[(start + 1 + j * step) % ids.length]);
  for (let start = 0; start < ids.length; start += 500) {
    const chunk = ids.slice(start, start + 500);
    await prisma.product.createMany({
      data: chunk.map((id) => ({ shop: SHOP, id, handle: `product-${id}`, title: `Product ${id}`, priceCents: 999 + (Number(id) % 5000), imageUrl: `https://cdn.example/${id}.png`, createdAt: at, updatedAt: at })),
    });
    await prisma.variant.createMany({ data: chunk.map((id) => ({ shop: SHOP, id: `9${id}`, productId: id, updatedAt: at })) });
    // Every product gets a bought-together list of 12 others (deterministic, spread over the catalogue).
    await prisma.recList.createMany({
      data: chunk.map((id, k) => ({
        shop: SHOP, version: 1, kind: "fbt", subjectId: id,
        items: spread(start + k, 37).map((productId, j) => ({ productId, score: 1 - j / 20, reason: "Often bought together", source: "co_purchase" })),
      })),
    });
  }
  await prisma.recList.createMany({
    data: ["bestsellers", "trending"].map((kind, n) => ({
      shop: SHOP, version: 1, kind, subjectId: "*",
      items: ids.slice(n * 50, n * 50 + 50).map((productId, j) => ({ productId, score: 1 - j / 60, reason: kind === "trending" ? "Trending now" : "Bestseller", source: kind })),
    })),
  });
  // Customers with enough history to be personalised, each with their own lists.
  const customers = Array.from({ length: customerCount }, (_, i) => String(5_000_000_000 + i));
  for (let start = 0; start < customers.length; start += 500) {
    const chunk = customers.slice(start, start + 500);
    await prisma.customer.createMany({ data: chunk.map((id) => ({ shop: SHOP, id, numberOfOrders: 3, createdAt: at, updatedAt: at })) });
    await prisma.recList.createMany({
      data: chunk.flatMap((id, k) => [
        { shop: SHOP, version: 1, kind: "personal", subjectId: id, items: spread(start * 3 + k * 7, 53).map((productId, j) => ({ productId, score: 1 - j / 20, reason: "Picked for you", source: "item_cf" })) },
        { shop: SHOP, version: 1, kind: "buy_again", subjectId: id, items: spread(start * 5 + k * 11, 71).slice(0, 6).map((productId, j) => ({ productId, score: 1 - j / 20, reason: "Time to restock", source: "buy_again" })) },
      ]),
    });
  }
  return { ids, customers };
}

async function waitForHttp(url: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not answer in time`);
}

type Visit = { params: Record<string, string>; customer?: string };

/**
 * The paths of these visits, signed as Shopify's app proxy signs each request when it is sent: the
 * timestamp is the current second, so a page's URL changes every second, as real proxied requests' do
 * (a run that replayed URLs signed once would flatter anything the app remembers per URL).
 */
function signedEachSecond(visits: Visit[], route = "recommendations"): () => string {
  let second = -1;
  let paths: string[] = [];
  let next = 0;
  return () => {
    const now = Math.floor(Date.now() / 1000);
    if (now !== second) {
      second = now;
      paths = visits.map((v) => `/proxy/${route}?${signedProxyQuery(v.params, { shop: SHOP, secret: SECRET, customer: v.customer ?? "", timestampSeconds: now })}`);
    }
    return paths[next++ % paths.length];
  };
}

/** Product pages from shoppers without consent: the shared (cacheable) case. */
function guestVisits(ids: string[], count: number): Visit[] {
  return Array.from({ length: count }, (_, i) => ({
    params: { surface: "product", strategy: "auto", limit: "4", product_id: ids[(i * 7919) % ids.length], consent: "unknown" },
  }));
}

/** A realistic mix of shoppers: every visit names a different customer, visitor or product. */
function mixedVisits(ids: string[], customers: string[], count: number): Visit[] {
  const product = (i: number) => ids[(i * 7919) % ids.length];
  return Array.from({ length: count }, (_, i) => {
    const page: Record<string, string> = i % 3 === 0 ? { surface: "home", strategy: "for_you" } : i % 3 === 1 ? { surface: "product", strategy: "auto", product_id: product(i) } : { surface: "cart", strategy: "auto", cart: `${product(i)},${product(i + 1)}` };
    const visitor = `visitor-${String(i).padStart(8, "0")}`;
    switch (i % 5) {
      case 0:
      case 1:
        return { params: { ...page, limit: "4", consent: "granted", visitor }, customer: customers[(i * 104_729) % customers.length] };
      case 2:
        return { params: { ...page, limit: "4", consent: "granted", visitor } };
      case 3:
        return { params: { ...page, limit: "4", consent: "denied" } };
      default:
        return { params: { ...page, limit: "4", consent: "unknown" } };
    }
  });
}

type Result = { requests: { average: number; total: number }; latency: { p50: number; p99: number }; non2xx: number; errors: number };

async function load(url: string, nextPath: () => string, label: string, cpuMs?: () => number): Promise<Result & { cpuPerRequest: number }> {
  const cpuBefore = cpuMs?.() ?? Number.NaN;
  const generatorBefore = process.cpuUsage();
  const started = performance.now();
  const result: Result = await autocannon({
    url,
    connections: Number(values.connections),
    duration: Number(values.duration),
    requests: [
      {
        method: "GET",
        setupRequest: (request: { path: string }) => {
          request.path = nextPath();
          return request;
        },
      },
    ],
  });
  const cpuPerRequest = ((cpuMs?.() ?? Number.NaN) - cpuBefore) / result.requests.total;
  const generator = process.cpuUsage(generatorBefore);
  // A load generator near 100% of a core is what limits the run, not the server.
  const generatorShare = (generator.user + generator.system) / 1000 / (performance.now() - started);
  console.log(
    `${label.padEnd(30)} ${result.requests.average.toFixed(0).padStart(7)} req/s   p50 ${String(result.latency.p50).padStart(4)} ms   p99 ${String(result.latency.p99).padStart(4)} ms   non-2xx ${result.non2xx}   errors ${result.errors}` +
      (Number.isFinite(cpuPerRequest) ? `   server CPU ${(cpuPerRequest * 1000).toFixed(1)} µs/req` : "") +
      `   load generator ${(generatorShare * 100).toFixed(0)}% of a core`,
  );
  return { ...result, cpuPerRequest };
}

async function warm(base: string, nextPath: () => string, count: number) {
  for (let i = 0; i < count; i += 10) await Promise.all(Array.from({ length: 10 }, async () => (await fetch(`${base}${nextPath()}`)).arrayBuffer()));
}

async function run(flavour: "sqlite" | "postgres") {
  console.log(`\n[bench] ${flavour}: migrating and seeding...`);
  const db = await createTestDatabase(flavour);
  const prefix = `bench-sf-${PORT}-${flavour}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    SHOPIFY_API_KEY: "bench-key",
    SHOPIFY_API_SECRET: SECRET,
    SHOPIFY_APP_URL: `http://127.0.0.1:${PORT}`,
    SCOPES: "read_products,read_orders",
    DATABASE_URL: db.url,
    REDIS_URL,
    QUEUE_PREFIX: prefix,
    PORT: String(PORT),
    HOST: "127.0.0.1",
    LOG_LEVEL: "warn",
    NODE_OPTIONS: "",
  };
  const { ids, customers } = await seed(db, Number(values.products), Number(values.customers));
  const app = startApp(env, { profileDir: values.profile ? path.resolve(values.profile, flavour) : undefined });
  let bare: ReturnType<typeof spawn> | undefined;
  const base = `http://127.0.0.1:${PORT}`;
  try {
    await waitForHttp(`${base}/healthz`, 60_000);
    const guests = signedEachSecond(guestVisits(ids, 500));
    const sample = await fetch(`${base}${guests()}`);
    if (sample.status !== 200) throw new Error(`proxy answered ${sample.status}: ${await sample.text()}`);
    const body = await sample.text();
    const headers = { "Content-Type": "application/json; charset=utf-8", "Cache-Control": sample.headers.get("cache-control") ?? "", ETag: sample.headers.get("etag") ?? "" };
    console.log(`[bench] sample response: ${body.length} B, ${JSON.parse(body).items.length} items, Cache-Control: ${headers["Cache-Control"]}`);
    // Its own process, like the app, so both are measured the same way (and its CPU can be read).
    const bareSource = `require("node:http").createServer((q, s) => { s.writeHead(200, ${JSON.stringify(headers)}); s.end(${JSON.stringify(body)}); }).listen(${BARE_PORT}, "127.0.0.1")`;
    bare = spawn(process.execPath, ["-e", bareSource], { stdio: "ignore", detached: true });
    const barePid = bare.pid!;
    await waitForHttp(`http://127.0.0.1:${BARE_PORT}/`, 10_000);

    console.log(`[bench] load average ${loadavg().map((l) => l.toFixed(1)).join(" ")} on ${availableParallelism()} cores`);
    console.log(`[bench] ${values.connections} connections, ${values.duration} s each; guests: 500 product pages; mixed: 2000 visits over ${customers.length} customers; every URL signed with the second it is sent in`);
    // Warm-up: every page once, so the run measures the steady state rather than first compiles.
    await warm(base, guests, 500);
    const appResult = await load(base, guests, "app /proxy/recommendations", app.cpuMs);
    // The same per-request path choice as the app's runs, so the load generator does the same work.
    const bareResult = await load(`http://127.0.0.1:${BARE_PORT}`, signedEachSecond([{ params: {} }], ""), "bare node:http, same JSON", () => groupCpuMs(barePid));
    const ratio = appResult.requests.average / bareResult.requests.average;
    if (!values["guests-only"]) {
      const mixedResult = await load(base, signedEachSecond(mixedVisits(ids, customers, 2000)), "app, mixed shoppers", app.cpuMs);
      console.log(`${flavour}: mixed shoppers vs bare: ${((mixedResult.requests.average / bareResult.requests.average) * 100).toFixed(1)}%   mixed p99 ${mixedResult.latency.p99} ms`);
    }
    console.log(`${flavour}: ratio app/bare throughput: ${(ratio * 100).toFixed(1)}%  (target >= 50%)   app p99 ${appResult.latency.p99} ms (target < 30 ms)`);
    // The same comparison by server CPU per request, which a saturated load generator can't blur.
    console.log(`${flavour}: ratio bare/app server CPU per request: ${((bareResult.cpuPerRequest / appResult.cpuPerRequest) * 100).toFixed(1)}%`);
    return ratio >= 0.5 && appResult.latency.p99 < 30;
  } finally {
    if (bare?.pid) process.kill(-bare.pid, "SIGTERM");
    await app.stop();
    const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    const keys = await redis.keys(`${prefix}:*`).catch(() => [] as string[]);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    await db.drop();
  }
}

async function main() {
  if (!values["no-build"]) {
    console.log("[bench] remix build...");
    const result = spawnSync(path.join(root, "node_modules/.bin/remix"), ["build"], { cwd: root, stdio: ["ignore", "inherit", "inherit"] });
    if (result.status !== 0) throw new Error("remix build failed");
  }
  for (const flavour of flavours) await run(flavour);

  const { assets, blocks } = measureAssets(path.join(root, "extensions/shopkeeper-theme"));
  console.log("\ntheme asset                   raw B   gzip B");
  for (const a of assets as { name: string; raw: number; gzip: number }[]) console.log(`${a.name.padEnd(28)}${String(a.raw).padStart(7)}${String(a.gzip).padStart(9)}`);
  for (const b of blocks as { name: string; jsGzip: number }[]) console.log(`block ${b.name.padEnd(22)} loads ${b.jsGzip} B JS gzip`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
