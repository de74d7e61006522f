import { randomUUID } from "node:crypto";
import { Worker, type Job } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { QUEUES, SHOP_FAIRNESS, type QueueName } from "~/jobs/definitions";
import { enqueue, enqueueDelivery, getQueue } from "~/jobs/queues.server";
import { acquireShopLock } from "~/jobs/shop-lock.server";
import { requestRecompute } from "~/services/recommendations.server";
import { testDb } from "../support/context";
import { startTestWorker } from "../support/worker";

const A = "big-shop.myshopify.com";
const B = "small-shop.myshopify.com";
const C = "other-big-shop.myshopify.com";
const D = "other-small-shop.myshopify.com";
const redis = new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: null });
afterAll(() => redis.disconnect());

/** Takes jobs one by one as a worker would (manual fetching), completing each, and returns them in order. */
async function drain(queue: QueueName, max = 1_000): Promise<Job[]> {
  const worker = new Worker(queue, null, { connection: redis.duplicate({ maxRetriesPerRequest: null }), prefix: process.env.QUEUE_PREFIX });
  const token = randomUUID();
  const taken: Job[] = [];
  try {
    for (let job = await worker.getNextJob(token, { block: false }); job && taken.length < max; job = await worker.getNextJob(token, { block: false })) {
      taken.push(job);
      await job.moveToCompleted("done", token, false);
    }
  } finally {
    await worker.close();
  }
  return taken;
}

async function waitingIn(queue: QueueName) {
  const counts = await getQueue(queue).getJobCounts("waiting", "prioritized", "delayed", "active");
  return counts;
}

afterEach(async () => {
  for (const queue of Object.values(QUEUES)) await getQueue(queue).obliterate({ force: true });
});

describe("priorities", () => {
  it("queues full recomputes (1) apart from incremental updates (3), and runs webhook deliveries (2) before an earlier backfill (1)", async () => {
    await requestRecompute({ shop: A });
    for (const orderId of ["o1", "o2", "o3"]) await enqueue("update-recommendations-for-order", { shop: B, orderId });
    expect((await drain(QUEUES.compute)).map((j) => `${j.name}:${j.data.shop}`)).toEqual(Array(3).fill(`update-recommendations-for-order:${B}`));
    expect((await drain(QUEUES.recompute)).map((j) => `${j.name}:${j.data.shop}`)).toEqual([`recompute-recommendations:${A}`]);

    await enqueue("backfill", { syncRunId: "run-1" }, { jobId: "backfill-run-1" });
    await enqueueDelivery({ shop: B, deliveryId: "d1" });
    await enqueueDelivery({ shop: A, deliveryId: "d2" });
    const ingest = await drain(QUEUES.ingest);
    expect(ingest.map((j) => j.id)).toEqual(["wh-d1", "wh-d2", "backfill-run-1"]);
  });

  it("interleaves a quiet shop's 2 deliveries after the first 20 of a flooding shop's 60, not after all 60", async () => {
    // The penalty counts per time window; start well inside one so the 62 enqueues share it.
    const intoWindow = Date.now() % SHOP_FAIRNESS.windowMs;
    if (intoWindow > SHOP_FAIRNESS.windowMs - 4_000) await new Promise((r) => setTimeout(r, SHOP_FAIRNESS.windowMs - intoWindow + 50));
    for (let i = 0; i < 60; i += 1) await enqueueDelivery({ shop: "flood-shop.myshopify.com", deliveryId: `a${i}` });
    await enqueueDelivery({ shop: "quiet-shop.myshopify.com", deliveryId: "b0" });
    await enqueueDelivery({ shop: "quiet-shop.myshopify.com", deliveryId: "b1" });
    const order = (await drain(QUEUES.ingest)).map((j) => j.id);
    expect(order).toHaveLength(62);
    expect(order.indexOf("wh-b0")).toBe(SHOP_FAIRNESS.burst);
    expect(order.indexOf("wh-b1")).toBe(SHOP_FAIRNESS.burst + 1);
    // The flooding shop's own deliveries keep their order.
    expect(order.filter((id) => id!.startsWith("wh-a"))).toEqual(Array.from({ length: 60 }, (_, i) => `wh-a${i}`));
  });
});

