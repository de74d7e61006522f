import { describe, expect, it } from "vitest";
import { diversify, rerank } from "~/lib/recommend/rerank";
import type { ProductInfo, RecItem } from "~/lib/recommend/types";
import { DAY, NOW, product } from "./fixtures";

const catalogue = new Map<string, ProductInfo>(
  [
    product("a", { productType: "mug", collections: ["kitchen"], tags: ["sale"], vendor: "Kiln" }),
    product("b", { productType: "mug", collections: ["kitchen"] }),
    product("c", { productType: "bag", collections: ["bags"], vendor: "Loom" }),
    product("d", { productType: "tea", collections: ["pantry"] }),
    product("e", { productType: "tea", collections: ["pantry"], replenishable: true }),
    product("oos", { available: false }),
    product("draft", { published: false }),
    product("card", { isGiftCard: true }),
    product("staff", { title: "Staff Favourite" }),
    product("secret", { title: "Private Thing" }),
  ].map((p) => [p.id, p]),
);

function items(...ids: string[]): RecItem[] {
  return ids.map((id, i) => ({ productId: id, score: 10 - i, reason: `r-${id}`, source: "co_purchase" }));
}
const ids = (list: RecItem[]) => list.map((r) => r.productId);

describe("rerank filters", () => {
  it("drops out-of-stock, unpublished, gift cards, unknown products and cart items", () => {
    const out = rerank(items("oos", "a", "draft", "card", "ghost", "b", "c"), { products: catalogue, size: 10, cartProductIds: ["b"] });
    expect(ids(out)).toEqual(["a", "c"]);
  });

  it("drops what was just bought unless replenishable", () => {
    const out = rerank(items("d", "e", "a"), {
      products: catalogue,
      size: 10,
      now: NOW,
      justBoughtWindowDays: 30,
      recentPurchases: [
        { productId: "d", purchasedAt: NOW - 5 * DAY },
        { productId: "e", purchasedAt: NOW - 5 * DAY },
        { productId: "a", purchasedAt: NOW - 60 * DAY },
      ],
    });
    expect(ids(out)).toEqual(["e", "a"]);
  });

  it("truncates to size", () => {
    expect(ids(rerank(items("a", "b", "c", "d"), { products: catalogue, size: 2 }))).toEqual(["a", "b"]);
  });
});

describe("merchant rules", () => {
  it("pins a product at a position as a staff pick", () => {
    const out = rerank(items("a", "b", "c"), { products: catalogue, size: 3, rules: [{ action: "pin", target: { kind: "product", value: "staff" }, position: 2 }] });
    expect(ids(out)).toEqual(["a", "staff", "b"]);
    expect(out[1]).toMatchObject({ source: "pinned", reason: "Staff pick" });
  });

  it("pins the best candidate matching a vendor", () => {
    const out = rerank(items("a", "b", "c"), { products: catalogue, size: 3, rules: [{ action: "pin", target: { kind: "vendor", value: "loom" }, position: 1 }] });
    expect(ids(out)).toEqual(["c", "a", "b"]);
  });

  it("boosts by tag, excludes by collection, buries by vendor", () => {
    const list = items("d", "b", "c", "a");
    expect(ids(rerank(list, { products: catalogue, size: 4, rules: [{ action: "boost", target: { kind: "tag", value: "sale" }, factor: 2 }] }))).toEqual(["a", "d", "b", "c"]);
    expect(ids(rerank(list, { products: catalogue, size: 4, rules: [{ action: "exclude", target: { kind: "collection", value: "kitchen" } }] }))).toEqual(["d", "c"]);
    expect(ids(rerank(list, { products: catalogue, size: 4, rules: [{ action: "bury", target: { kind: "vendor", value: "Loom" } }] }))).toEqual(["d", "b", "a", "c"]);
  });
});

describe("diversity and discovery", () => {
  it("MMR spreads product types and collections when lambda < 1", () => {
    const list = items("a", "b", "d", "c");
    expect(ids(diversify(list, catalogue, 1))).toEqual(["a", "b", "d", "c"]);
    // a first; then b (rel 2/3, sim 1) loses to d (rel 1/3, sim 0) and c (rel 0, sim 0) at lambda 0.5.
    expect(ids(diversify(list, catalogue, 0.5))).toEqual(["a", "d", "c", "b"]);
    expect(ids(rerank(list, { products: catalogue, size: 4, diversityLambda: 0.5 }))).toEqual(["a", "d", "c", "b"]);
  });

  it("fills discovery slots with the least-exposed relevant leftovers", () => {
    const list = items("a", "b", "c", "d", "e");
    const exposure = new Map([["c", 50], ["d", 3], ["e", 0]]);
    const out = rerank(list, { products: catalogue, size: 3, discoverySlots: 1, exposure, seed: 1 });
    expect(ids(out)).toEqual(["a", "b", "e"]);
    expect(out[2].source).toBe("discovery");
    const again = rerank(list, { products: catalogue, size: 3, discoverySlots: 2, seed: 9 });
    expect(again).toEqual(rerank(list, { products: catalogue, size: 3, discoverySlots: 2, seed: 9 }));
  });
});

describe("sensitive products", () => {
  it("never names one in a reason, but may still recommend it", () => {
    const list: RecItem[] = [
      { productId: "a", score: 3, reason: "Often bought with Private Thing", source: "co_purchase", reasonProductId: "secret" },
      { productId: "b", score: 2, reason: "Because you bought Private Thing", source: "personal" },
      { productId: "secret", score: 1, reason: "Bestseller", source: "bestseller" },
    ];
    const out = rerank(list, { products: catalogue, size: 3, sensitiveProductIds: new Set(["secret"]) });
    expect(out.map((r) => r.reason)).toEqual(["Often bought together", "Picked for you", "Bestseller"]);
    expect(out[0].reasonProductId).toBeUndefined();
    expect(out[2].productId).toBe("secret");
  });
});
