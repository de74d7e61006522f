import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import net, { type AddressInfo, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { init } from "~/env.server";
import { closeQueues, enqueue, getQueue } from "~/jobs/queues.server";
import { QUEUES } from "~/jobs/definitions";
import { testDb } from "../support/context";
import { webhookRequest } from "../support/shopify";
import { startTestWorker, waitForDeliveries } from "../support/worker";

const root = path.resolve(import.meta.dirname, "../..");
const fixture = JSON.parse(readFileSync(path.join(root, "test/fixtures/webhooks/orders-create.json"), "utf8"));
const CUSTOMER = 7012345678901;
const prisma = () => testDb().prisma;

/** orders/create for one more order of the same customer, with its own order and line ids. */
function order(id: number) {
  return {
    ...fixture,
    id,
    admin_graphql_api_id: `gid://shopify/Order/${id}`,
    name: `#${id}`,
    line_items: fixture.line_items.map((line: object, index: number) => ({
      ...line,
      id: id * 10 + index,
      admin_graphql_api_id: `gid://shopify/LineItem/${id * 10 + index}`,
    })),
  };
}
const LINES_PER_ORDER = fixture.line_items.length;

async function burst(shop: string, ids: number[]) {
  const { action } = await import("~/routes/webhooks.orders.create");
  const statuses = await Promise.all(
    ids.map(async (id) => {
      const response = (await action({ request: webhookRequest(shop, "orders/create", order(id)), params: {}, context: {} })) as Response;
      return response.status;
    }),
  );
  return statuses;
}

/** Exact counts after N orders of one customer have each been applied once. */
async function outcome(shop: string) {
  const db = prisma();
  const deliveries = await db.webhookDelivery.findMany({ where: { shop } });
  const customer = await db.customer.findFirst({ where: { shop, id: String(CUSTOMER) } });
  const totals = await db.order.aggregate({ where: { shop }, _sum: { totalCents: true } });
  return {
    deliveries: deliveries.length,
    processed: deliveries.filter((d) => d.status === "processed").length,
    orders: await db.order.count({ where: { shop } }),
    lines: await db.orderLine.count({ where: { shop } }),
    customerOrders: customer?.numberOfOrders ?? 0,
    customerSpentMatchesOrders: customer?.amountSpentCents === totals._sum.totalCents,
  };
}

/**
 * A TCP relay in front of Redis that can be cut and restored, so the app's producer sees Redis go
 * away mid-flight (connection reset, port refusing) and come back on the same address.
 */
async function redisRelay(target: string) {
  const { hostname, port } = new URL(target);
  const sockets = new Set<Socket>();
  let server: net.Server | null = null;
  let listenPort = 0;
  const up = () =>
    new Promise<void>((resolve) => {
      server = net.createServer((client) => {
        const upstream = net.connect(Number(port), hostname);
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on("close", () => sockets.delete(s));
          s.on("error", () => s.destroy());
        }
        client.pipe(upstream).pipe(client);
      });
      server.listen(listenPort, "127.0.0.1", () => {
        listenPort = (server!.address() as AddressInfo).port;
        resolve();
      });
    });
  const down = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      if (!server) return resolve();
      server.close(() => resolve());
      server = null;
    });
  await up();
  return { url: () => `redis://127.0.0.1:${listenPort}`, up, down };
}

