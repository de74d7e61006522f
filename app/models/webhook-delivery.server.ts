import { randomUUID } from "node:crypto";
import prisma from "~/db.server";
import { insertRowsQuery, type ColumnSpec } from "~/models/bulk-insert.server";

export interface NewDelivery {
  shop: string;
  eventId: string;
  topic: string;
  webhookId: string | null;
  apiVersion: string | null;
  payload: string;
}

export interface RecordedDelivery {
  id: string;
  status: string;
  /** True when an earlier delivery of the same event is already stored (this one was not). */
  duplicate: boolean;
}

const DELIVERY_COLUMNS: ColumnSpec = {
  id: "text",
  shop: "text",
  eventId: "text",
  topic: "text",
  webhookId: "text",
  apiVersion: "text",
  payload: "text",
  receivedAt: "datetime",
  attempts: "int",
  status: "text",
};

/**
 * Stores deliveries once per (shop, event id), many in one statement: webhook intake commits every
 * delivery that arrived while the previous statement ran together (app/services/webhooks.server.ts).
 * Returns, in input order, each delivery's stored row; a redelivery (also one repeated within the
 * batch) gets the stored row's id and status with duplicate=true.
 */
export async function recordDeliveries(inputs: readonly NewDelivery[], now = new Date()): Promise<RecordedDelivery[]> {
  if (inputs.length === 0) return [];
  const rows = inputs.map((input) => ({ ...input, id: randomUUID(), receivedAt: now, attempts: 0, status: "received" }));
  const inserted = await insertRowsQuery("WebhookDelivery", DELIVERY_COLUMNS, rows, { skipConflicts: true });
  if (inserted === rows.length) return rows.map((row) => ({ id: row.id, status: row.status, duplicate: false }));
  const shops = [...new Set(rows.map((row) => row.shop))];
  const stored = await prisma.webhookDelivery.findMany({
    where: { OR: shops.map((shop) => ({ shop, eventId: { in: rows.filter((row) => row.shop === shop).map((row) => row.eventId) } })) },
    select: { id: true, shop: true, eventId: true, status: true },
  });
  const byEvent = new Map(stored.map((row) => [`${row.shop}\u0000${row.eventId}`, row]));
  return rows.map((row) => {
    const found = byEvent.get(`${row.shop}\u0000${row.eventId}`);
    if (!found) throw new Error(`delivery ${row.eventId} of ${row.shop} was neither inserted nor found`);
    return { id: found.id, status: found.status, duplicate: found.id !== row.id };
  });
}

export async function getDelivery({ shop, id }: { shop: string; id: string }) {
  return prisma.webhookDelivery.findFirst({ where: { shop, id } });
}

/** Worker-side lookup: a job carries only the delivery id, and the row names its shop. */
export async function getDeliveryForProcessing({ id }: { id: string }) {
  return prisma.webhookDelivery.findUnique({ where: { id } });
}

export async function markDeliveryAttempt({ shop, id }: { shop: string; id: string }) {
  await prisma.webhookDelivery.updateMany({ where: { shop, id }, data: { attempts: { increment: 1 } } });
}

/** Marks a delivery applied and drops its raw body: once applied, the personal data in it has no further use. */
export async function markDeliveryProcessed({ shop, id }: { shop: string; id: string }) {
  await prisma.webhookDelivery.updateMany({
    where: { shop, id },
    data: { status: "processed", processedAt: new Date(), lastError: null, payload: "" },
  });
}

export async function markDeliveryFailed({ shop, id, error, final }: { shop: string; id: string; error: string; final: boolean }) {
  await prisma.webhookDelivery.updateMany({
    where: { shop, id },
    data: { lastError: error.slice(0, 2_000), ...(final ? { status: "failed" } : {}) },
  });
}

/** Deliveries recorded but still unprocessed after a grace period: the sweeper re-enqueues these. */
export async function listStaleDeliveries({ olderThan, limit }: { olderThan: Date; limit: number }) {
  return prisma.webhookDelivery.findMany({
    where: { status: "received", receivedAt: { lt: olderThan } },
    select: { id: true, shop: true },
    orderBy: { receivedAt: "asc" },
    take: limit,
  });
}

export async function listDeliveries({ shop, take = 50 }: { shop: string; take?: number }) {
  return prisma.webhookDelivery.findMany({
    where: { shop },
    orderBy: { receivedAt: "desc" },
    take,
    select: { id: true, topic: true, status: true, receivedAt: true, processedAt: true, attempts: true, lastError: true },
  });
}
