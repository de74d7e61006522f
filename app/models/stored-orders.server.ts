import prisma from "~/db.server";
import type { OrderWithLines } from "~/models/orders.server";

const CHUNK = 400;

const ms = (at: Date | null) => (at === null ? null : at.getTime());

// The fields a file import can set; refunds ledgers and sync times are the store's own bookkeeping.
interface Comparable {
  order: Omit<OrderWithLines["order"], "shop" | "noteAttributes" | "source"> & { source: string; noteAttributes: unknown };
  lines: { id: string; productId: string | null; variantId: string | null; title: string; quantity: number; priceCents: number }[];
}

function fingerprint(item: Comparable) {
  const { order } = item;
  return JSON.stringify([
    order.name,
    order.customerId,
    ms(order.createdAt),
    ms(order.updatedAt),
    ms(order.processedAt),
    order.currency,
    order.subtotalCents,
    order.totalCents,
    order.totalRefundedCents,
    ms(order.cancelledAt),
    order.financialStatus,
    order.sourceName,
    order.source,
    order.noteAttributes ?? null,
    [...item.lines]
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .map((l) => [l.id, l.productId, l.variantId, l.title, l.quantity, l.priceCents]),
  ]);
}

/**
 * Ids of the imported orders worth writing: those not stored yet or stored differently. An order
 * Shopify itself delivered (webhook, bulk) at the same time or later is left alone, since the file
 * carries less detail. Lets a re-import of the same file report every order as unchanged.
 */
export async function listOrdersToApply({ shop, items }: { shop: string; items: OrderWithLines[] }) {
  const keep = new Set<string>();
  for (let i = 0; i < items.length; i += CHUNK) {
    const chunk = items.slice(i, i + CHUNK);
    const stored = await prisma.order.findMany({
      where: { shop, id: { in: chunk.map((c) => c.order.id) } },
      include: { lines: { select: { id: true, productId: true, variantId: true, title: true, quantity: true, priceCents: true } } },
    });
    const byId = new Map(stored.map((s) => [s.id, s]));
    for (const item of chunk) {
      const current = byId.get(item.order.id);
      if (!current) {
        keep.add(item.order.id);
        continue;
      }
      if (current.source !== item.order.source && current.updatedAt.getTime() >= item.order.updatedAt.getTime()) continue;
      if (fingerprint({ order: current, lines: current.lines }) !== fingerprint(item)) keep.add(item.order.id);
    }
  }
  return keep;
}
