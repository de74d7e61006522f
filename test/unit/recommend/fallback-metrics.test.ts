import { describe, expect, it } from "vitest";
import { computeRecommendations } from "~/lib/recommend/compute";
import { customerRecommendations, mergeLayers, productRecommendations } from "~/lib/recommend/fallback";
import { coverage, hitRate, ndcg } from "~/lib/recommend/metrics";
import type { RecItem } from "~/lib/recommend/types";
import { BASKETS, NOW, product } from "./fixtures";

const rec = (productId: string, score: number, source: RecItem["source"] = "co_purchase"): RecItem => ({ productId, score, reason: source, source });

describe("fallback chain", () => {
  it("merges layers in order, without duplicates, keeping order under a score sort", () => {
    const out = mergeLayers([[rec("a", 0.2), rec("b", 0.1)], [rec("b", 9, "content"), rec("c", 5, "content")], [rec("d", 100, "bestseller")]], 3);
    expect(out.map((r) => [r.productId, r.source])).toEqual([["a", "co_purchase"], ["b", "co_purchase"], ["c", "content"]]);
    // 3 layers: first layer band (2 + 0.5 + 0.5·share)/3
    expect(out[0].score).toBeCloseTo(1, 10);
    expect(out[1].score).toBeCloseTo((2.5 + 0.25) / 3, 10);
    expect(out[2].score).toBeCloseTo((1.5 + (0.5 * 5) / 9) / 3, 10);
  });

  it("product lists fall back from co-purchase to content, trending and bestsellers", () => {
    const names: Record<string, string> = { A: "Alpha", B: "Bravo", C: "Charlie", D: "Delta", E: "Echo" };
    const products = ["A", "B", "C", "D", "E"].map((id) => product(id, { title: names[id], productType: id === "E" || id === "D" ? "mug" : "" }));
    const result = computeRecommendations({ orders: BASKETS, products, now: NOW, settings: { minPairOrders: 2, popularityAlpha: 0, shrinkage: 0, halfLifeDays: 0 } });
    expect(productRecommendations(result, "A", { size: 4 }).map((r) => [r.productId, r.source])).toEqual([
      ["B", "co_purchase"],
      ["C", "co_purchase"],
      ["D", "trending"],
    ]);
    // E has no orders: content first (shares "mug" with D), then trending.
    expect(productRecommendations(result, "E", { size: 3 }).map((r) => [r.productId, r.source])).toEqual([
      ["D", "content"],
      ["A", "trending"],
      ["B", "trending"],
    ]);
  });

  it("customer lists go personal → co-purchase of recent → … → bestsellers, skipping sensitive seeds", () => {
    const products = ["A", "B", "C", "D"].map((id) => product(id));
    const result = computeRecommendations({ orders: BASKETS, products, now: NOW, settings: { minPairOrders: 2, minPairCustomers: 1, cfShrinkage: 0 } });
    const anonymous = customerRecommendations(result, null, { size: 2, recentProductIds: ["C"] });
    expect(anonymous.map((r) => r.source)).toEqual(["co_purchase", "co_purchase"]);
    const guarded = customerRecommendations(result, null, { size: 2, recentProductIds: ["C"], sensitiveProductIds: new Set(["C"]) });
    expect(guarded.map((r) => r.source)).toEqual(["trending", "trending"]);
    expect(customerRecommendations(result, "y", { size: 1 })[0].source).toBe("buy_again");
  });
});

describe("metrics", () => {
  const cases = [
    { ranked: ["a", "b", "c"], relevant: new Set(["b"]) },
    { ranked: ["d", "e", "f"], relevant: new Set(["x"]) },
    { ranked: ["a", "g", "h"], relevant: new Set(["a", "h"]) },
  ];

  it("hit rate counts cases with any hit in the top k", () => {
    expect(hitRate(cases, 3)).toBeCloseTo(2 / 3, 10);
    expect(hitRate(cases, 1)).toBeCloseTo(1 / 3, 10);
  });

  it("NDCG uses binary gains and the ideal ordering", () => {
    const first = 1 / Math.log2(3);
    const third = (1 + 1 / Math.log2(4)) / (1 + 1 / Math.log2(3));
    expect(ndcg(cases, 3)).toBeCloseTo((first + 0 + third) / 3, 10);
  });

  it("coverage is the share of the catalogue in any top-k list", () => {
    expect(coverage(cases.map((c) => c.ranked), 10, 2)).toBeCloseTo(5 / 10, 10);
  });
});
