// PostgreSQL dropping its connections, and SIGTERM to a web or worker process in the middle of
// work. Each process reaches PostgreSQL through a TCP relay that the test cuts, stalls or restores.
import http from "node:http";
import { readFileSync } from "node:fs";
import path from "node:path";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { QUEUES } from "~/jobs/definitions";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { startTcpRelay, type TcpRelay } from "../support/tcp-relay";
import { webhookHeaders } from "../standin/webhooks";
import {
  API_SECRET,
  REDIS_URL,
  ROOT,
  appEnv,
  deliver,
  dropQueuePrefix,
  newQueuePrefix,
  proxyGet,
  startWeb,
  startWorker,
  waitFor,
  type AppProcess,
} from "./support";

const SHOP = "chaos-outage.myshopify.com";
const fixture = JSON.parse(readFileSync(path.join(ROOT, "test/fixtures/webhooks/orders-create.json"), "utf8"));
const LINES_PER_ORDER = fixture.line_items.length;

function order(id: number) {
  return {
    ...fixture,
    id,
    admin_graphql_api_id: `gid://shopify/Order/${id}`,
    name: `#${id}`,
    line_items: fixture.line_items.map((line: object, index: number) => ({ ...line, id: id * 10 + index, admin_graphql_api_id: `gid://shopify/LineItem/${id * 10 + index}` })),
  };
}

/** POSTs a signed orders/create over a raw socket, so the request is in flight before anything is sent back. */
function slowWebhook(appUrl: string, payload: object, eventId: string) {
  const body = JSON.stringify(payload);
  const { hostname, port } = new URL(appUrl);
  const request = http.request({
    host: hostname,
    port,
    method: "POST",
    path: "/webhooks/orders/create",
    agent: false,
    headers: {
      ...webhookHeaders(body, { topic: "orders/create", shop: SHOP, apiSecret: API_SECRET, eventId, webhookId: `wh-${eventId}` }),
      "Content-Length": Buffer.byteLength(body),
    },
  });
  const connected = new Promise<void>((resolve) => {
    request.once("socket", (socket) => socket.once("connect", () => resolve()));
  });
  const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
    request.once("response", (res) => {
      let text = "";
      res.on("data", (chunk) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    request.once("error", reject);
  });
  request.end(body);
  return { connected, response };
}

/** Whether a new TCP connection to the port is refused. */
function refusesConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const request = http.get({ host: "127.0.0.1", port, path: "/healthz", agent: false }, (res) => {
      res.resume();
      resolve(false);
    });
    request.once("error", (error: NodeJS.ErrnoException) => resolve(error.code === "ECONNREFUSED"));
  });
}

