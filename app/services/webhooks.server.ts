import { isDatabaseUnavailable } from "~/lib/database-outage";
import { recordDeliveries, type NewDelivery } from "~/models/webhook-delivery.server";
import { enqueueDeliveries } from "~/jobs/queues.server";
import { logger, getErrorMessage } from "~/logger.server";
import { verifyWebhook, webhookPartsOf, type WebhookRequestParts } from "~/services/shopify-signatures.server";

/**
 * The one webhook entry point: verify the HMAC (a bad one throws 401 before anything is written; an
 * oversized body gets 413 first), persist the delivery deduplicated by event id, then enqueue its id,
 * and only then acknowledge. Persisting first means a Redis outage loses nothing: the sweeper
 * re-enqueues what was recorded but never processed. No session is loaded: nothing here calls the
 * Admin API (docs/decisions/095). The Remix routes pass a Request; `npm start` passes node's request
 * (app/hot-paths.server.ts).
 */
export async function receiveWebhook(request: Request | WebhookRequestParts): Promise<Response> {
  const { shop, topic, rawBody, webhookId, apiVersion, eventId } = await verifyWebhook(request instanceof Request ? webhookPartsOf(request) : request);
  // Stored as signed: verifyWebhook has checked it is JSON, and re-serialising costs CPU per delivery.
  await recordAndEnqueue({ shop, topic, eventId: eventId ?? webhookId, webhookId, apiVersion, payload: rawBody });
  return new Response(null, { status: 200 });
}

/* ---------- group commit ---------- */

// Every delivery that arrives while the previous INSERT runs is committed with the next one, and their
// jobs go to Redis in one round trip. A lone delivery is written at once, so a quiet shop waits for
// nothing; a burst costs one statement per batch instead of one per delivery, which is what lets a
// single web process acknowledge hundreds a second, and on SQLite takes the write lock once per batch.
const MAX_BATCH = 200;

type Waiting = { delivery: NewDelivery; done: (error?: unknown) => void };
let waiting: Waiting[] = [];
let writing = false;

function recordAndEnqueue(delivery: NewDelivery): Promise<void> {
  return new Promise((resolve, reject) => {
    waiting.push({ delivery, done: (error) => (error === undefined ? resolve() : reject(error)) });
    if (!writing) void writeWaiting();
  });
}

async function writeWaiting(): Promise<void> {
  writing = true;
  try {
    while (waiting.length > 0) {
      // Let node read every request that is ready first, so they join this batch: on SQLite the INSERT
      // runs synchronously and nothing arrives while it does.
      await new Promise((resolve) => setImmediate(resolve));
      const batch = waiting.slice(0, MAX_BATCH);
      waiting = waiting.slice(MAX_BATCH);
      // One batch at a time, queueing included: whatever arrives meanwhile makes the next batch larger,
      // and larger batches are what make a burst cheap.
      const recorded = await record(batch);
      if (recorded.length) await enqueueRecorded(recorded);
    }
  } finally {
    writing = false;
  }
}

type Recorded = { waiting: Waiting; id: string; status: string; duplicate: boolean };

/** Stores the batch; deliveries that could not be stored are answered with the error (503 on an outage) and left out. */
async function record(batch: Waiting[]): Promise<Recorded[]> {
  try {
    const rows = await recordDeliveries(batch.map((w) => w.delivery));
    return rows.map((row, i) => ({ waiting: batch[i], ...row }));
  } catch (error) {
    if (batch.length === 1 || isDatabaseUnavailable(error)) {
      for (const w of batch) w.done(error);
      return [];
    }
    // One delivery the database refuses must not fail the others that happened to share its batch.
    const recorded: Recorded[] = [];
    for (const w of batch) recorded.push(...(await record([w])));
    return recorded;
  }
}

async function enqueueRecorded(recorded: Recorded[]): Promise<void> {
  // A redelivery of a stored but unprocessed event is queued again (its job id makes that a no-op while queued).
  const due = recorded.filter((r) => !r.duplicate || r.status === "received");
  try {
    await enqueueDeliveries(due.map((r) => ({ shop: r.waiting.delivery.shop, deliveryId: r.id })));
  } catch (error) {
    const shops = [...new Set(due.map((r) => r.waiting.delivery.shop))];
    logger.warn({ shops, deliveries: due.length, err: getErrorMessage(error) }, "enqueue failed; sweeper will retry");
  }
  for (const r of recorded) r.waiting.done();
}
