import { describe, expect, it } from "vitest";
import { assessCustomers, orderProbabilityWithin, typicalOrderGapDays, type PurchaseSummary } from "~/lib/segments/lifecycle";

const DAY = 86_400_000;
const start = Date.parse("2024-01-01T00:00:00Z");
const day = (n: number) => new Date(start + n * DAY);
const now = day(160);

const shop: PurchaseSummary[] = [
  { id: "A", numberOfOrders: 3, amountSpentCents: 9000, firstOrderAt: day(0), lastOrderAt: day(60) },
  { id: "B", numberOfOrders: 2, amountSpentCents: 4000, firstOrderAt: day(0), lastOrderAt: day(10) },
  { id: "C", numberOfOrders: 4, amountSpentCents: 20000, firstOrderAt: day(0), lastOrderAt: day(150) },
  { id: "D", numberOfOrders: 1, amountSpentCents: 2500, firstOrderAt: day(100), lastOrderAt: day(100) },
  { id: "E", numberOfOrders: 0, amountSpentCents: 0, firstOrderAt: null, lastOrderAt: null },
  { id: "F", numberOfOrders: 1, amountSpentCents: 1000, firstOrderAt: day(150), lastOrderAt: day(150) },
];

describe("typicalOrderGapDays", () => {
  it("is the median of repeat customers' average gaps", () => {
    // Average gaps: A 60/2 = 30, B 10/1 = 10, C 150/3 = 50.
    expect(typicalOrderGapDays(shop)).toBe(30);
    expect(typicalOrderGapDays(shop.slice(0, 2))).toBe(20);
    expect(typicalOrderGapDays([shop[3]])).toBeNull();
  });
});

describe("assessCustomers", () => {
  const byId = new Map(assessCustomers(shop, { now }).map((o) => [o.id, o]));

  it("stages customers by days since their last order against their expected gap", () => {
    expect([...byId.values()].map((o) => [o.id, o.lifecycleStage])).toEqual([
      ["A", "at_risk"], // 100 days since, gap 30: past 2 gaps, within 4
      ["B", "lapsed"], // 150 days since, gap (2·30 + 10) / 3 = 23.3: past 4 gaps
      ["C", "active"], // 10 days since, gap (2·30 + 3·50) / 5 = 42
      ["D", "active"], // one order 60 days ago: past one gap, so no longer new
      ["E", null],
      ["F", "new"], // one order 10 days ago
    ]);
  });

  it("gives churn risk, 12-month value and a plain reason", () => {
    // Repeat rate r = 3/5 buyers. A: prior 1 − 0.4/3 = 13/15, waited 30/(30+100) = 3/13,
    // alive = 0.2 / (0.2 + 2/15) = 0.6; value = 0.6 · 365/30 · 3000 = 21900.
    expect(byId.get("A")).toMatchObject({
      churnRisk: 0.4,
      expectedValue12mCents: 21900,
      expectedGapDays: 30,
      churnReason: "last order 100 days ago; usually orders every 30 days",
    });
    expect(byId.get("B")).toMatchObject({ churnRisk: 0.65, expectedValue12mCents: 10950, churnReason: "last order 150 days ago; usually orders every 23 days" });
    expect(byId.get("C")).toMatchObject({ churnRisk: 0.121, expectedValue12mCents: 38198 });
    // D: prior 0.6, waited 30/90 = 1/3; alive = 0.2 / (0.2 + 0.4) = 1/3.
    expect(byId.get("D")).toMatchObject({
      churnRisk: 0.667,
      expectedValue12mCents: 10139,
      churnReason: "one order, 60 days ago; customers here typically reorder every 30 days",
    });
    expect(byId.get("E")).toEqual({
      id: "E",
      lifecycleStage: null,
      churnRisk: null,
      churnReason: "no orders yet",
      expectedValue12mCents: null,
      expectedGapDays: null,
    });
  });

  it("gives the chance of an order within a window", () => {
    // A: alive 0.6 × (1 − 30/(30+90)) = 0.45.
    expect(orderProbabilityWithin(byId.get("A")!, 90)).toBeCloseTo(0.45, 10);
    expect(orderProbabilityWithin(byId.get("E")!, 90)).toBeNull();
  });

  it("falls back to a stated gap when nobody has ordered twice", () => {
    const [only] = assessCustomers([shop[3]], { now, fallbackGapDays: 45 });
    expect(only).toMatchObject({ lifecycleStage: "active", churnReason: "one order, 60 days ago; no repeat customers yet, so assuming 45 days" });
  });
});
