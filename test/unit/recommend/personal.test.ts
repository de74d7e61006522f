import { describe, expect, it } from "vitest";
import { computeRecommendations } from "~/lib/recommend/compute";
import { indexOrders } from "~/lib/recommend/indexed-orders";
import { buyAgainScore, dueFactor, itemCfSimilarity, repurchaseIntervals, scoreCustomer, type HistoryLine } from "~/lib/recommend/personal";
import type { OrderRecord } from "~/lib/recommend/types";
import { DAY, NOW, order, product } from "./fixtures";

describe("personal scoring pieces", () => {
  it("item-CF similarity is a shrunk (asymmetric) cosine", () => {
    expect(itemCfSimilarity(2, 4, 2, 0, 0.5)).toBeCloseTo(2 / Math.sqrt(8), 10);
    expect(itemCfSimilarity(2, 4, 2, 2, 0.5)).toBeCloseTo((2 / Math.sqrt(8)) * 0.5, 10);
    expect(itemCfSimilarity(2, 4, 2, 0, 0)).toBeCloseTo(0.5, 10);
  });

  it("due factor peaks at the usual interval", () => {
    expect(dueFactor(10, 10)).toBe(1);
    expect(dueFactor(21, 10)).toBeCloseTo(1 / (1 + Math.log(2)), 10);
    expect(dueFactor(4.5, 10)).toBeCloseTo(1 / (1 + Math.log(2)), 10);
  });

  it("buy-again is the order share scaled by due-ness and recency", () => {
    const w = { buyAgainDueWeight: 0.5, buyAgainRecencyWeight: 0.5 };
    expect(buyAgainScore(2, 3, 10, 10, 1, w)).toBeCloseTo(0.5, 10);
    expect(buyAgainScore(2, 3, 10, 10, 0, w)).toBeCloseTo(0.25, 10);
    expect(buyAgainScore(2, 3, 21, 10, 1, { buyAgainDueWeight: 1, buyAgainRecencyWeight: 0 })).toBeCloseTo(0.5 / (1 + Math.log(2)), 10);
  });

  it("repurchase interval is the median gap over customers, given enough gaps", () => {
    const orders = [order("1", "x", ["P"], 30), order("2", "x", ["P"], 20), order("3", "x", ["P", "Q"], 0), order("4", "y", ["P", "Q"], 12), order("5", "y", ["P"], 0)];
    const data = indexOrders(orders, []);
    const { days, fallbackDays } = repurchaseIntervals(data, 3);
    expect(days[data.productIndex.get("P")!]).toBe(12); // gaps 10, 20, 12
    expect(Number.isNaN(days[data.productIndex.get("Q")!])).toBe(true);
    expect(fallbackDays).toBe(12);
  });
});

const shop: OrderRecord[] = [
  order("1", "ann", ["tea", "mug"], 60),
  order("2", "ann", ["tea"], 30),
  order("3", "bob", ["tea", "mug", "honey"], 50),
  order("4", "bob", ["honey", "spoon"], 20),
  order("5", "cat", ["mug", "honey"], 40),
  order("6", "cat", ["honey", "pill"], 10),
  order("7", "dan", ["tea", "honey"], 5),
  order("8", "dan", ["spoon", "honey", "pill"], 2),
];
describe("repeat ratios", () => {
  it("are each product's repeat share over the shop's, pulled towards 1 with prior strength 2", () => {
    const data = indexOrders(shop, []);
    const { repeatRatio } = repurchaseIntervals(data);
    const at = (id: string) => repeatRatio[data.productIndex.get(id)!];
    // Buyers (repeaters): tea 3 (ann: 1), mug 3 (0), honey 3 (bob, cat, dan: 3), spoon 2 (0), pill 2 (0);
    // shop rate R = 4/13; ratio = (repeaters + 2R) / (buyers + 2) / R.
    expect(at("tea")).toBeCloseTo(21 / 20, 10);
    expect(at("honey")).toBeCloseTo(47 / 20, 10);
    expect(at("mug")).toBeCloseTo(8 / 20, 10);
    expect(at("spoon")).toBeCloseTo(8 / 16, 10);
  });
});

const products = ["tea", "mug", "honey", "spoon", "pill"].map((id) => product(id, { title: id.toUpperCase() }));
const settings = { minPairCustomers: 1, cfShrinkage: 0, cfWeight: 0.5, cfRepeatWeight: 0.3 };

