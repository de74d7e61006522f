import { describe, expect, it } from "vitest";
import { coPurchaseScore, scoreCoPurchaseAnchor, scoreCoPurchaseAnchors } from "~/lib/recommend/co-purchase";
import { OrderIndexBuilder } from "~/lib/recommend/indexed-orders";
import { computeRecommendations } from "~/lib/recommend/compute";
import { BASKETS, DAY, NOW, order, product } from "./fixtures";

const flat = { minPairOrders: 2, popularityAlpha: 0, shrinkage: 0, halfLifeDays: 0 };
const catalogue = ["A", "B", "C", "D"].map((id) => product(id, { title: `Item ${id}` }));

function fbtFor(anchor: string, settings: Record<string, number>, orders = BASKETS) {
  const result = computeRecommendations({ orders, products: catalogue, now: NOW, settings, parts: { personal: false, content: false, trending: false } });
  return result.fbt.get(anchor) ?? [];
}

describe("coPurchaseScore", () => {
  it("is confidence at alpha 0, lift at alpha 1, and shrinks pairs seen in few orders", () => {
    expect(coPurchaseScore(3, 3, 4, 4, 5, { minPairOrders: 2, popularityAlpha: 0, shrinkage: 0 })).toBeCloseTo(0.75, 10);
    expect(coPurchaseScore(3, 3, 4, 4, 5, { minPairOrders: 2, popularityAlpha: 1, shrinkage: 0 })).toBeCloseTo(0.9375, 10);
    // 0.75 / sqrt(0.8) × 3/(3+1)
    expect(coPurchaseScore(3, 3, 4, 4, 5, { minPairOrders: 2, popularityAlpha: 0.5, shrinkage: 1 })).toBeCloseTo(0.628894, 5);
  });

  it("scores zero below k distinct orders", () => {
    expect(coPurchaseScore(1, 1, 4, 1, 5, { minPairOrders: 2, popularityAlpha: 0, shrinkage: 0 })).toBe(0);
  });
});

describe("bought together (full compute)", () => {
  it("ranks by confidence and never uses pairs under k orders", () => {
    const list = fbtFor("A", flat);
    expect(list.map((r) => r.productId)).toEqual(["B", "C"]);
    expect(list[0].score).toBeCloseTo(0.75, 6);
    expect(list[1].score).toBeCloseTo(0.5, 6);
    expect(list[0]).toMatchObject({ source: "co_purchase", reason: "Often bought with Item A", reasonProductId: "A" });
    expect(fbtFor("A", { ...flat, minPairOrders: 1 }).map((r) => r.productId)).toEqual(["B", "C", "D"]);
    expect(fbtFor("A", { ...flat, minPairOrders: 3 }).map((r) => r.productId)).toEqual(["B"]);
  });

  it("damps popular candidates with lift", () => {
    const list = fbtFor("A", { ...flat, popularityAlpha: 1 });
    expect(list[0].score).toBeCloseTo(0.9375, 5);
    expect(list[1].score).toBeCloseTo(0.5 / 0.6, 5);
  });

  it("decays old orders by the half-life", () => {
    const orders = BASKETS.map((o) => (o.id === "o2" ? order("o2", "y", ["A", "B"], 10) : o));
    // A weighs 1 + 0.5 + 1 + 1; A∧B weighs 1 + 0.5 + 1
    expect(fbtFor("A", { ...flat, halfLifeDays: 10 }, orders)[0].score).toBeCloseTo(2.5 / 3.5, 6);
  });

  it("does not name a sensitive anchor", () => {
    const result = computeRecommendations({ orders: BASKETS, products: catalogue, now: NOW, settings: flat, sensitiveProductIds: ["A"] });
    expect(result.fbt.get("A")![0].reason).toBe("Often bought together");
    expect(result.fbt.get("A")![0].reasonProductId).toBeUndefined();
  });
});

