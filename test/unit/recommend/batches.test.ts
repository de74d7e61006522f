import { describe, expect, it } from "vitest";
import { idBatches, MAX_IDS_PER_QUERY } from "~/lib/recommend/batches";
import { recentDistinctProducts } from "~/lib/recommend/personal";

describe("idBatches (lookup planning)", () => {
  it("splits 1,201 distinct ids into 500 + 500 + 201, keeping first-seen order and dropping repeats", () => {
    const ids = Array.from({ length: 1_201 }, (_, i) => `p${i}`);
    const batches = idBatches([...ids, "p0", "p700"]);
    expect(MAX_IDS_PER_QUERY).toBe(500);
    expect(batches.map((b) => b.length)).toEqual([500, 500, 201]);
    expect(batches.flat()).toEqual(ids);
    expect(idBatches([])).toEqual([]);
    expect(idBatches(["a", "b", "c"], 2)).toEqual([["a", "b"], ["c"]]);
    expect(() => idBatches(["a"], 0)).toThrow(/at least 1/);
  });
});

describe("recentDistinctProducts", () => {
  it("keeps the newest distinct products by last purchase, ties by id, skipping excluded ones", () => {
    const history = [
      { productId: "b", createdAt: 10 },
      { productId: "a", createdAt: 30 },
      { productId: "c", createdAt: 30 },
      { productId: "b", createdAt: 40 },
      { productId: "x", createdAt: 50 },
      { productId: "d", createdAt: 5 },
    ];
    // last: b 40, a 30, c 30 (a before c by id), d 5; x excluded.
    expect(recentDistinctProducts(history, 3, new Set(["x"]))).toEqual(["b", "a", "c"]);
    expect(recentDistinctProducts(history, 10)).toEqual(["x", "b", "a", "c", "d"]);
  });
});
