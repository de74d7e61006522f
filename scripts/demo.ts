// `npm run demo`: the whole product on the embedded default. SQLite, the local Shopify stand-in with a
// shop built from ../shared/data, the app (the `npm start` server) and the worker, installed through the same
// path a real install takes: token exchange, then a bulk backfill, then live webhooks.
//
// Flags: --orders N (load only the first N orders), --port P (app), --standin-port P,
//        --data FILE (a normalised orders CSV), --db FILE (SQLite file, default prisma/demo.sqlite),
//        --keep (keep the previous demo database).
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import Database from "better-sqlite3";
import { Redis } from "ioredis";
import { loadStoreFromNormalisedCsv, startStandin } from "../test/standin";

const root = path.resolve(import.meta.dirname, "..");
const { values } = parseArgs({
  options: {
    orders: { type: "string" },
    port: { type: "string", default: process.env.PORT ?? "3000" },
    "standin-port": { type: "string", default: "4100" },
    data: { type: "string", default: path.resolve(root, "..", "shared", "data", "online_retail.csv.gz") },
    keep: { type: "boolean", default: false },
    db: { type: "string", default: "prisma/demo.sqlite" },
  },
});

const SHOP = "shopkeeper-demo.myshopify.com";
const API_KEY = "demo-api-key";
const API_SECRET = "demo-api-secret-not-for-production";
const APP_URL = `http://127.0.0.1:${values.port}`;
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const DB_FILE = path.resolve(root, values.db!);
const DATABASE_URL = `file:${DB_FILE}`;
// Separate demos (e.g. parallel browser tests) never share a database or queues.
const QUEUE_PREFIX = values.db === "prisma/demo.sqlite" ? "shopkeeper-demo" : `shopkeeper-demo-${values.port}`;
const SCOPES = "read_products,read_orders,read_all_orders,read_customers,write_customers,write_app_proxy,write_pixels,read_customer_events";

const children: ChildProcess[] = [];
const log = (message: string) => console.log(`[demo] ${message}`);

function fail(message: string): never {
  console.error(`\n[demo] ${message}\n`);
  for (const child of children) child.kill("SIGTERM");
  process.exit(1);
}

async function checkRedis() {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 2_000 });
  redis.on("error", () => {});
  try {
    await redis.connect();
    // A fresh demo: forget the previous run's queues.
    const keys = await redis.keys(`${QUEUE_PREFIX}:*`);
    if (keys.length && !values.keep) await redis.del(...keys);
  } catch {
    fail(`Cannot reach Redis at ${REDIS_URL}. Start one with:\n  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no`);
  } finally {
    redis.disconnect();
  }
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv) {
  const result = spawnSync(command, args, { cwd: root, env, stdio: ["ignore", "inherit", "inherit"] });
  if (result.status !== 0) fail(`${command} ${args.join(" ")} failed`);
}

