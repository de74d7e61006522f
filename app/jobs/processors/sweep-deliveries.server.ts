import type { Job } from "bullmq";
import { jobPayloads } from "~/jobs/definitions";
import { listStaleDeliveries } from "~/models/webhook-delivery.server";
import { enqueueDelivery } from "~/jobs/queues.server";

/** Re-enqueues deliveries that were recorded but never processed (e.g. Redis was down when they arrived). */
export async function sweepDeliveries(job: Job) {
  const { olderThanMs } = jobPayloads["sweep-deliveries"].parse(job.data);
  const stale = await listStaleDeliveries({ olderThan: new Date(Date.now() - olderThanMs), limit: 5_000 });
  for (const { id, shop } of stale) await enqueueDelivery({ shop, deliveryId: id });
  return { requeued: stale.length };
}
