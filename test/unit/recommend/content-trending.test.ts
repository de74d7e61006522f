import { describe, expect, it } from "vitest";
import { computeRecommendations } from "~/lib/recommend/compute";
import { titleWords } from "~/lib/recommend/content";
import { relativeActivity } from "~/lib/recommend/trending";
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

  it("gives each product's activity as its trending score over the top one", () => {
    const result = computeRecommendations({ orders, products, now: NOW, settings: { trendingHalfLifeDays: 7 } });
    const top = 2 * Math.pow(2, -1 / 7);
    expect(result.activity.get("mugA")).toBe(1);
    expect(result.activity.get("mugB")).toBe(Number((0.5 / top).toPrecision(4)));
    expect(result.activity.get("tote")).toBe(Number(((Math.pow(2, -1 / 7) + 0.5) / top).toPrecision(4)));
    expect(result.activity.has("newMug")).toBe(false);
  });

  it("rounds activity to 4 significant figures and drops what is under 1e-4 of the top", () => {
    expect(Array.from(relativeActivity(Float64Array.from([0, 3, 9, 1, 0.0008, 0.00091])))).toEqual([0, 0.3333, 1, 0.1111, 0, 0.0001011]);
    expect(Array.from(relativeActivity(new Float64Array(3)))).toEqual([0, 0, 0]);
  });
});
