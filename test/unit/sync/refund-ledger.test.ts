import { describe, expect, it } from "vitest";
import { mergeRefunds, parseRefundLedger, refundEntryFrom, refundTotals } from "~/lib/sync/refund-ledger";

const r1 = { id: "1", amountCents: 500, lines: [{ lineItemId: "a", quantity: 1 }] };
const r2 = { id: "2", amountCents: 300, lines: [{ lineItemId: "a", quantity: 2 }, { lineItemId: "b", quantity: 1 }] };
const lines = [
  { id: "a", quantity: 2 },
  { id: "b", quantity: 4 },
];

describe("refund ledger", () => {
  it("merges by refund id so a refund seen twice counts once, in any order", () => {
    const forward = mergeRefunds(mergeRefunds([], [r1]), [r2, r1]);
    const backward = mergeRefunds(mergeRefunds([], [r2]), [r1]);
    expect(forward).toEqual([r1, r2]);
    expect(backward).toEqual(forward);
  });

  it("derives absolute refunded quantities, capped at the line quantity", () => {
    const { refundedByLine, totalRefundedCents } = refundTotals([r1, r2], lines);
    expect(totalRefundedCents).toBe(800);
    expect(Object.fromEntries(refundedByLine)).toEqual({ a: 2, b: 1 });
  });

  it("builds an entry from a refund payload, ignoring failed transactions", () => {
    const entry = refundEntryFrom({
      id: "9",
      refund_line_items: [{ line_item_id: "a", quantity: 1, subtotal: 250 }],
      transactions: [
        { kind: "refund", status: "success", amount: 250 },
        { kind: "refund", status: "failure", amount: 999 },
      ],
    });
    expect(entry).toEqual({ id: "9", amountCents: 250, lines: [{ lineItemId: "a", quantity: 1 }] });
  });

  it("drops malformed stored entries", () => {
    expect(parseRefundLedger([r1, { id: 3 }, null, "x"])).toEqual([r1]);
    expect(parseRefundLedger({})).toEqual([]);
  });
});
