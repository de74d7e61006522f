import { describe, expect, it } from "vitest";
import { computeRecommendations } from "~/lib/recommend/compute";
import { titleWords } from "~/lib/recommend/content";
import { order, product } from "./fixtures";
import { NOW } from "./fixtures";

const products = [
  product("mugA", { title: "Stoneware Mug Blue", productType: "Mug", vendor: "Kiln", collections: ["kitchen"] }),
  product("mugB", { title: "Stoneware Mug Green", productType: "Mug", vendor: "Kiln", collections: ["kitchen"] }),
  product("newMug", { title: "Stoneware Mug Sand", productType: "Mug", vendor: "Kiln", collections: ["kitchen"] }),
  product("tote", { title: "Linen Tote", productType: "Bag", vendor: "Loom", collections: ["bags"] }),
  product("gift", { title: "Gift Card", isGiftCard: true, collections: ["kitchen"] }),
];
const orders = [
  order("1", "a", ["mugA", "tote"], 1),
  order("2", "b", ["mugA"], 1),
  order("3", "c", ["mugB"], 7),
  order("4", "d", ["tote"], 14),
  order("5", "e", ["tote", "gift"], 14),
];

describe("content-based", () => {
  it("splits titles into meaningful words", () => {
    expect(titleWords("Stoneware MUG, blue 12 oz")).toEqual(["stoneware", "mug", "blue"]);
  });

  it("a product with no orders gets and gives recommendations", () => {
    const result = computeRecommendations({ orders, products, now: NOW });
    const forNew = result.content.get("newMug")!;
    expect(forNew.map((r) => r.productId).sort()).toEqual(["mugA", "mugB"]);
    expect(forNew[0]).toMatchObject({ source: "content", reason: "Similar to Stoneware Mug Sand" });
    expect(result.content.get("mugA")!.map((r) => r.productId)).toContain("newMug");
    expect(result.content.get("tote")).toBeUndefined();
  });
});

describe("trending and bestsellers", () => {
  it("decays popularity by the trending half-life, overall and per collection", () => {
    const result = computeRecommendations({ orders, products, now: NOW, settings: { trendingHalfLifeDays: 7 } });
    const score = (id: string) => result.trending.overall.find((r) => r.productId === id)?.score;
    expect(score("mugA")).toBeCloseTo(2 * Math.pow(2, -1 / 7), 5);
    expect(score("mugB")).toBeCloseTo(0.5, 5);
    expect(score("tote")).toBeCloseTo(Math.pow(2, -1 / 7) + 0.5, 5);
    expect(result.trending.overall.map((r) => r.productId)).toEqual(["mugA", "tote", "mugB"]);
    expect(result.trending.byCollection.get("kitchen")!.map((r) => r.productId)).toEqual(["mugA", "mugB"]);
    expect(result.trending.byCollection.get("kitchen")![0].reason).toBe("Trending in kitchen");
    expect(result.bestsellers.map((r) => [r.productId, r.score])).toEqual([["tote", 3], ["mugA", 2], ["mugB", 1]]);
  });
});
