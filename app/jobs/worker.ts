// The worker process: `npm run worker`. Runs every queue's jobs; web processes only enqueue.
process.env.SHOPKEEPER_PROCESS ??= "worker";
import { DelayedError, Worker, type Job } from "bullmq";
import { init } from "~/env.server";
import { createRedis, pingRedis } from "~/redis.server";
import { QUEUES, SHOP_LOCK, type JobName, type QueueName } from "~/jobs/definitions";
import { ComputePool } from "~/jobs/compute-pool.server";
import { acquireShopLock } from "~/jobs/shop-lock.server";
import { processors } from "~/jobs/processors/index.server";
import { getQueue, closeQueues } from "~/jobs/queues.server";
import { logger, getErrorMessage } from "~/logger.server";
import prisma from "~/db.server";

export async function startWorkers() {
  const env = init();
  const problem = await pingRedis(env.REDIS_URL, 3_000);
  if (problem) throw new Error(problem);

  const dispatch = async (job: Job) => {
    const processor = processors[job.name as JobName];
    if (!processor) throw new Error(`unknown job ${job.name}`);
    return processor(job);
  };
  const concurrency: Record<QueueName, number> = {
    [QUEUES.ingest]: env.WORKER_CONCURRENCY,
    [QUEUES.compute]: env.WORKER_COMPUTE_CONCURRENCY,
    [QUEUES.recompute]: env.WORKER_RECOMPUTE_CONCURRENCY,
    [QUEUES.maintenance]: env.WORKER_MAINTENANCE_CONCURRENCY,
  };
  // CPU-bound queues run in worker threads, off the event loop that serves ingest.
  const computePool = new ComputePool(env.WORKER_COMPUTE_CONCURRENCY);
  const recompute = recomputeScheduler(new ComputePool(env.WORKER_RECOMPUTE_CONCURRENCY), createRedis(env.REDIS_URL, "worker"), env.QUEUE_PREFIX);
  const processorOf: Record<QueueName, (job: Job, token?: string) => Promise<unknown>> = {
    [QUEUES.ingest]: dispatch,
    [QUEUES.compute]: (job) => computePool.run(job),
    [QUEUES.recompute]: recompute,
    [QUEUES.maintenance]: dispatch,
  };
  // Each queue has its own Worker and concurrency, so a busy queue never takes another's slots.
  const workers = Object.values(QUEUES).map((name) => {
    const worker = new Worker(name, processorOf[name], {
      connection: createRedis(env.REDIS_URL, "worker"),
      prefix: env.QUEUE_PREFIX,
      concurrency: concurrency[name],
    });
    worker.on("failed", (job, error) =>
      logger.warn({ queue: name, job: job?.name, jobId: job?.id, shop: job?.data?.shop, attempts: job?.attemptsMade, err: getErrorMessage(error) }, "job failed"),
    );
    worker.on("error", (error) => logger.error({ queue: name, err: getErrorMessage(error) }, "worker error"));
    return worker;
  });

  await getQueue(QUEUES.maintenance).upsertJobScheduler(
    "sweep-deliveries",
    { every: 30_000 },
    { name: "sweep-deliveries", data: { olderThanMs: 30_000 } },
  );
  // Catches webhooks that never arrived: each shop's orders, products and customers updated since its last sync.
  await getQueue(QUEUES.maintenance).upsertJobScheduler(
    "reconcile-all",
    { every: 60 * 60_000 },
    { name: "reconcile-all", data: {} },
  );
  // Relative dates in rules ("last_order_date < -30d") move membership even when no customer changes.
  await getQueue(QUEUES.maintenance).upsertJobScheduler(
    "segments-nightly",
    { pattern: "0 3 * * *", tz: "UTC" },
    { name: "segments-nightly", data: {} },
  );
  // Daily metrics: rebuilds the last few days of every shop so late events and refunds are counted.
  await getQueue(QUEUES.maintenance).upsertJobScheduler(
    "metrics-nightly",
    { pattern: "30 2 * * *", tz: "UTC" },
    { name: "metrics-nightly", data: {} },
  );
  // Events past each shop's retention period are deleted nightly; the fairness report is monthly.
  await getQueue(QUEUES.maintenance).upsertJobScheduler(
    "ethics-nightly",
    { pattern: "30 3 * * *", tz: "UTC" },
    { name: "ethics-nightly", data: {} },
  );
  await getQueue(QUEUES.maintenance).upsertJobScheduler(
    "ethics-monthly",
    { pattern: "0 4 1 * *", tz: "UTC" },
    { name: "ethics-monthly", data: {} },
  );
  // Full recommendation recompute for every installed shop; orders in between update lists incrementally.
  await getQueue(QUEUES.maintenance).upsertJobScheduler(
    "recommendations-nightly",
    { pattern: "0 2 * * *", tz: "UTC" },
    { name: "recommendations-nightly", data: {} },
  );
  logger.info({ queues: Object.values(QUEUES) }, "worker started");

  let closing: Promise<void> | undefined;
  const shutdown = (signal: string) => {
    // Worker.close waits for in-flight jobs to finish, so nothing is half-applied.
    closing ??= (async () => {
      logger.info({ signal }, "worker shutting down");
      await Promise.all(workers.map((w) => w.close()));
      await Promise.all([computePool.close(), recompute.close()]);
      await closeQueues();
      // Tests own the database client; the process owns it otherwise.
      if (signal !== "test") await prisma.$disconnect();
      logger.info("worker stopped");
    })();
    return closing;
  };
  return { workers, shutdown };
}

/**
 * Runs a full recompute in its thread pool while holding the shop's lock, so at most one runs per shop
 * across all worker processes. When the lock is taken the job goes back to the delayed set for
 * `SHOP_LOCK.retryDelayMs` (not an attempt) rather than holding a slot while it waits.
 */
function recomputeScheduler(pool: ComputePool, redis: ReturnType<typeof createRedis>, prefix: string) {
  const run = async (job: Job, token?: string) => {
    const shop = typeof job.data?.shop === "string" ? job.data.shop : undefined;
    if (!shop) return pool.run(job);
    const lock = await acquireShopLock(redis, { prefix, shop, holder: job.id! });
    if (!lock) {
      logger.debug({ job: job.name, jobId: job.id, shop }, "recompute postponed: the shop has one running");
      await job.moveToDelayed(Date.now() + SHOP_LOCK.retryDelayMs, token);
      throw new DelayedError();
    }
    try {
      return await pool.run(job);
    } finally {
      await lock.release();
    }
  };
  return Object.assign(run, {
    close: async () => {
      await pool.close();
      redis.disconnect();
    },
  });
}

const isMain = import.meta.url === `file://${process.argv[1]}`;
if (isMain) {
  startWorkers()
    .then(({ shutdown }) => {
      for (const signal of ["SIGTERM", "SIGINT"] as const) {
        process.once(signal, () => void shutdown(signal).then(() => process.exit(0)));
      }
    })
    .catch((error) => {
      console.error(`\nShopkeeper worker could not start.\n${getErrorMessage(error)}\n`);
      process.exit(1);
    });
}
