import { Queue, type JobsOptions } from "bullmq";
import type { Redis } from "ioredis";
import { env } from "~/env.server";
import { createRedis } from "~/redis.server";
import { SHOP_FAIRNESS, jobPayloads, jobPriority, jobQueue, type JobName, type JobPayload, type QueueName } from "~/jobs/definitions";

const defaultJobOptions: JobsOptions = {
  attempts: 5,
  backoff: { type: "exponential", delay: 1_000 },
  removeOnComplete: { age: 3_600, count: 1_000 },
  removeOnFail: { age: 7 * 24 * 3_600 },
};

let connection: Redis | undefined;
const queues = new Map<QueueName, Queue>();

export function getQueue(name: QueueName): Queue {
  let queue = queues.get(name);
  if (!queue) {
    connection ??= createRedis(env().REDIS_URL, "producer");
    queue = new Queue(name, { connection, prefix: env().QUEUE_PREFIX, defaultJobOptions });
    queue.on("error", () => {});
    queues.set(name, queue);
  }
  return queue;
}

/** Rejects after `ms`: BullMQ can wait on a connection that never comes, and a producer must fail fast instead. */
async function withinProducerTimeout<T>(work: Promise<T>, ms = 2_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis did not accept the job within ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Validates and enqueues a job; rejects at once when Redis is unreachable (callers keep their own record).
 * The priority comes from `jobPriority`, pushed back while the job's shop floods its queue.
 */
export async function enqueue<N extends JobName>(
  name: N,
  payload: JobPayload<N>,
  options: JobsOptions = {},
  fairness: { shop?: string } = {},
): Promise<void> {
  await addJobs(name, [{ payload, options, shop: fairness.shop }]);
}

/**
 * Enqueues recorded webhook deliveries in one round trip per shop for the fairness counter and one for
 * the jobs; the job id makes a redelivery that arrives while it is queued a no-op.
 */
export async function enqueueDeliveries(deliveries: readonly { shop: string; deliveryId: string }[]): Promise<void> {
  // Shopify does not order deliveries: a refund can arrive before its order. Eight attempts back off
  // for about two minutes in all, long enough for the order (or a crashed worker's lock) to come.
  await addJobs(
    "process-webhook",
    deliveries.map((d) => ({ payload: d, options: { jobId: `wh-${d.deliveryId}`, attempts: 8 }, shop: d.shop })),
  );
}

/**
 * Validates and adds jobs of one kind with one `addBulk`, after one fairness-counter round trip per
 * shop (a job's shop is the one given, else its payload's). An explicit `priority` option wins.
 */
async function addJobs<N extends JobName>(name: N, jobs: readonly { payload: JobPayload<N>; options?: JobsOptions; shop?: string }[]): Promise<void> {
  if (jobs.length === 0) return;
  const queueName = jobQueue[name];
  const queue = getQueue(queueName);
  const data = jobs.map((job) => jobPayloads[name].parse(job.payload));
  await producerReady(1_500);
  const base = jobPriority[name];
  const add = async () => {
    const priorities: (number | undefined)[] = jobs.map((job) => job.options?.priority);
    if (base !== undefined) {
      const byShop = new Map<string, number[]>();
      jobs.forEach((job, i) => {
        if (priorities[i] !== undefined) return;
        const shop = job.shop ?? (data[i] as { shop?: string }).shop;
        if (!shop) {
          priorities[i] = base;
          return;
        }
        const indexes = byShop.get(shop);
        if (indexes) indexes.push(i);
        else byShop.set(shop, [i]);
      });
      await Promise.all(
        [...byShop].map(async ([shop, indexes]) => {
          const penalties = await shopPenalties(queueName, shop, indexes.length);
          indexes.forEach((index, k) => (priorities[index] = base + penalties[k]));
        }),
      );
    }
    await queue.addBulk(
      jobs.map((job, i) => {
        const priority = priorities[i];
        return { name, data: data[i], opts: priority === undefined ? job.options ?? {} : { ...job.options, priority } };
      }),
    );
  };
  await withinProducerTimeout(add());
}

/** Enqueues one recorded webhook delivery (the sweeper's re-enqueue). */
export async function enqueueDelivery(delivery: { shop: string; deliveryId: string }): Promise<void> {
  await enqueueDeliveries([delivery]);
}

/**
 * How far each of the shop's next `count` jobs in this queue is pushed back: one step per `burst` jobs
 * in the current window.
 */
async function shopPenalties(queueName: QueueName, shop: string, count: number): Promise<number[]> {
  const window = Math.floor(Date.now() / SHOP_FAIRNESS.windowMs);
  const key = `${env().QUEUE_PREFIX}:fair:${queueName}:${shop}:${window}`;
  const result = await connection!.multi().incrby(key, count).pexpire(key, SHOP_FAIRNESS.windowMs * 2).exec();
  const total = Number(result?.[0]?.[1] ?? count);
  return Array.from({ length: count }, (_, k) => Math.min(SHOP_FAIRNESS.maxPenalty, Math.floor((total - count + k) / SHOP_FAIRNESS.burst)));
}

/** Resolves once the producer connection is up; rejects after `ms` (e.g. Redis down at start-up). */
async function producerReady(ms: number): Promise<void> {
  const redis = connection!;
  if (redis.status === "ready") return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      redis.off("ready", onReady);
      reject(new Error(`Redis is unreachable (connection ${redis.status})`));
    }, ms);
    const onReady = () => {
      clearTimeout(timer);
      resolve();
    };
    redis.once("ready", onReady);
  });
}

export async function closeQueues(): Promise<void> {
  await Promise.all([...queues.values()].map((q) => q.close()));
  queues.clear();
  connection?.disconnect();
  connection = undefined;
}

/** Per-shop schedulers are named `<shop>--<job>`; removing them stops the shop's recurring work. */
export function shopSchedulerId(shop: string, job: JobName): string {
  return `${shop}--${job}`;
}

export async function stopShopJobs({ shop }: { shop: string }) {
  for (const queueName of new Set(Object.values(jobQueue))) {
    const queue = getQueue(queueName);
    const schedulers = await queue.getJobSchedulers(0, -1);
    for (const scheduler of schedulers) {
      if (scheduler.key.startsWith(`${shop}--`)) await queue.removeJobScheduler(scheduler.key);
    }
  }
}
