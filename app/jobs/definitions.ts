import { z } from "zod";

// Queues are split by urgency and weight, each with its own worker concurrency: ingest is never stuck
// behind a long recompute, and incremental updates never wait for a full recompute (docs/decisions/080).
export const QUEUES = {
  ingest: "ingest",
  compute: "compute",
  recompute: "recompute",
  maintenance: "maintenance",
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

const shopDomain = z.string().regex(/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/, "must be a myshopify.com domain");

// Payloads carry ids only: never tokens or personal data.
export const jobPayloads = {
  // The shop is optional only so jobs queued before it was added still parse; it puts the shop on log lines.
  "process-webhook": z.object({ deliveryId: z.string().min(1), shop: z.string().min(1).optional() }),
  "sweep-deliveries": z.object({ olderThanMs: z.number().int().positive().default(30_000) }),
  backfill: z.object({ syncRunId: z.string().min(1) }),
  reconcile: z.object({ shop: shopDomain }),
  "reconcile-all": z.object({}),
  "segments-recompute": z.object({ shop: shopDomain }),
  "segments-customers-changed": z.object({ shop: shopDomain, customerIds: z.array(z.string().min(1)).min(1).max(1_000) }),
  "segments-sync-tags": z.object({ shop: shopDomain }),
  "segments-nightly": z.object({}),
  "ethics-purge": z.object({ shop: shopDomain }),
  "ethics-fairness": z.object({ shop: shopDomain }),
  "ethics-nightly": z.object({}),
  "ethics-monthly": z.object({}),
  "rebuild-metrics": z.object({ shop: shopDomain, from: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be a YYYY-MM-DD day").optional(), to: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be a YYYY-MM-DD day").optional() }),
  "metrics-nightly": z.object({}),
  "recompute-recommendations": z.object({ shop: shopDomain }),
  "update-recommendations-for-order": z.object({ shop: shopDomain, orderId: z.string().min(1) }),
  "recommendations-nightly": z.object({}),
} as const;

export type JobName = keyof typeof jobPayloads;
export type JobPayload<N extends JobName> = z.infer<(typeof jobPayloads)[N]>;

export const jobQueue: Record<JobName, QueueName> = {
  "process-webhook": QUEUES.ingest,
  "sweep-deliveries": QUEUES.maintenance,
  backfill: QUEUES.ingest,
  reconcile: QUEUES.maintenance,
  "reconcile-all": QUEUES.maintenance,
  "segments-recompute": QUEUES.recompute,
  "segments-customers-changed": QUEUES.compute,
  "segments-sync-tags": QUEUES.maintenance,
  "segments-nightly": QUEUES.maintenance,
  "ethics-purge": QUEUES.maintenance,
  "ethics-fairness": QUEUES.recompute,
  "ethics-nightly": QUEUES.maintenance,
  "ethics-monthly": QUEUES.maintenance,
  "rebuild-metrics": QUEUES.recompute,
  "metrics-nightly": QUEUES.maintenance,
  "recompute-recommendations": QUEUES.recompute,
  "update-recommendations-for-order": QUEUES.compute,
  "recommendations-nightly": QUEUES.maintenance,
};

/**
 * BullMQ priority of each job within its queue (lower runs first; unset runs before any prioritised
 * job, so every ingest and compute job has one): webhook deliveries before backfill pages. Per-shop
 * jobs are pushed back by up to `SHOP_FAIRNESS.maxPenalty` while their shop floods the queue
 * (queues.server.ts), so other shops' jobs are interleaved.
 */
export const jobPriority: Partial<Record<JobName, number>> = {
  "process-webhook": 1,
  backfill: 100,
  "update-recommendations-for-order": 1,
  "segments-customers-changed": 1,
};

/**
 * Soft per-shop rate limit: a shop's first `burst` jobs of a queue in each `windowMs` keep their base
 * priority; each further `burst` adds 1, up to `maxPenalty`. An idle queue still runs them at once;
 * under load other shops' jobs are interleaved ahead of the flood.
 */
export const SHOP_FAIRNESS = { windowMs: 10_000, burst: 20, maxPenalty: 50 } as const;

/** Per-shop lock of the recompute queue's jobs: expires unless renewed, so a killed worker frees it. */
export const SHOP_LOCK = { ttlMs: 20_000, renewMs: 5_000, retryDelayMs: 2_000 } as const;

export { shopDomain };
