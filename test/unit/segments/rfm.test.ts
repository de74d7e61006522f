import { describe, expect, it } from "vitest";
import { RFM_GROUPS } from "~/lib/segments/attributes";
import { quintileScores, rfmGroupFor, scoreRfm } from "~/lib/segments/rfm";

describe("quintileScores", () => {
  it("splits distinct values into fifths", () => {
    expect(quintileScores([50, 10, 30, 20, 40])).toEqual([5, 1, 3, 2, 4]);
    expect(quintileScores([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
  });

  it("gives tied values the same score, from the share strictly below them", () => {
    expect(quintileScores([1, 1, 1, 2, 5])).toEqual([1, 1, 1, 4, 5]);
    expect(quintileScores([3, 3, 3])).toEqual([1, 1, 1]);
    expect(quintileScores([7])).toEqual([1]);
    expect(quintileScores([])).toEqual([]);
  });
});

describe("rfmGroupFor", () => {
  it("maps recency and (F + M) / 2 onto Shopify's groups", () => {
    expect(rfmGroupFor(5, 5, 5)).toBe("CHAMPIONS");
    expect(rfmGroupFor(5, 4, 4)).toBe("CHAMPIONS");
    expect(rfmGroupFor(5, 1, 1)).toBe("NEW");
    expect(rfmGroupFor(5, 2, 3)).toBe("PROMISING");
    expect(rfmGroupFor(4, 3, 4)).toBe("ACTIVE");
    expect(rfmGroupFor(4, 4, 4)).toBe("LOYAL");
    expect(rfmGroupFor(3, 3, 2)).toBe("NEEDS_ATTENTION");
    expect(rfmGroupFor(3, 1, 1)).toBe("ALMOST_LOST");
    expect(rfmGroupFor(2, 4, 3)).toBe("AT_RISK");
    expect(rfmGroupFor(1, 5, 4)).toBe("PREVIOUSLY_LOYAL");
    expect(rfmGroupFor(1, 1, 2)).toBe("DORMANT");
  });

  it("covers all 125 score combinations and reaches every group but PROSPECTS", () => {
    const seen = new Set<string>();
    for (let r = 1; r <= 5; r++) for (let f = 1; f <= 5; f++) for (let m = 1; m <= 5; m++) seen.add(rfmGroupFor(r, f, m));
    expect([...seen].sort()).toEqual(RFM_GROUPS.filter((g) => g !== "PROSPECTS").sort());
  });
});

describe("scoreRfm", () => {
  it("scores a tiny shop by hand", () => {
    const now = new Date("2024-06-15T00:00:00Z");
    const daysAgo = (d: number) => new Date(now.getTime() - d * 86_400_000);
    const results = scoreRfm(
      [
        { id: "c1", numberOfOrders: 5, amountSpentCents: 50000, lastOrderAt: daysAgo(1) },
        { id: "c2", numberOfOrders: 1, amountSpentCents: 1000, lastOrderAt: daysAgo(10) },
        { id: "c3", numberOfOrders: 4, amountSpentCents: 40000, lastOrderAt: daysAgo(100) },
        { id: "c4", numberOfOrders: 3, amountSpentCents: 30000, lastOrderAt: daysAgo(300) },
        { id: "c5", numberOfOrders: 2, amountSpentCents: 2000, lastOrderAt: daysAgo(30) },
        { id: "p", numberOfOrders: 0, amountSpentCents: 0, lastOrderAt: null },
      ],
      now,
    );
    expect(results).toEqual([
      { id: "c1", recency: 5, frequency: 5, monetary: 5, group: "CHAMPIONS" },
      { id: "c2", recency: 4, frequency: 1, monetary: 1, group: "PROMISING" },
      { id: "c3", recency: 2, frequency: 4, monetary: 4, group: "PREVIOUSLY_LOYAL" },
      { id: "c4", recency: 1, frequency: 3, monetary: 3, group: "AT_RISK" },
      { id: "c5", recency: 3, frequency: 2, monetary: 2, group: "NEEDS_ATTENTION" },
      { id: "p", recency: null, frequency: null, monetary: null, group: "PROSPECTS" },
    ]);
  });

  it("ties orders placed on the same day on recency", () => {
    const now = new Date("2024-06-15T23:00:00Z");
    const results = scoreRfm(
      [
        { id: "morning", numberOfOrders: 1, amountSpentCents: 100, lastOrderAt: new Date("2024-06-10T01:00:00Z") },
        { id: "evening", numberOfOrders: 1, amountSpentCents: 100, lastOrderAt: new Date("2024-06-10T22:00:00Z") },
      ],
      now,
    );
    expect(results.map((r) => r.recency)).toEqual([1, 1]);
  });
});