async function retry<T>(fn: () => Promise<T>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

function setRedis(url: string) {
  process.env.REDIS_URL = url;
  init();
}

describe(`sync chaos (${testDb().flavour})`, () => {
  const liveRedis = process.env.REDIS_URL!;
  const children: ChildProcess[] = [];
  const relays: { down(): Promise<void> }[] = [];
  afterEach(async () => {
    for (const relay of relays.splice(0)) await relay.down();
    for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    setRedis(liveRedis);
    await closeQueues();
  });

  it("Redis down during a burst of 40 webhooks: 40 × 200, 40 recorded, then the sweeper applies each once (40 orders, 40×3 lines)", async () => {
    const shop = "chaos-redis.myshopify.com";
    const N = 40;
    const ids = Array.from({ length: N }, (_, i) => 6100000000001 + i);

    // The web process's producer talks to Redis through a relay, which is then cut for the burst.
    const relay = await redisRelay(liveRedis);
    relays.push(relay);
    await closeQueues();
    setRedis(relay.url());
    await getQueue(QUEUES.ingest).waitUntilReady();
    await relay.down();
    const statuses = await burst(shop, ids);
    expect(statuses, "every delivery acknowledged with 200").toEqual(Array(N).fill(200));
    const recorded = await prisma().webhookDelivery.findMany({ where: { shop } });
    expect(recorded.map((d) => d.status), `${N} deliveries recorded, none processed`).toEqual(Array(N).fill("received"));

    // Redis is back: nothing was queued during the outage, so only the sweeper can recover them.
    await relay.up();
    // The producer fails fast while reconnecting, so ask until the relay's connection is back.
    const counts = await retry(() => getQueue(QUEUES.ingest).getJobCounts("wait", "prioritized", "active", "delayed"));
    expect(Object.values(counts).reduce((a, b) => a + b, 0), "jobs queued during the outage").toBe(0);
    const worker = await startTestWorker();
    try {
      await retry(() => enqueue("sweep-deliveries", { olderThanMs: 1 }));
      await waitForDeliveries(shop, N, 30_000);
      // A second sweep finds nothing left to do.
      await enqueue("sweep-deliveries", { olderThanMs: 1 });
      await new Promise((r) => setTimeout(r, 500));
    } finally {
      await worker.stop();
    }
    expect(await outcome(shop)).toEqual({
      deliveries: N,
      processed: N,
      orders: N,
      lines: N * LINES_PER_ORDER,
      customerOrders: N,
      customerSpentMatchesOrders: true,
    });
    const attempts = (await prisma().webhookDelivery.findMany({ where: { shop } })).map((d) => d.attempts);
    expect(attempts, "each delivery handled exactly once").toEqual(Array(N).fill(1));
  }, 60_000);

  it("worker SIGKILLed mid-burst of 60 webhooks: a new worker finishes, every delivery processed once (60 orders, 60×3 lines)", async () => {
    const shop = "chaos-kill.myshopify.com";
    const N = 60;
    const ids = Array.from({ length: N }, (_, i) => 6200000000001 + i);
    const startWorkerProcess = () => {
      const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "app/jobs/worker.ts")], {
        cwd: root,
        env: { ...process.env, DATABASE_URL: testDb().url, QUEUE_PREFIX: process.env.QUEUE_PREFIX, WORKER_CONCURRENCY: "4", LOG_LEVEL: "silent" },
        stdio: ["ignore", "ignore", "pipe"],
      });
      let stderr = "";
      child.stderr!.on("data", (chunk) => (stderr += chunk));
      child.on("exit", (code, signal) => {
        if (code && code !== 0) console.warn(`worker exited ${code} ${signal ?? ""}: ${stderr}`);
      });
      children.push(child);
      return child;
    };

    const first = startWorkerProcess();
    expect(await burst(shop, ids), "every delivery acknowledged with 200").toEqual(Array(N).fill(200));
    // Kill it while the batch is in flight: some deliveries done, others not.
    const deadline = Date.now() + 30_000;
    let processedAtKill = 0;
    for (;;) {
      processedAtKill = await prisma().webhookDelivery.count({ where: { shop, status: "processed" } });
      if (processedAtKill >= 5 || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    first.kill("SIGKILL");
    await new Promise((r) => first.once("exit", r));
    const afterKill = await prisma().webhookDelivery.count({ where: { shop, status: "processed" } });
    expect(afterKill, "the kill landed mid-batch").toBeLessThan(N);
    expect(afterKill).toBeGreaterThanOrEqual(5);

    // Jobs the dead worker held are recovered by BullMQ's stalled-job check once their locks expire.
    startWorkerProcess();
    await waitForDeliveries(shop, N, 150_000);
    expect(await outcome(shop)).toEqual({
      deliveries: N,
      processed: N,
      orders: N,
      lines: N * LINES_PER_ORDER,
      customerOrders: N,
      customerSpentMatchesOrders: true,
    });
  }, 200_000);
});
