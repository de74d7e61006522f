import { UnrecoverableError } from "bullmq";
import type { Job } from "bullmq";
import { jobPayloads } from "~/jobs/definitions";
import {
  getDeliveryForProcessing,
  markDeliveryAttempt,
  markDeliveryFailed,
  markDeliveryProcessed,
} from "~/models/webhook-delivery.server";
import { handlerFor } from "~/services/webhook-handlers.server";
import { addLogContext, getErrorMessage, logger } from "~/logger.server";

/** Applies one recorded webhook delivery. Safe to run twice: handlers upsert and compare updated_at. */
export async function processWebhook(job: Job) {
  const { deliveryId } = jobPayloads["process-webhook"].parse(job.data);
  const delivery = await getDeliveryForProcessing({ id: deliveryId });
  if (!delivery) throw new UnrecoverableError(`webhook delivery ${deliveryId} not found`);
  if (delivery.status === "processed") return { skipped: "already processed" };
  const { shop, id, topic } = delivery;
  addLogContext({ shop });
  await markDeliveryAttempt({ shop, id });
  const handler = handlerFor(topic);
  try {
    if (!handler) throw new UnrecoverableError(`no handler for topic ${topic}`);
    let payload: unknown;
    try {
      payload = JSON.parse(delivery.payload);
    } catch {
      throw new UnrecoverableError("payload is not valid JSON");
    }
    await handler({ shop, topic, payload, deliveryId: id, receivedAt: delivery.receivedAt });
    await markDeliveryProcessed({ shop, id });
    return { topic };
  } catch (error) {
    const final = error instanceof UnrecoverableError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    await markDeliveryFailed({ shop, id, error: getErrorMessage(error), final });
    logger.error({ shop, topic, deliveryId: id, jobId: job.id, err: getErrorMessage(error) }, "webhook processing failed");
    throw error;
  }
}
