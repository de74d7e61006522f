import prisma from "~/db.server";
import { isWithinAttributionWindow, netLineCents, type Touch } from "~/lib/storefront/attribution";
import { readShopSettings } from "~/lib/settings/shop-settings";

export type EventRow = {
  type: string;
  visitorId: string | null;
  customerId: string | null;
  surface: string;
  strategy: string | null;
  arm: string | null;
  productId: string | null;
  occurredAt: Date;
};

/** Stores identified storefront events (only ever called for shoppers who consented). */
export async function recordEvents({ shop, rows }: { shop: string; rows: EventRow[] }) {
  if (rows.length === 0) return 0;
  const result = await prisma.event.createMany({ data: rows.map((row) => ({ ...row, shop })) });
  return result.count;
}

/** Adds to the per-day anonymous counters; an atomic upsert so concurrent beacons never lose a count. */
export async function incrementAnonymousCounts({ shop, counts }: { shop: string; counts: { day: string; surface: string; type: string; n: number }[] }) {
  for (const { day, surface, type, n } of counts) {
    await prisma.$executeRaw`INSERT INTO "AnonymousCount" ("shop", "day", "surface", "type", "count") VALUES (${shop}, ${day}, ${surface}, ${type}, ${n})
      ON CONFLICT ("shop", "day", "surface", "type") DO UPDATE SET "count" = "AnonymousCount"."count" + excluded."count"`;
  }
}

/** Anonymous counters of a shop, for reports and tests. */
export async function listAnonymousCounts({ shop }: { shop: string }) {
  return prisma.anonymousCount.findMany({ where: { shop }, orderBy: [{ day: "asc" }, { surface: "asc" }, { type: "asc" }] });
}

/** Identified events of a shop, newest first. */
export async function listEvents({ shop, take = 500 }: { shop: string; take?: number }) {
  return prisma.event.findMany({ where: { shop }, orderBy: { occurredAt: "desc" }, take });
}

export type AttributedRevenue = {
  /** Net cents of lines carrying the recommendation property whose click/add-to-cart falls in the window. */
  attributedCents: number;
  /** Lines with the property that passed the window rule. */
  creditedLines: number;
  /** Lines with the property but no matching touch in the window (not counted). */
  uncreditedLines: number;
  windowDays: number;
  bySurface: Record<string, { cents: number; lines: number }>;
  byArm: Record<string, { cents: number; lines: number }>;
};

/**
 * Revenue attributed to recommendations for orders created in [from, to), by the rule in
 * docs/decisions/060-attribution.md: a line counts only if it carries the `_shopkeeper` property and
 * the same customer (or a visitor id they used while logged in) clicked or added that product
 * within the shop's attribution window before the order.
 */
export async function attributedRevenue({ shop, from, to }: { shop: string; from: Date; to: Date }): Promise<AttributedRevenue> {
  const shopRow = await prisma.shop.findUnique({ where: { domain: shop }, select: { settings: true } });
  const windowDays = readShopSettings(shopRow?.settings).ethics.attributionWindowDays;
  const lines = await prisma.orderLine.findMany({
    where: { shop, recSurface: { not: null }, productId: { not: null }, order: { shop, createdAt: { gte: from, lt: to }, cancelledAt: null } },
    select: { productId: true, quantity: true, refundedQuantity: true, priceCents: true, recSurface: true, recArm: true, order: { select: { customerId: true, createdAt: true } } },
  });
  const result: AttributedRevenue = { attributedCents: 0, creditedLines: 0, uncreditedLines: 0, windowDays, bySurface: {}, byArm: {} };
  if (lines.length === 0) return result;

  const customerIds = [...new Set(lines.map((l) => l.order.customerId).filter((id): id is string => id !== null))];
  const productIds = [...new Set(lines.map((l) => l.productId!))];
  const since = new Date(from.getTime() - windowDays * 86_400_000);
  // Visitor ids seen together with a customer id belong to that customer (they were logged in and consenting).
  const linked = customerIds.length
    ? await prisma.event.findMany({ where: { shop, customerId: { in: customerIds }, visitorId: { not: null } }, select: { customerId: true, visitorId: true }, distinct: ["customerId", "visitorId"] })
    : [];
  const visitorOwner = new Map(linked.map((row) => [row.visitorId!, row.customerId!]));
  const touches = customerIds.length
    ? await prisma.event.findMany({
        where: {
          shop,
          type: { in: ["click", "add_to_cart"] },
          productId: { in: productIds },
          occurredAt: { gte: since, lt: to },
          OR: [{ customerId: { in: customerIds } }, ...(visitorOwner.size ? [{ visitorId: { in: [...visitorOwner.keys()] } }] : [])],
        },
        select: { customerId: true, visitorId: true, productId: true, occurredAt: true },
      })
    : [];
  const byCustomer = new Map<string, Touch[]>();
  for (const t of touches) {
    const owner = t.customerId ?? (t.visitorId ? visitorOwner.get(t.visitorId) : undefined);
    if (!owner || !t.productId) continue;
    const list = byCustomer.get(owner) ?? [];
    list.push({ productId: t.productId, at: t.occurredAt });
    byCustomer.set(owner, list);
  }
  for (const line of lines) {
    const customerTouches = line.order.customerId ? byCustomer.get(line.order.customerId) ?? [] : [];
    const credited = isWithinAttributionWindow({ productId: line.productId!, orderAt: line.order.createdAt, windowDays, touches: customerTouches });
    if (!credited) {
      result.uncreditedLines += 1;
      continue;
    }
    const cents = netLineCents(line);
    result.attributedCents += cents;
    result.creditedLines += 1;
    for (const [bucket, key] of [[result.bySurface, line.recSurface!], [result.byArm, line.recArm ?? ""]] as const) {
      const entry = (bucket[key] ??= { cents: 0, lines: 0 });
      entry.cents += cents;
      entry.lines += 1;
    }
  }
  return result;
}
