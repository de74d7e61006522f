import { recordDelivery } from "~/models/webhook-delivery.server";
import { enqueueDelivery } from "~/jobs/queues.server";
import { logger, getErrorMessage } from "~/logger.server";
import { verifyWebhook } from "~/services/shopify-signatures.server";

/**
 * The one webhook entry point: verify the HMAC (a bad one throws 401 before anything is written; an
 * oversized body gets 413 first), persist the delivery deduplicated by event id, then enqueue its id.
 * Persisting first means a Redis outage loses nothing: the sweeper re-enqueues what was recorded but
 * never processed. No session is loaded: nothing here calls the Admin API (docs/decisions/095).
 */
export async function receiveWebhook(request: Request): Promise<Response> {
  const { shop, topic, rawBody, webhookId, apiVersion, eventId } = await verifyWebhook(request);
  const { delivery, duplicate } = await recordDelivery({
    shop,
    topic,
    eventId: eventId ?? webhookId,
    webhookId,
    apiVersion,
    // Stored as signed: verifyWebhook has checked it is JSON, and re-serialising costs CPU per delivery.
    payload: rawBody,
  });
  if (!duplicate || delivery.status === "received") {
    try {
      await enqueueDelivery({ shop, deliveryId: delivery.id });
    } catch (error) {
      logger.warn({ shop, topic, deliveryId: delivery.id, err: getErrorMessage(error) }, "enqueue failed; sweeper will retry");
    }
  }
  return new Response(null, { status: 200 });
}
