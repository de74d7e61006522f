/**
 * Fairness between shops: does a big shop's full recompute delay a small shop's webhooks and storefront?
 * For each database flavour: a fresh database with a big synthetic shop (default 200k orders) and a small
 * one; the built web app and the real worker process (default settings) as child processes. A stream of
 * signed orders/create webhooks for the small shop goes through the real route at a fixed rate, first
 * alone (baseline), then while the big shop's full recompute runs (requested through the same service
 * the admin page uses). Latency is each delivery's WebhookDelivery receivedAt → processedAt. A sequential
 * probe of the small shop's storefront proxy runs alongside. Prints p50/p95/p99/max and counts.
 *   npm run bench:fairness -- [--db postgres] [--orders 200000] [--products 20000] [--rate 5] [--baseline 100] [--build]
 * Needs Redis (REDIS_URL) and, for PostgreSQL, TEST_PG_URL or a local postgres superuser.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, openSync, readFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { parseArgs } from "node:util";
import { Redis } from "ioredis";
import { createTestDatabase, type TestDatabase } from "../test/support/database";
import { signedProxyQuery } from "../test/standin/proxy-signature";
import { webhookHeaders } from "../test/standin/webhooks";
import { generateShop, type SyntheticShop } from "./lib/synthetic-orders";

const root = path.resolve(import.meta.dirname, "..");
const { values } = parseArgs({
  options: {
    db: { type: "string", default: "postgres" },
    orders: { type: "string", default: "200000" },
    products: { type: "string", default: "20000" },
    // Webhooks per second sent to the small shop, and how many make the baseline.
    rate: { type: "string", default: "5" },
    baseline: { type: "string", default: "100" },
    build: { type: "boolean", default: false },
    // Appends the worker's JSON log lines (LOG_LEVEL=info) to this file.
    "worker-log": { type: "string" },
  },
});
const SECRET = "bench-fairness-secret";
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const BIG = "bench-big.myshopify.com";
const SMALL = "bench-small.myshopify.com";
const RATE = Number(values.rate);
const TARGET_P99_MS = 2_000;
const flavours = values.db!.split(",") as ("sqlite" | "postgres")[];
const fixture = JSON.parse(readFileSync(path.join(root, "test/fixtures/webhooks/orders-create.json"), "utf8"));

// The app's modules read the environment when first used; these are the bench process's own values.
Object.assign(process.env, {
  SHOPIFY_API_KEY: "bench-api-key",
  SHOPIFY_API_SECRET: SECRET,
  SHOPIFY_APP_URL: "https://shopkeeper.test",
  SCOPES: "read_products,read_orders,read_all_orders,read_customers,write_customers",
  LOG_LEVEL: "warn",
  REDIS_URL,
});
const { init } = await import("~/env.server");
const { refreshPlannerStatistics, setPrismaClient } = await import("~/db.server");
const { insertRowsQuery, ORDER_COLUMNS, ORDER_LINE_COLUMNS, PRODUCT_COLUMNS } = await import("~/models/bulk-insert.server");
const { requestRecompute } = await import("~/services/recommendations.server");
const { closeQueues, getQueue } = await import("~/jobs/queues.server");
const { QUEUES } = await import("~/jobs/definitions");

if (values.build || !existsSync(path.join(root, "build/index.js"))) {
  console.log("building the app (remix build)…");
  const result = spawnSync(path.join(root, "node_modules/.bin/remix"), ["build"], { cwd: root, stdio: "inherit" });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

async function drained(queues: string[]) {
  for (const name of queues) {
    const queue = getQueue(name as (typeof QUEUES)[keyof typeof QUEUES]);
    await waitFor(async () => Object.values(await queue.getJobCounts("waiting", "prioritized", "delayed", "active")).every((n) => n === 0), 600_000, `the ${name} queue to drain`);
  }
}

/** A child process in its own group, so stop() reaches whatever the command spawned. */
function start(command: string, env: NodeJS.ProcessEnv, name: string, logFile?: string) {
  const stdout = logFile ? openSync(logFile, "a") : "ignore";
  const child: ChildProcess = spawn(command, { cwd: root, env, shell: true, detached: true, stdio: ["ignore", stdout, "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (chunk) => (stderr = (stderr + chunk).slice(-4_000)));
  child.on("exit", (code) => {
    if (code) console.error(`${name} exited with ${code}:\n${stderr}`);
  });
  return {
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      process.kill(-child.pid, "SIGTERM");
      if ((await Promise.race([exited, sleep(15_000).then(() => "timeout")])) === "timeout") process.kill(-child.pid, "SIGKILL");
    },
  };
}

/** Numeric ids, as Shopify's webhooks carry them, so the small shop's deliveries hit its own catalogue. */
function numericIds(shop: SyntheticShop, base: number): SyntheticShop {
  const id = (p: string) => String(base + Number(p.slice(1)));
  return {
    products: shop.products.map((p) => ({ ...p, id: id(p.id) })),
    orders: shop.orders.map((o) => ({ ...o, lines: o.lines.map((l) => ({ ...l, productId: id(l.productId) })) })),
  };
}

async function seed(db: TestDatabase, shop: string, data: SyntheticShop) {
  const prisma = db.prisma;
  const now = new Date();
  await prisma.shop.create({ data: { domain: shop, settings: {} } });
  // The proxy loads the shop's offline session, as after token exchange.
  await prisma.session.create({ data: { id: `offline_${shop}`, shop, state: "", isOnline: false, scope: "read_products,read_orders", accessToken: "shpat_bench" } });
  const productRows = data.products.map((p) => ({
    shop, id: p.id, handle: `h-${p.id}`, title: p.title, productType: p.productType, vendor: p.vendor, tags: `,${p.tags.join(",")},`,
    collections: `,${p.collections.join(",")},`, status: "ACTIVE", published: p.published, isGiftCard: p.isGiftCard, imageUrl: null,
    priceCents: p.priceCents, inventory: 10, tracksInventory: false, createdAt: new Date(p.createdAt), updatedAt: new Date(p.createdAt), deletedAt: null, syncedAt: now,
  }));
  for (let i = 0; i < productRows.length; i += 5_000) await prisma.$transaction([insertRowsQuery("Product", PRODUCT_COLUMNS, productRows.slice(i, i + 5_000))]);
  let lines = 0;
  for (let i = 0; i < data.orders.length; i += 2_000) {
    const chunk = data.orders.slice(i, i + 2_000);
    const orderRows = chunk.map((o) => ({
      shop, id: o.id, name: `#${o.id}`, customerId: o.customerId, createdAt: new Date(o.createdAt), updatedAt: new Date(o.createdAt), processedAt: new Date(o.createdAt),
      currency: "USD", subtotalCents: 0, totalCents: 0, totalRefundedCents: 0, cancelledAt: null, financialStatus: "paid", sourceName: "web", source: "bulk",
      noteAttributes: null, refunds: null, syncedAt: now,
    }));
    const lineRows = chunk.flatMap((o) =>
      o.lines.map((l, k) => ({
        shop, id: `${o.id}-${k}`, orderId: o.id, productId: l.productId, variantId: null, title: "", quantity: l.quantity, refundedQuantity: 0, priceCents: l.priceCents,
        properties: null, recSurface: null, recStrategy: null, recArm: null,
      })),
    );
    lines += lineRows.length;
    await prisma.$transaction([insertRowsQuery("Order", ORDER_COLUMNS, orderRows), insertRowsQuery("OrderLine", ORDER_LINE_COLUMNS, lineRows)]);
  }
  return { products: productRows.length, orders: data.orders.length, lines };
}

let orderSeq = 0;
function orderBody(productIds: string[]) {
  orderSeq += 1;
  const id = 9_100_000_000_000 + orderSeq;
  const customerId = 9_200_000_000_000 + (orderSeq % 50);
  const at = new Date().toISOString();
  return JSON.stringify({
    ...fixture,
    id,
    admin_graphql_api_id: `gid://shopify/Order/${id}`,
    name: `#F${orderSeq}`,
    created_at: at,
    updated_at: at,
    processed_at: at,
    refunds: [],
    customer: { ...fixture.customer, id: customerId, admin_graphql_api_id: `gid://shopify/Customer/${customerId}` },
    line_items: productIds.map((p, i) => ({
      ...fixture.line_items[0],
      id: id * 10 + i,
      admin_graphql_api_id: `gid://shopify/LineItem/${id * 10 + i}`,
      product_id: Number(p),
      variant_id: Number(p) * 10,
      quantity: 1,
      properties: [],
    })),
  });
}

interface Stream {
  sent: number;
  failed: number;
  stop(): Promise<void>;
}

/** Sends signed orders/create deliveries for the small shop at RATE per second until stopped (or `count` are sent). */
function webhookStream(base: string, productIds: string[], count = Infinity): Stream & { done: Promise<void> } {
  const inflight = new Set<Promise<void>>();
  let stopped = false;
  const stream = { sent: 0, failed: 0 } as Stream & { done: Promise<void> };
  const send = async (n: number) => {
    const body = orderBody([productIds[(n * 7) % productIds.length], productIds[(n * 13 + 1) % productIds.length], productIds[(n * 31 + 2) % productIds.length]]);
    const response = await fetch(`${base}/webhooks/orders/create`, {
      method: "POST",
      body,
      headers: webhookHeaders(body, {
        topic: "orders/create",
        shop: SMALL,
        apiSecret: SECRET,
        webhookId: `wh-fair-${orderSeq}-${n}`,
        eventId: `fair-${randomBytes(6).toString("hex")}`,
      }),
    }).catch(() => null);
    if (!response || response.status !== 200) stream.failed += 1;
    await response?.arrayBuffer();
  };
  stream.done = (async () => {
    const started = performance.now();
    while (!stopped && stream.sent < count) {
      const p = send(stream.sent).finally(() => inflight.delete(p));
      inflight.add(p);
      stream.sent += 1;
      // Open loop: the next send is due at a fixed time, however slow the last answer was.
      await sleep(Math.max(0, started + (stream.sent * 1000) / RATE - performance.now()));
    }
    await Promise.all(inflight);
  })();
  stream.stop = async () => {
    stopped = true;
    await stream.done;
  };
  return stream;
}

/** Sequential storefront requests for the small shop (bought-together on product pages) until stopped. */
function proxyProbe(base: string, productIds: string[]) {
  const latencies: number[] = [];
  let stopped = false;
  let errors = 0;
  const done = (async () => {
    for (let i = 0; !stopped; i += 1) {
      const q = signedProxyQuery(
        { surface: "product", strategy: "auto", limit: "4", product_id: productIds[(i * 7919) % productIds.length], consent: "unknown" },
        { shop: SMALL, secret: SECRET },
      );
      const t0 = performance.now();
      const response = await fetch(`${base}/proxy/recommendations?${q}`).catch(() => null);
      await response?.arrayBuffer();
      if (!response?.ok) errors += 1;
      latencies.push(performance.now() - t0);
      await sleep(100);
    }
  })();
  return {
    async stop() {
      stopped = true;
      await done;
      return { latencies, errors };
    },
  };
}

function summary(label: string, ms: number[], extra = "") {
  const sorted = [...ms].sort((a, b) => a - b);
  if (sorted.length === 0) return `${label}: no samples`;
  const f = (v: number) => `${Math.round(v)} ms`;
  return `${label}: n=${sorted.length}  p50 ${f(quantile(sorted, 0.5))}  p95 ${f(quantile(sorted, 0.95))}  p99 ${f(quantile(sorted, 0.99))}  max ${f(sorted[sorted.length - 1])}${extra}`;
}

async function run(flavour: "sqlite" | "postgres") {
  const db = await createTestDatabase(flavour);
  const prefix = `skbench-fair-${randomBytes(4).toString("hex")}`;
  process.env.DATABASE_URL = db.url;
  process.env.QUEUE_PREFIX = prefix;
  init();
  setPrismaClient(db.prisma);
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    PORT: String(port),
    HOST: "127.0.0.1",
    SHOPIFY_APP_URL: `http://127.0.0.1:${port}`,
    PATH: `${path.join(root, "node_modules/.bin")}:${process.env.PATH}`,
  };
  const base = `http://127.0.0.1:${port}`;
  const processes: { stop(): Promise<void> }[] = [];
  try {
    console.log(`\n${flavour}: seeding…`);
    let t = performance.now();
    const big = await seed(db, BIG, generateShop({ orders: Number(values.orders), products: Number(values.products), seed: 42 }));
    const small = numericIds(generateShop({ orders: 2_000, products: 300, seed: 7 }), 1_000_000);
    const smallCounts = await seed(db, SMALL, small);
    // What the backfill does after loading a shop's history.
    await refreshPlannerStatistics(["Product", "Order", "OrderLine"]);
    console.log(
      `  big shop ${big.orders} orders, ${big.lines} lines, ${big.products} products; small shop ${smallCounts.orders} orders, ${smallCounts.products} products ` +
        `(${((performance.now() - t) / 1000).toFixed(0)} s)`,
    );
    const command: string = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")).scripts.start;
    processes.push(start(command, env, "web"));
    processes.push(start(`${process.execPath} --import tsx app/jobs/worker.ts`, { ...env, SHOPKEEPER_PROCESS: "worker", ...(values["worker-log"] ? { LOG_LEVEL: "info" } : {}) }, "worker", values["worker-log"]));
    await waitFor(async () => (await fetch(`${base}/healthz`)).ok, 60_000, "the web process");

    const runs = (shop: string) => db.prisma.recomputeRun.findMany({ where: { shop }, orderBy: { startedAt: "asc" } });
    // The small shop gets its own lists first, so the storefront answers from real data.
    await requestRecompute({ shop: SMALL });
    await waitFor(async () => (await runs(SMALL)).some((r) => r.status === "completed"), 120_000, "the small shop's first recompute");
    const productIds = small.products.map((p) => p.id);
    const settled = async (since: Date) => {
      await waitFor(
        async () => (await db.prisma.webhookDelivery.count({ where: { shop: SMALL, receivedAt: { gte: since }, status: "received" } })) === 0,
        300_000,
        "every delivery to be processed",
      );
      return db.prisma.webhookDelivery.findMany({ where: { shop: SMALL, receivedAt: { gte: since } }, select: { receivedAt: true, processedAt: true, status: true } });
    };
    const latencyOf = (rows: { receivedAt: Date; processedAt: Date | null }[]) => rows.map((r) => (r.processedAt ? r.processedAt.getTime() - r.receivedAt.getTime() : Infinity));

    // Warm-up: route modules, connections and the compute threads exist, and their queues are empty, before timing.
    await webhookStream(base, productIds, 50).done;
    await settled(new Date(0));
    await drained([QUEUES.compute, QUEUES.recompute]);

    console.log(`  baseline: ${values.baseline} webhooks at ${RATE}/s, no recompute running…`);
    const baselineFrom = new Date();
    let probe = proxyProbe(base, productIds);
    await webhookStream(base, productIds, Number(values.baseline)).done;
    const baselineProxy = await probe.stop();
    const baseline = await settled(baselineFrom);

    console.log(`  contention: the big shop's full recompute, webhooks at ${RATE}/s while it runs…`);
    await requestRecompute({ shop: BIG });
    await waitFor(async () => (await runs(BIG)).length > 0, 120_000, "the big shop's recompute to start");
    const contentionFrom = new Date();
    probe = proxyProbe(base, productIds);
    const stream = webhookStream(base, productIds);
    t = performance.now();
    await waitFor(async () => (await runs(BIG)).every((r) => r.status !== "running"), 3_600_000, "the big shop's recompute to finish");
    const recomputeSeconds = (performance.now() - t) / 1000;
    await stream.stop();
    const contentionProxy = await probe.stop();
    const [bigRun] = await runs(BIG);
    const during = (await settled(contentionFrom)).filter((r) => r.receivedAt <= (bigRun.finishedAt ?? new Date()));
    const stats = (bigRun.stats ?? {}) as { ms?: number; loadMs?: number; computeMs?: number; writeMs?: number; rowsWritten?: number };

    const baselineMs = latencyOf(baseline);
    const duringMs = latencyOf(during);
    const p99 = quantile([...duringMs].sort((a, b) => a - b), 0.99);
    const failed = [...baseline, ...during].filter((r) => r.status !== "processed").length;
    console.log(
      [
        `  big shop's recompute: ${bigRun.status}, ${((stats.ms ?? 0) / 1000).toFixed(1)} s (load ${((stats.loadMs ?? 0) / 1000).toFixed(1)} s, compute ${((stats.computeMs ?? 0) / 1000).toFixed(1)} s, ` +
          `write ${((stats.writeMs ?? 0) / 1000).toFixed(1)} s, ${stats.rowsWritten ?? 0} rows); webhooks streamed for ${recomputeSeconds.toFixed(1)} s`,
        `  small shop, webhook received → processed:`,
        `    ${summary("baseline          ", baselineMs)}`,
        `    ${summary("during recompute  ", duringMs)}`,
        `    deliveries not processed: ${failed}; sends that were not answered 200: ${stream.failed}`,
        `  small shop, storefront proxy (sequential GET /proxy/recommendations):`,
        `    ${summary("baseline          ", baselineProxy.latencies, `  errors ${baselineProxy.errors}`)}`,
        `    ${summary("during recompute  ", contentionProxy.latencies, `  errors ${contentionProxy.errors}`)}`,
        `  target: webhook p99 during the recompute < ${TARGET_P99_MS} ms → ${p99 < TARGET_P99_MS && failed === 0 ? "MET" : "NOT MET"}`,
      ].join("\n"),
    );
    return p99 < TARGET_P99_MS && failed === 0;
  } finally {
    for (const child of processes.reverse()) await child.stop();
    await closeQueues();
    const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    const keys = await redis.keys(`${prefix}:*`).catch(() => [] as string[]);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    setPrismaClient(undefined);
    await db.drop();
  }
}

let allMet = true;
for (const flavour of flavours) allMet = (await run(flavour)) && allMet;
process.exit(allMet ? 0 : 1);
