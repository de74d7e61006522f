/**
 * Webhook ingestion benchmark: the built app (started as `npm start` starts it) and a worker run as child
 * processes on a fresh SQLite database, then on a fresh PostgreSQL one; N signed orders/create
 * deliveries are fired at concurrency C. Prints acknowledged deliveries/s, p50/p99 acknowledgement
 * latency, the web process's CPU per delivery, the time until every delivery is processed, and an
 * exact-once check from database counts.
 *   npm run bench:webhooks -- [--n 2000] [--concurrency 32] [--db sqlite,postgres] [--worker-concurrency 4] [--worker-after] [--build] [--profile <dir>]
 * Needs Redis (REDIS_URL) and, for PostgreSQL, TEST_PG_URL or a local postgres superuser.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import { availableParallelism, loadavg } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { Redis } from "ioredis";
import { createTestDatabase, type TestDatabase } from "../test/support/database";
import { webhookHeaders } from "../test/standin/webhooks";
import { startApp } from "./lib/app-process";
import { quantile } from "./lib/quantile";

const root = path.resolve(import.meta.dirname, "..");
const { values } = parseArgs({
  options: {
    n: { type: "string", default: "2000" },
    concurrency: { type: "string", default: "32" },
    db: { type: "string", default: "sqlite,postgres" },
    build: { type: "boolean", default: false },
    "worker-concurrency": { type: "string", default: "4" },
    // Start the worker only after the burst: acknowledgement alone, without write contention.
    "worker-after": { type: "boolean", default: false },
    // Writes a V8 CPU profile of the web process per flavour into this directory.
    profile: { type: "string" },
  },
});
const N = Number(values.n);
const C = Number(values.concurrency);
const flavours = values.db!.split(",") as ("sqlite" | "postgres")[];
const SECRET = "bench-api-secret";
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const fixture = JSON.parse(readFileSync(path.join(root, "test/fixtures/webhooks/orders-create.json"), "utf8"));
const LINES = fixture.line_items.length;

if (values.build || !existsSync(path.join(root, "build/index.js"))) {
  console.log("building the app (remix build)…");
  const result = spawnSync(path.join(root, "node_modules/.bin/remix"), ["build"], { cwd: root, stdio: "inherit" });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function payload(id: number) {
  // A quarter as many customers as orders, so aggregates refresh under real contention.
  const customerId = 8_000_000_000_000 + (id % Math.max(1, Math.floor(N / 4)));
  return JSON.stringify({
    ...fixture,
    id,
    admin_graphql_api_id: `gid://shopify/Order/${id}`,
    name: `#${id}`,
    customer: { ...fixture.customer, id: customerId, admin_graphql_api_id: `gid://shopify/Customer/${customerId}` },
    line_items: fixture.line_items.map((line: object, index: number) => ({
      ...line,
      id: id * 10 + index,
      admin_graphql_api_id: `gid://shopify/LineItem/${id * 10 + index}`,
    })),
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

function start(command: string, args: string[], env: NodeJS.ProcessEnv, name: string): ChildProcess {
  const child = spawn(command, args, { cwd: root, env, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (chunk) => (stderr = (stderr + chunk).slice(-4_000)));
  child.on("exit", (code) => {
    if (code) console.error(`${name} exited with ${code}:\n${stderr}`);
  });
  return child;
}

async function stop(child: ChildProcess) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  await Promise.race([new Promise((r) => child.once("exit", r)), sleep(5_000)]);
  if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
}

async function run(flavour: "sqlite" | "postgres") {
  const db: TestDatabase = await createTestDatabase(flavour);
  const prefix = `skbench-${randomBytes(4).toString("hex")}`;
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    PORT: String(port),
    SHOPIFY_API_KEY: "bench-api-key",
    SHOPIFY_API_SECRET: SECRET,
    SHOPIFY_APP_URL: `http://127.0.0.1:${port}`,
    SCOPES: "read_products,read_orders,read_all_orders,read_customers,write_customers",
    DATABASE_URL: db.url,
    REDIS_URL,
    QUEUE_PREFIX: prefix,
    WORKER_CONCURRENCY: values["worker-concurrency"],
    LOG_LEVEL: "warn",
  };
  const web = startApp(env, { profileDir: values.profile ? path.resolve(values.profile, flavour) : undefined });
  const startWorker = () =>
    start(process.execPath, ["--import", "tsx", path.join(root, "app/jobs/worker.ts")], { ...env, SHOPKEEPER_PROCESS: "worker" }, "worker");
  let worker = values["worker-after"] ? null : startWorker();
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitFor(async () => (await fetch(`${base}/healthz`)).ok, 30_000, "the web process");
    const shop = "bench-shop.myshopify.com";
    const bodies = Array.from({ length: N }, (_, i) => payload(7_000_000_000_001 + i));
    // Shopify's senders are not on this machine; node:http with keep-alive costs the 2 shared cores
    // a fraction of what fetch does, so the figures measure the app rather than the load generator.
    const agent = new http.Agent({ keepAlive: true, maxSockets: C });
    const send = (to: string, body: string, eventId: string) =>
      new Promise<number>((resolve, reject) => {
        const request = http.request(
          {
            host: "127.0.0.1",
            port,
            path: "/webhooks/orders/create",
            method: "POST",
            agent,
            headers: {
              ...webhookHeaders(body, { topic: "orders/create", shop: to, apiSecret: SECRET, eventId, webhookId: `wh-${eventId}` }),
              "Content-Length": Buffer.byteLength(body),
            },
          },
          (response) => {
            response.resume();
            response.once("end", () => resolve(response.statusCode ?? 0));
          },
        );
        request.once("error", reject);
        request.end(body);
      });
    // Warm-up on another shop, at the same concurrency: route modules, connections and the JIT's code
    // for full batches exist before timing, and (unless --worker-after) the worker has started and
    // processed them, so its start-up (tsx compiling it) is not timed as if it were the app's.
    const WARMUP = 256;
    const warmupShop = "bench-warmup.myshopify.com";
    let warmed = 0;
    await Promise.all(
      Array.from({ length: C }, async () => {
        for (let i = warmed++; i < WARMUP; i = warmed++) await send(warmupShop, payload(6_000_000_000_001 + i), `warm-${i}`);
      }),
    );
    if (worker) {
      await waitFor(
        async () => (await db.prisma.webhookDelivery.count({ where: { shop: warmupShop, status: "processed" } })) >= WARMUP,
        120_000,
        "the worker to process the warm-up",
      );
    }

    const load = loadavg();
    const cpuBefore = web.cpuMs();
    const clientCpuBefore = process.cpuUsage();
    const latencies: number[] = [];
    const statuses = new Map<number, number>();
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: C }, async () => {
        for (let i = next++; i < N; i = next++) {
          const t0 = performance.now();
          const status = await send(shop, bodies[i], `bench-${i}`).catch(() => 0);
          latencies.push(performance.now() - t0);
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
        }
      }),
    );
    const ackSeconds = (performance.now() - started) / 1000;
    const cpuPerDelivery = (web.cpuMs() - cpuBefore) / N;
    const clientCpu = process.cpuUsage(clientCpuBefore);
    const clientCpuPerDelivery = (clientCpu.user + clientCpu.system) / 1000 / N;
    const sorted = [...latencies].sort((a, b) => a - b);
    // The acknowledgement figures first: they stand even if processing later times out.
    console.log(
      [
        `${flavour}: ${N} deliveries at concurrency ${C} (worker concurrency ${values["worker-concurrency"]}${values["worker-after"] ? ", started after the burst" : ""})`,
        `  acknowledged: ${(N / ackSeconds).toFixed(0)} deliveries/s in ${ackSeconds.toFixed(2)} s; statuses ${JSON.stringify(Object.fromEntries(statuses))}`,
        `  web process:  ${cpuPerDelivery.toFixed(2)} ms CPU per delivery (load generator ${clientCpuPerDelivery.toFixed(2)} ms); load average ${load.map((l) => l.toFixed(1)).join(" ")} on ${availableParallelism()} cores at the start`,
        `  ack latency:  p50 ${quantile(sorted, 0.5).toFixed(1)} ms, p99 ${quantile(sorted, 0.99).toFixed(1)} ms, max ${sorted[sorted.length - 1].toFixed(1)} ms`,
      ].join("\n"),
    );
    worker ??= startWorker();
    await waitFor(
      async () => (await db.prisma.webhookDelivery.count({ where: { shop, status: { not: "received" } } })) >= N,
      300_000,
      "every delivery to be processed",
    );
    const processedSeconds = (performance.now() - started) / 1000;

    const [deliveries, processed, once, orders, lines] = await Promise.all([
      db.prisma.webhookDelivery.count({ where: { shop } }),
      db.prisma.webhookDelivery.count({ where: { shop, status: "processed" } }),
      db.prisma.webhookDelivery.count({ where: { shop, status: "processed", attempts: 1 } }),
      db.prisma.order.count({ where: { shop } }),
      db.prisma.orderLine.count({ where: { shop } }),
    ]);
    const ok = deliveries === N && processed === N && orders === N && lines === N * LINES;
    console.log(
      [
        `  processed:    all ${N} after ${processedSeconds.toFixed(2)} s (${(N / processedSeconds).toFixed(0)}/s end to end)`,
        `  exact-once:   deliveries ${deliveries}/${N}, processed ${processed}/${N} (${once} on the first attempt), orders ${orders}/${N}, lines ${lines}/${N * LINES} → ${ok ? "OK" : "MISMATCH"}`,
      ].join("\n"),
    );
    if (!ok) {
      const failed = await db.prisma.webhookDelivery.findMany({ where: { shop, status: { not: "processed" } }, select: { status: true, attempts: true, lastError: true }, take: 200 });
      const reasons = new Map<string, number>();
      for (const f of failed) reasons.set(`${f.status} after ${f.attempts}: ${(f.lastError ?? "").slice(0, 200)}`, (reasons.get(`${f.status} after ${f.attempts}: ${(f.lastError ?? "").slice(0, 200)}`) ?? 0) + 1);
      for (const [reason, count] of reasons) console.log(`  not processed (${count}): ${reason}`);
    }
    return ok;
  } finally {
    await Promise.all([web.stop(), ...(worker ? [stop(worker)] : [])]);
    const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    const keys = await redis.keys(`${prefix}:*`).catch(() => [] as string[]);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    await db.drop();
  }
}

let allOk = true;
for (const flavour of flavours) allOk = (await run(flavour)) && allOk;
process.exit(allOk ? 0 : 1);