describe("scoreCoPurchaseAnchor (incremental)", () => {
  it("returns exactly what the full compute returns for that anchor", () => {
    const orders = [...BASKETS, order("o6", "q", ["A", "C"], 40), order("o7", "q", ["A", "C", "D"], 3), order("o8", "r", ["C", "D"], 1)];
    const settings = { minPairOrders: 2, popularityAlpha: 0.3, shrinkage: 2, halfLifeDays: 30 };
    const full = computeRecommendations({ orders, products: catalogue, now: NOW, settings });
    for (const anchor of ["A", "C"]) {
      const incremental = scoreCoPurchaseAnchor({
        anchorId: anchor,
        baskets: orders.map((o) => ({ productIds: o.lines.map((l) => l.productId), createdAt: o.createdAt })),
        itemOrderWeights: full.itemOrderWeights,
        totalOrderWeight: full.totalOrderWeight,
        now: NOW,
        settings,
        anchorTitle: `Item ${anchor}`,
      });
      expect(incremental).toEqual(full.fbt.get(anchor));
    }
  });

  it("scores several anchors from the union of their orders, each exactly as the full compute does", () => {
    const orders = [...BASKETS, order("o6", "q", ["A", "C"], 40), order("o7", "q", ["A", "C", "D"], 3), order("o8", "r", ["C", "D"], 1)];
    const settings = { minPairOrders: 2, popularityAlpha: 0.3, shrinkage: 2, halfLifeDays: 30 };
    const full = computeRecommendations({ orders, products: catalogue, now: NOW, settings });
    const lists = scoreCoPurchaseAnchors({
      anchors: ["A", "C", "D"].map((id) => ({ id, title: `Item ${id}` })),
      baskets: orders.map((o) => ({ productIds: o.lines.map((l) => l.productId), createdAt: o.createdAt })),
      itemOrderWeights: full.itemOrderWeights,
      totalOrderWeight: full.totalOrderWeight,
      now: NOW,
      settings,
    });
    for (const anchor of ["A", "C", "D"]) expect(lists.get(anchor)).toEqual(full.fbt.get(anchor) ?? []);
  });

  it("uses only the newest maxAnchorOrders baskets", () => {
    const baskets = [
      { productIds: ["A", "B"], createdAt: NOW - 3 * DAY },
      { productIds: ["A", "B"], createdAt: NOW - 2 * DAY },
      { productIds: ["A", "C"], createdAt: NOW - DAY },
      { productIds: ["A", "C"], createdAt: NOW },
    ];
    const weights = new Map([["A", 4], ["B", 2], ["C", 2]]);
    const recs = scoreCoPurchaseAnchor({ anchorId: "A", baskets, itemOrderWeights: weights, totalOrderWeight: 4, now: NOW, settings: { ...flat, maxAnchorOrders: 2 } });
    expect(recs.map((r) => r.productId)).toEqual(["C"]);
  });

  it("takes the newest baskets by time, then by input position, however they arrive and whatever their times", () => {
    // Two baskets share the newest time: with a cap of 2 the later-listed of the older pair is cut.
    const baskets = [
      { productIds: ["A", "B"], createdAt: NOW - DAY },
      { productIds: ["A", "D"], createdAt: NOW - DAY },
      { productIds: ["A", "C"], createdAt: NOW },
      { productIds: ["A", "C", "D"], createdAt: NOW },
    ];
    const weights = new Map([["A", 4], ["B", 1], ["C", 2], ["D", 2]]);
    const score = (list: typeof baskets) =>
      scoreCoPurchaseAnchor({ anchorId: "A", baskets: list, itemOrderWeights: weights, totalOrderWeight: 4, now: NOW, settings: { ...flat, maxAnchorOrders: 3 } });
    const inOrder = score(baskets);
    // Newest three: both newest baskets and, of the two older ones, the later-listed ([A, D]).
    expect(inOrder.map((r) => r.productId).sort()).toEqual(["C", "D"]);
    // Shuffled, with the same relative order within each time: the very same list, scores included.
    const shuffled = [baskets[2], baskets[0], baskets[3], baskets[1]];
    expect(score(shuffled)).toEqual(inOrder);
    // Reversed, [A, B] is the later-listed older basket and [A, D] is cut: D is left in one kept
    // basket, below minPairOrders (2), and so is B.
    expect(score([...baskets].reverse()).map((r) => r.productId)).toEqual(["C"]);
    // Fractional times take the comparator path; it must order exactly as the packed-key path does.
    const shifted = shuffled.map((b) => ({ ...b, createdAt: b.createdAt + 0.5 }));
    expect(score(shifted).map((r) => r.productId)).toEqual(inOrder.map((r) => r.productId));
  });
});

describe("packed input", () => {
  it("orders added page by page (out of time order) give the same lists as the order array", () => {
    const orders = [...BASKETS, order("o6", "q", ["A", "C"], 40), order("o7", "q", ["A", "C", "D"], 3)];
    const settings = { minPairOrders: 1, halfLifeDays: 30 };
    const fromArray = computeRecommendations({ orders, products: catalogue, now: NOW, settings });
    const builder = new OrderIndexBuilder();
    for (const o of [...orders].reverse()) builder.add(o);
    const fromPages = computeRecommendations({ indexed: builder.build(catalogue), products: catalogue, now: NOW, settings });
    // Orders at the same moment may be numbered differently, so lists are compared by subject, not position.
    expect(new Map(fromPages.fbt)).toEqual(new Map(fromArray.fbt));
    expect(new Map(fromPages.personal)).toEqual(new Map(fromArray.personal));
    expect(fromPages.stats).toEqual(fromArray.stats);
  });
});
