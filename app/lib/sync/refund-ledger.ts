import { refundAmountCents } from "~/lib/sync/webhook-mappers";
import type { RefundPayload } from "~/lib/sync/webhook-schemas";

/** One refund as stored on the order: enough to re-derive refunded quantities and money. */
export interface RefundEntry {
  id: string;
  amountCents: number;
  lines: { lineItemId: string; quantity: number }[];
}

type RefundLike = Pick<RefundPayload, "id" | "refund_line_items" | "transactions">;

/** Converts a refund from a webhook (refunds/create or an order's `refunds`) to a ledger entry. */
export function refundEntryFrom(refund: RefundLike): RefundEntry {
  return {
    id: refund.id,
    amountCents: refundAmountCents(refund),
    lines: refund.refund_line_items.map((item) => ({ lineItemId: item.line_item_id, quantity: item.quantity })),
  };
}

/** Union by refund id (a later copy of the same refund replaces the earlier); order-independent. */
export function mergeRefunds(stored: readonly RefundEntry[], incoming: readonly RefundEntry[]): RefundEntry[] {
  const byId = new Map(stored.map((entry) => [entry.id, entry]));
  for (const entry of incoming) byId.set(entry.id, entry);
  return [...byId.values()].sort((a, b) => a.id.localeCompare(b.id));
}

/** Absolute refunded quantity per line (capped at the line's quantity) and the refunded total. */
export function refundTotals(
  entries: readonly RefundEntry[],
  lines: readonly { id: string; quantity: number }[],
): { refundedByLine: Map<string, number>; totalRefundedCents: number } {
  const raw = new Map<string, number>();
  let totalRefundedCents = 0;
  for (const entry of entries) {
    totalRefundedCents += entry.amountCents;
    for (const line of entry.lines) raw.set(line.lineItemId, (raw.get(line.lineItemId) ?? 0) + line.quantity);
  }
  const refundedByLine = new Map(lines.map((line) => [line.id, Math.min(line.quantity, raw.get(line.id) ?? 0)]));
  return { refundedByLine, totalRefundedCents };
}

/** Reads a stored ledger defensively: anything malformed is dropped rather than trusted. */
export function parseRefundLedger(value: unknown): RefundEntry[] {
  if (!Array.isArray(value)) return [];
  return value.filter(
    (e): e is RefundEntry =>
      typeof e === "object" && e !== null && typeof e.id === "string" && typeof e.amountCents === "number" && Array.isArray(e.lines),
  );
}