describe("for you", () => {
  it("mixes buy-again and item-CF with reasons", () => {
    // Activity off: honey, which everyone bought lately, would otherwise lead ann's list.
    const result = computeRecommendations({ orders: shop, products, now: NOW, settings: { ...settings, activityWeight: 0 } });
    const ann = result.personal.get("ann")!;
    expect(ann[0]).toMatchObject({ productId: "tea", source: "buy_again", reason: "You buy this about every 30 days" });
    const honey = ann.find((r) => r.productId === "honey")!;
    expect(honey.source).toBe("personal");
    expect(honey.reason).toMatch(/^Because you bought (TEA|MUG)$/);
    expect(result.buyAgain.get("ann")!.map((r) => r.productId)).toEqual(["tea", "mug"]);
  });

  it.each([
    ["default", settings],
    ["with repeat ratios", { ...settings, buyAgainRepeatRateWeight: 1 }],
    // Fewer products kept than ann and bob bought: the cut must not change the order count or ties.
    ["with a history cap", { ...settings, maxHistoryItems: 1 }],
    ["with product activity", { ...settings, activityWeight: 1, activityFloor: 0.05 }],
  ])("scoreCustomer (incremental) matches the full compute (%s)", (_name, settings) => {
    const result = computeRecommendations({ orders: shop, products, now: NOW, settings });
    for (const customer of ["ann", "bob", "dan"]) {
      const history: HistoryLine[] = shop
        .filter((o) => o.customerId === customer)
        .flatMap((o) => o.lines.map((l) => ({ productId: l.productId, createdAt: o.createdAt, orderId: o.id })));
      const scored = scoreCustomer({
        history,
        neighbours: result.neighbours,
        repurchaseIntervalDays: result.repurchaseIntervalDays,
        defaultRepurchaseIntervalDays: result.defaultRepurchaseIntervalDays,
        repeatRatios: result.repeatRatios,
        activity: result.activity,
        now: NOW,
        settings,
        productTitles: new Map(products.map((p) => [p.id, p.title])),
        popularity: result.bestsellers,
      });
      expect(scored.personal).toEqual(result.personal.get(customer));
      expect(scored.buyAgain).toEqual(result.buyAgain.get(customer));
    }
  });

  it("damps a product nobody buys lately in the hybrid, not in buy-again", () => {
    const history: HistoryLine[] = [
      { productId: "aaa", createdAt: NOW - 10 * DAY, orderId: "o1" },
      { productId: "zzz", createdAt: NOW - 10 * DAY, orderId: "o1" },
    ];
    const plain = { buyAgainDueWeight: 0, buyAgainRecencyWeight: 0, cfWeight: 0, cfRepeatWeight: 0, popularityWeight: 0 };
    const scored = scoreCustomer({
      history,
      neighbours: new Map(),
      repurchaseIntervalDays: new Map(),
      defaultRepurchaseIntervalDays: 30,
      activity: new Map([["zzz", 1]]),
      now: NOW,
      settings: { ...plain, activityWeight: 1, activityFloor: 0.05 },
    });
    // Buy-again: one order of one, 1 / (1 + 1), for both. Hybrid: times ((activity + 0.05) / 1.05)^1.
    expect(scored.buyAgain.map((r) => [r.productId, r.score])).toEqual([["aaa", 0.5], ["zzz", 0.5]]);
    expect(scored.personal.map((r) => [r.productId, r.score])).toEqual([["zzz", 0.5], ["aaa", Math.fround((0.5 * 0.05) / 1.05)]]);
    const without = scoreCustomer({ history, neighbours: new Map(), repurchaseIntervalDays: new Map(), defaultRepurchaseIntervalDays: 30, now: NOW, settings: { ...plain, activityWeight: 1 } });
    expect(without.personal.map((r) => r.productId)).toEqual(["aaa", "zzz"]);
  });

  it("never uses a sensitive product as a personal signal or names it", () => {
    const result = computeRecommendations({ orders: shop, products, now: NOW, settings, sensitiveProductIds: ["pill"] });
    const cat = result.personal.get("cat")!;
    expect(cat.some((r) => r.productId === "pill")).toBe(false);
    for (const list of result.personal.values()) for (const r of list) expect(r.reason).not.toContain("PILL");
    expect(result.neighbours.get("honey")!.some((n) => n.productId === "pill")).toBe(false);
    // Still recommendable non-personally.
    expect(result.fbt.get("spoon")?.some((r) => r.productId === "pill") ?? false).toBe(false);
    expect(result.bestsellers.some((r) => r.productId === "pill")).toBe(true);
  });
});