describe("PostgreSQL outage and graceful shutdown (PostgreSQL, real processes)", () => {
  let db: TestDatabase;
  const prefix = newQueuePrefix();
  const processes: AppProcess[] = [];
  const relays: TcpRelay[] = [];

  beforeAll(async () => {
    db = await createTestDatabase("postgres");
    await db.prisma.shop.create({ data: { domain: SHOP, settings: {} } });
  });
  afterEach(async () => {
    for (const relay of relays.splice(0)) {
      relay.resume();
      await relay.down();
    }
    for (const p of processes.splice(0)) await p.stop("SIGKILL");
  });
  afterAll(async () => {
    await dropQueuePrefix(prefix);
    await db?.drop();
  });

  const relayToDb = async () => {
    const relay = await startTcpRelay(db.url);
    relays.push(relay);
    return relay;
  };
  const web = async (databaseUrl: string) => {
    const p = await startWeb(appEnv({ databaseUrl, queuePrefix: prefix }));
    processes.push(p);
    return p;
  };

  it("connections dropped for a few seconds: webhook and health answer 503, the storefront proxy 503 or its cached answer (never 500), the process stays up, then all 3 answer 200 without a restart; the redelivered webhook is stored once", async () => {
    const relay = await relayToDb();
    const app = await web(relay.url());
    const probe = async (label: string) => {
      const hook = await deliver(app.url, { topic: "orders/create", shop: SHOP, payload: order(9100000000001), eventId: "ev-outage-1" });
      const proxy = await proxyGet(app.url, SHOP, "recommendations", { surface: "home", label });
      const health = await fetch(`${app.url}/healthz`);
      return {
        statuses: [hook.status, proxy.status, health.status],
        bodies: [hook.responseBody, await proxy.text(), await health.text()],
        retryAfter: proxy.headers.get("retry-after"),
      };
    };

    const before = await probe("before");
    expect(before.statuses, "webhook, proxy, health before the outage").toEqual([200, 200, 200]);
    await db.prisma.webhookDelivery.deleteMany({ where: { shop: SHOP } });

    await relay.down();
    const during = [await probe("down-1"), await probe("down-2")];
    for (const p of during) {
      const [hook, proxy, health] = p.statuses;
      expect([hook, health], "webhook, health while PostgreSQL is unreachable").toEqual([503, 503]);
      // The storefront proxy may answer from its short-lived in-process cache without the database.
      expect([200, 503], `proxy answered ${proxy}`).toContain(proxy);
      const outageBody = { error: "service_unavailable", message: "The database is unavailable. Try again in a few seconds." };
      expect(JSON.parse(p.bodies[0])).toEqual(outageBody);
      if (proxy === 503) {
        expect(JSON.parse(p.bodies[1])).toEqual(outageBody);
        expect(p.retryAfter, "clients are told when to retry").toBe("5");
      }
      expect(JSON.parse(p.bodies[2])).toMatchObject({ database: "unreachable" });
      expect(p.bodies.join("\n"), "no stack trace or internal error text").not.toMatch(/ at |Unexpected Server Error|Prisma/);
    }
    expect(app.running(), "the web process survived the outage").toBe(true);
    expect(app.output()).toContain("database unavailable; answered 503");

    await relay.up();
    // The pool reconnects on demand: the next requests succeed on the same process.
    await waitFor(async () => (await fetch(`${app.url}/healthz`)).status === 200, 20_000, "health to recover");
    const after = await probe("after");
    expect(after.statuses, "webhook (Shopify's redelivery), proxy, health after the outage").toEqual([200, 200, 200]);
    expect(await db.prisma.webhookDelivery.count({ where: { shop: SHOP, eventId: "ev-outage-1" } }), "the delivery refused with 503 is stored once when redelivered").toBe(1);
  }, 90_000);

  it("web SIGTERM with a webhook in flight: new connections are refused, the in-flight request answers 200 and is stored (1 row), then the process closes its connections and exits 0", async () => {
    const relay = await relayToDb();
    const app = await web(relay.url());
    // One request first, so the pool holds an open connection and the stalled query below waits on it.
    expect((await deliver(app.url, { topic: "orders/create", shop: SHOP, payload: order(9200000000001), eventId: "ev-sigterm-warm" })).status).toBe(200);

    relay.pause();
    const inFlight = slowWebhook(app.url, order(9200000000002), "ev-sigterm-in-flight");
    await inFlight.connected;
    await waitFor(() => relay.heldBytes() > 0, 10_000, "the in-flight request to reach the database");

    app.child.kill("SIGTERM");
    await app.waitForOutput(/"msg":"web shutting down"/, 10_000);
    expect(await refusesConnections(app.port), "a draining process accepts no new connections").toBe(true);
    expect(app.running(), "still running while a request is in flight").toBe(true);

    relay.resume();
    const answered = await inFlight.response;
    expect(answered.status, "the in-flight webhook is answered").toBe(200);
    const exit = await app.exited;
    expect(exit, "exits 0 once drained").toEqual({ code: 0, signal: null });
    expect(app.output()).toMatch(/"msg":"web stopped"/);
    expect(await db.prisma.webhookDelivery.count({ where: { shop: SHOP, eventId: "ev-sigterm-in-flight" } }), "the in-flight delivery was stored").toBe(1);
  }, 60_000);

  it("worker SIGTERM with a job in flight: the job finishes or is handed back, the delivery is applied once (1 order, 3 lines) and the worker exits 0", async () => {
    const app = await web(db.url);
    const relay = await relayToDb();
    const env = appEnv({ databaseUrl: relay.url(), queuePrefix: prefix });
    const first = await startWorker(env, "worker-1");
    processes.push(first);
    const orderId = 9300000000001;
    // A first job opens the worker's pool connection, so the stalled query below waits on it.
    await deliver(app.url, { topic: "orders/create", shop: SHOP, payload: order(orderId - 1), eventId: "ev-worker-warm" });
    await waitFor(async () => (await db.prisma.order.count({ where: { shop: SHOP, id: String(orderId - 1) } })) === 1, 30_000, "the warm-up order");

    const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    const ingest = new Queue(QUEUES.ingest, { connection: redis, prefix });
    try {
      // Earlier tests left deliveries queued with no worker; once the database is frozen they would
      // hold every ingest slot, so the queue is drained first.
      await waitFor(
        async () => Object.values(await ingest.getJobCounts("active", "waiting", "prioritized", "delayed")).every((n) => n === 0),
        60_000,
        "the ingest queue to drain",
      );
      relay.pause();
      expect((await deliver(app.url, { topic: "orders/create", shop: SHOP, payload: order(orderId), eventId: "ev-worker-sigterm" })).status).toBe(200);
      const delivery = await db.prisma.webhookDelivery.findFirstOrThrow({ where: { shop: SHOP, eventId: "ev-worker-sigterm" } });
      const jobId = `wh-${delivery.id}`;
      await waitFor(async () => (await ingest.getJobState(jobId)) === "active", 20_000, "the worker to take the job");

      first.child.kill("SIGTERM");
      await first.waitForOutput(/"msg":"worker shutting down"/, 10_000);
      expect(first.running(), "the worker waits for its active job").toBe(true);
      relay.resume();
      const exit = await first.exited;
      expect(exit, "worker exits 0 after the job").toEqual({ code: 0, signal: null });

      const state = await ingest.getJobState(jobId);
      expect(["completed", "waiting", "delayed", "prioritized"], `job state after shutdown: ${state}`).toContain(state);
      if (state !== "completed") {
        // Handed back rather than finished: the next worker picks it up.
        processes.push(await startWorker(appEnv({ databaseUrl: db.url, queuePrefix: prefix }), "worker-2"));
      }
      await waitFor(async () => (await ingest.getJobState(jobId)) === "completed", 30_000, "the job to complete");
      const stored = await db.prisma.webhookDelivery.findUniqueOrThrow({ where: { id: delivery.id } });
      expect(stored.status).toBe("processed");
      expect(await db.prisma.order.count({ where: { shop: SHOP, id: String(orderId) } }), "the order is applied once").toBe(1);
      expect(await db.prisma.orderLine.count({ where: { shop: SHOP, orderId: String(orderId) } })).toBe(LINES_PER_ORDER);
    } finally {
      await ingest.close();
      redis.disconnect();
    }
  }, 90_000);
});