function start(name: string, command: string, args: string[], env: NodeJS.ProcessEnv) {
  const child = spawn(command, args, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
  const prefix = (chunk: Buffer) =>
    chunk
      .toString()
      .split("\n")
      .filter((line) => line.trim())
      .map((line) => `[${name}] ${line}`)
      .join("\n");
  child.stdout!.on("data", (chunk: Buffer) => process.stdout.write(prefix(chunk) + "\n"));
  child.stderr!.on("data", (chunk: Buffer) => process.stderr.write(prefix(chunk) + "\n"));
  child.on("exit", (code, signal) => {
    if (!shuttingDown) fail(`${name} exited (${signal ?? code}); see its output above`);
  });
  children.push(child);
  return child;
}

async function waitForHttp(url: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const response = await fetch(url);
      if (response.status < 500) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) fail(`${url} did not come up within ${timeoutMs / 1000}s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

let shuttingDown = false;
async function main() {
  await checkRedis();
  if (!existsSync(values.data!)) fail(`Dataset not found: ${values.data}. Pass --data <normalised orders CSV>.`);

  log(`loading the demo shop from ${path.basename(values.data!)}${values.orders ? ` (first ${values.orders} orders)` : ""}...`);
  const store = await loadStoreFromNormalisedCsv(values.data!, {
    shop: SHOP,
    shopName: "Shopkeeper Demo Store",
    maxOrders: values.orders ? Number(values.orders) : undefined,
  });
  const standin = await startStandin({
    port: Number(values["standin-port"]),
    appUrl: APP_URL,
    apiKey: API_KEY,
    apiSecret: API_SECRET,
    scopes: SCOPES,
    store,
  });
  const shopState = standin.shop(SHOP);
  log(`Shopify stand-in on ${standin.url}: ${shopState.products.size} products, ${shopState.customers.size} customers, ${shopState.orders.size} orders`);

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    SHOPIFY_API_KEY: API_KEY,
    SHOPIFY_API_SECRET: API_SECRET,
    SHOPIFY_APP_URL: APP_URL,
    SCOPES,
    DATABASE_URL,
    REDIS_URL,
    QUEUE_PREFIX,
    PORT: values.port,
    HOST: "127.0.0.1",
    LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
    APP_BRIDGE_URL: `${standin.url}/app-bridge.js`,
    // The only seam to the stand-in: Shopify's API client is pointed at it before the app loads.
    SHOPIFY_STANDIN_URL: standin.url,
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --import ${path.join(root, "test/standin/preload-fetch.mjs")}`.trim(),
  };

  mkdirSync(path.dirname(DB_FILE), { recursive: true });
  if (!values.keep) for (const ext of ["", "-wal", "-shm", "-journal"]) rmSync(`${DB_FILE}${ext}`, { force: true });
  log("migrating the SQLite database...");
  run("npx", ["prisma", "migrate", "deploy"], { ...env, NODE_OPTIONS: "" });
  log("building the app...");
  run("npx", ["remix", "build"], { ...env, NODE_OPTIONS: "" });

  // The production web server, as `npm start` runs it.
  start("app", process.execPath, ["scripts/web-server.mjs", "./build/index.js"], env);
  start("worker", "npx", ["tsx", "app/jobs/worker.ts"], env);
  await waitForHttp(`${APP_URL}/healthz`, 60_000);

  // Shopify opens the embedded app with a session token; the first load exchanges it for an offline
  // token, records the install and queues the bulk backfill.
  const install = await fetch(standin.embeddedAppUrl(SHOP, "/app"), {
    headers: { "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36" },
  });
  if (install.status !== 200) fail(`installing the demo shop failed: HTTP ${install.status}`);
  log("installed; the worker is backfilling the shop's history through a bulk operation");

  const product = [...shopState.products.values()].find((p) => p.status === "ACTIVE" && p.variants.some((v) => v.inventoryQuantity > 0));
  console.log(`
  Shopkeeper demo is running.

    Admin (embedded, as in Shopify):  ${standin.adminFrameUrl(SHOP)}
    Storefront preview:               ${standin.url}/storefront${product ? `/products/${product.handle}` : ""}
    App health:                       ${APP_URL}/healthz

  Open Data & sync in the admin to watch the backfill. Press Ctrl-C to stop.
`);
  console.log("[demo] ready");

  void sendLiveOrders(standin, shopState).catch((error) => log(`live orders stopped: ${error instanceof Error ? error.message : error}`));

  const stop = async () => {
    if (shuttingDown) return;
    shuttingDown = true;
    for (const child of children) child.kill("SIGTERM");
    await standin.close();
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

/**
 * After the backfill, a few regulars come back and buy again: the stand-in records each order and
 * delivers orders/create to the app, which is the live path a real shop's orders take.
 */
async function sendLiveOrders(standin: Awaited<ReturnType<typeof startStandin>>, shopState: ReturnType<Awaited<ReturnType<typeof startStandin>>["shop"]>) {
  const db = new Database(DB_FILE, { readonly: true, fileMustExist: true });
  try {
    for (let i = 0; ; i += 1) {
      const run = db.prepare(`SELECT status FROM "SyncRun" WHERE kind = 'backfill' ORDER BY startedAt DESC LIMIT 1`).get() as
        | { status: string }
        | undefined;
      if (run?.status === "completed") break;
      if (i > 1_200 || shuttingDown) return;
      await new Promise((r) => setTimeout(r, 1_000));
    }
  } finally {
    db.close();
  }
  log("backfill complete; sending live orders from returning customers as webhooks");
  const regulars = [...shopState.orders.values()].filter((o) => o.customerId !== null).slice(-200);
  for (let i = 0; i < 10 && !shuttingDown; i += 1) {
    const past = regulars[(i * 37) % regulars.length];
    const lines = past.lineItems
      .filter((line) => line.variantId !== null)
      .slice(0, 1 + (i % 3))
      .map((line) => ({ variantId: line.variantId!, quantity: 1 + (i % 2) }));
    if (lines.length === 0) continue;
    const { order, delivery } = await standin.createOrder({ shop: SHOP, customerId: past.customerId, lines }, { deliver: true });
    log(`live order ${order.name} delivered as orders/create (HTTP ${delivery?.status ?? "-"})`);
    await new Promise((r) => setTimeout(r, 3_000));
  }
}

main().catch((error) => fail(error instanceof Error ? error.stack ?? error.message : String(error)));