describe("deduplication of recompute requests", () => {
  it("collapses 5 waiting requests into 1 job; 3 that arrive while it runs give exactly 1 more run; none after that", async () => {
    for (let i = 0; i < 5; i += 1) await requestRecompute({ shop: A });
    await requestRecompute({ shop: B });
    expect(await waitingIn(QUEUES.recompute)).toMatchObject({ waiting: 2, prioritized: 0, delayed: 0, active: 0 });

    const worker = new Worker(QUEUES.recompute, null, { connection: redis.duplicate({ maxRetriesPerRequest: null }), prefix: process.env.QUEUE_PREFIX });
    const token = randomUUID();
    try {
      const first = (await worker.getNextJob(token, { block: false }))!;
      expect(first.data).toEqual({ shop: A });
      for (let i = 0; i < 3; i += 1) await requestRecompute({ shop: A });
      // While A's run is active the 3 requests are held back, not queued beside it.
      expect(await waitingIn(QUEUES.recompute)).toMatchObject({ waiting: 1, active: 1 });
      await first.moveToCompleted("done", token, false);
      // ...and become exactly one follow-up run once it finishes.
      expect(await waitingIn(QUEUES.recompute)).toMatchObject({ waiting: 2, active: 0 });
    } finally {
      await worker.close();
    }
    const rest = await drain(QUEUES.recompute);
    expect(rest.map((j) => j.data.shop).sort()).toEqual([A, B].sort());
    expect(await waitingIn(QUEUES.recompute)).toMatchObject({ prioritized: 0, waiting: 0, delayed: 0, active: 0 });
  });
});

describe("the worker", () => {
  async function seedShop(shop: string) {
    const prisma = testDb().prisma;
    await prisma.shop.create({ data: { domain: shop, settings: {} } });
    const now = Date.now();
    for (let o = 0; o < 12; o += 1) {
      const at = new Date(now - (12 - o) * 86_400_000);
      await prisma.order.create({
        data: {
          shop, id: `${shop}-o${o}`, name: `#${o}`, customerId: `c${o % 4}`, createdAt: at, updatedAt: at,
          lines: { create: [0, 1, 2].map((k) => ({ id: `${shop}-o${o}-${k}`, productId: `p${(o + k) % 5}`, title: `P${(o + k) % 5}`, quantity: 1, priceCents: 1000 })) },
        },
      });
    }
  }

  async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string, timeoutMs = 40_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await read();
      if (done(value)) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const runs = (shop: string) => testDb().prisma.recomputeRun.findMany({ where: { shop }, select: { status: true, version: true } });

  it("runs 4 piled-up recompute requests of a shop once (1 run, version 1)", async () => {
    await seedShop(A);
    for (let i = 0; i < 4; i += 1) await requestRecompute({ shop: A });
    const worker = await startTestWorker();
    try {
      await until(() => runs(A), (r) => r.length === 1 && r[0].status === "completed", "the recompute");
      for (const queue of [QUEUES.compute, QUEUES.recompute]) {
        await until(() => waitingIn(queue), (c) => c.prioritized + c.waiting + c.delayed + c.active === 0, `the ${queue} queue to drain`);
      }
    } finally {
      await worker.stop();
    }
    expect(await runs(A)).toEqual([{ status: "completed", version: 1 }]);
    expect((await testDb().prisma.shop.findUniqueOrThrow({ where: { domain: A } })).liveRecVersion).toBe(1);
  });

  it("holds a shop's full recompute (0 runs) while its lock is taken, runs another shop's meanwhile (1 run), then the held one (1 run)", async () => {
    await seedShop(C);
    await seedShop(D);
    const lock = await acquireShopLock(redis, { prefix: process.env.QUEUE_PREFIX!, shop: C, holder: "another-job" });
    expect(lock).not.toBeNull();
    await requestRecompute({ shop: C });
    await requestRecompute({ shop: D });
    const worker = await startTestWorker();
    try {
      await until(() => runs(D), (r) => r.length === 1 && r[0].status === "completed", "D's recompute");
      // C's job was tried and put back: it has started no run and is waiting for its shop's lock.
      // It is retried every couple of seconds and put back each time, so it is read while delayed.
      const [held] = await until(() => getQueue(QUEUES.recompute).getDelayed(), (jobs) => jobs.length === 1, "C's job to be postponed");
      expect(await runs(C)).toEqual([]);
      expect(held.data).toEqual({ shop: C });
      expect(held.attemptsMade).toBe(0);
      await lock!.release();
      await until(() => runs(C), (r) => r.length === 1 && r[0].status === "completed", "C's recompute after the lock was released");
    } finally {
      await worker.stop();
    }
    expect(await runs(C)).toEqual([{ status: "completed", version: 1 }]);
    expect(await runs(D)).toEqual([{ status: "completed", version: 1 }]);
  });
});
