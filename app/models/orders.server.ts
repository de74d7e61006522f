import type { Prisma } from "@prisma/client";
import prisma from "~/db.server";
import type { OrderLineRow, OrderRow } from "~/lib/sync/rows";
import { isNewer } from "~/lib/sync/values";
import { insertRowsQuery, ORDER_COLUMNS, ORDER_LINE_COLUMNS } from "~/models/bulk-insert.server";
import { mergeRefunds, parseRefundLedger, refundTotals, type RefundEntry } from "~/lib/sync/refund-ledger";

export interface OrderWithLines {
  order: OrderRow;
  lines: OrderLineRow[];
  /** Refunds named by the source (webhook payloads); bulk and CSV sources give totals only. */
  refunds?: RefundEntry[];
}

/** Folds the stored and incoming refund ledgers into the rows, so refunded figures are absolute. */
function withLedger(item: OrderWithLines, stored: RefundEntry[]) {
  const ledger = mergeRefunds(stored, item.refunds ?? []);
  if (ledger.length === 0) return { ...item, ledger };
  const { refundedByLine, totalRefundedCents } = refundTotals(ledger, item.lines);
  return {
    order: { ...item.order, totalRefundedCents },
    lines: item.lines.map((line) => ({ ...line, refundedQuantity: refundedByLine.get(line.id) ?? 0 })),
    ledger,
  };
}

const CHUNK = 500;

function toJson(value: unknown): Prisma.InputJsonValue | undefined {
  return value === null || value === undefined ? undefined : (value as Prisma.InputJsonValue);
}

/**
 * Writes orders with their lines. A stored order is replaced only by a copy that is not older, so
 * duplicated and out-of-order deliveries converge on the newest state. Returns the applied order ids
 * and every customer id whose aggregates may have changed (including a customer an order moved away from).
 */
export async function saveOrders({ shop, items }: { shop: string; items: OrderWithLines[] }) {
  const appliedIds: string[] = [];
  const touchedCustomers = new Set<string>();
  for (let i = 0; i < items.length; i += CHUNK) {
    const chunk = items.slice(i, i + CHUNK).filter((item) => item.order.shop === shop);
    const stored = await prisma.order.findMany({
      where: { shop, id: { in: chunk.map((c) => c.order.id) } },
      select: { id: true, updatedAt: true, customerId: true, refunds: true },
    });
    const byId = new Map(stored.map((s) => [s.id, s]));
    const fresh = chunk
      .filter((c) => isNewer(c.order.updatedAt, byId.get(c.order.id)?.updatedAt))
      .map((c) => withLedger(c, parseRefundLedger(byId.get(c.order.id)?.refunds)));
    if (fresh.length === 0) continue;
    const now = new Date();
    await prisma.$transaction([
      prisma.order.deleteMany({ where: { shop, id: { in: fresh.map((c) => c.order.id) } } }),
      insertRowsQuery(
        "Order",
        ORDER_COLUMNS,
        fresh.map(({ order, ledger }) => ({ ...order, refunds: ledger.length ? ledger : null, syncedAt: now })),
      ),
      // The shop argument, not the row's own field, decides whose line it is.
      insertRowsQuery("OrderLine", ORDER_LINE_COLUMNS, fresh.flatMap((c) => c.lines.map((line) => ({ ...line, shop })))),
    ]);
    for (const { order } of fresh) {
      appliedIds.push(order.id);
      if (order.customerId) touchedCustomers.add(order.customerId);
      const previous = byId.get(order.id)?.customerId;
      if (previous) touchedCustomers.add(previous);
    }
  }
  return { appliedIds, customerIds: [...touchedCustomers] };
}

export async function getOrderWithLines({ shop, id }: { shop: string; id: string }) {
  return prisma.order.findFirst({ where: { shop, id }, include: { lines: true } });
}

/**
 * Adds one refund to an order's ledger and re-derives its refunded figures. The ledger is keyed by
 * refund id, so applying the same refund again changes nothing. Returns null when the order is not stored yet.
 */
export async function recordRefund({ shop, orderId, entry }: { shop: string; orderId: string; entry: RefundEntry }) {
  const stored = await prisma.order.findFirst({
    where: { shop, id: orderId },
    select: { customerId: true, refunds: true, lines: { select: { id: true, quantity: true } } },
  });
  if (!stored) return null;
  const ledger = mergeRefunds(parseRefundLedger(stored.refunds), [entry]);
  const { refundedByLine, totalRefundedCents } = refundTotals(ledger, stored.lines);
  await prisma.$transaction([
    ...[...refundedByLine].map(([id, refundedQuantity]) =>
      prisma.orderLine.updateMany({ where: { shop, orderId, id }, data: { refundedQuantity } }),
    ),
    prisma.order.updateMany({ where: { shop, id: orderId }, data: { totalRefundedCents, refunds: toJson(ledger) } }),
  ]);
  return { customerId: stored.customerId };
}
