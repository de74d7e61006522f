import prisma, { isUniqueViolation } from "~/db.server";

export interface NewDelivery {
  shop: string;
  eventId: string;
  topic: string;
  webhookId: string | null;
  apiVersion: string | null;
  payload: string;
}

/** Stores a delivery once per (shop, event id); a redelivery returns the stored row with duplicate=true. */
export async function recordDelivery(input: NewDelivery) {
  try {
    const delivery = await prisma.webhookDelivery.create({ data: input });
    return { delivery, duplicate: false };
  } catch (error) {
    if (isUniqueViolation(error)) {
      const delivery = await prisma.webhookDelivery.findUniqueOrThrow({
        where: { shop_eventId: { shop: input.shop, eventId: input.eventId } },
      });
      return { delivery, duplicate: true };
    }
    throw error;
  }
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
