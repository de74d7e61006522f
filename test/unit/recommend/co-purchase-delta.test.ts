import { describe, expect, it } from "vitest";
import { scoreCoPurchaseAnchors, updateCoPurchaseAnchors, type AnchorBasket, type CoPurchaseState } from "~/lib/recommend/co-purchase";
import { computeRecommendations } from "~/lib/recommend/compute";
import type { OrderRecord, RecItem } from "~/lib/recommend/types";
import { DAY, NOW, product } from "./fixtures";

/** Deterministic pseudo-random numbers (mulberry32), so a failure can be replayed. */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ids = Array.from({ length: 14 }, (_, i) => `p${String(i).padStart(2, "0")}`);
// Two products are unpublished: the states must keep them (they may be published again), the lists must not.
const catalogue = ids.map((id, i) => product(id, { published: i % 7 !== 3 }));
const eligible = (id: string) => catalogue.find((p) => p.id === id)?.published ?? false;

function basketOf(r: () => number, size: number): string[] {
  const out = new Set<string>();
  // Skewed towards low indices, like real popularity.
  while (out.size < size) out.add(ids[Math.floor(ids.length * r() * r())]);
  return [...out];
}

function asBasket(o: OrderRecord): AnchorBasket {
  return { productIds: o.lines.map((l) => l.productId), createdAt: o.createdAt };
}

/** An anchor's orders newest first, as the database returns them. */
function newestWith(orders: readonly OrderRecord[], anchor: string): OrderRecord[] {
  return orders.filter((o) => o.lines.some((l) => l.productId === anchor)).sort((x, y) => y.createdAt - x.createdAt);
}

/**
 * Same scores rank by rank, and the same products within each group of equal scores: the paths break
 * exact ties differently (the recount by first appearance), and a tie at the cut may keep either product.
 */
function expectSameList(actual: RecItem[], expected: RecItem[]) {
  expect(actual.length).toBe(expected.length);
  actual.forEach((item, k) => expect(item.score).toBeCloseTo(expected[k].score, 6));
  const groups = (list: RecItem[]) => {
    const out = new Map<number, string[]>();
    for (const i of list) out.set(i.score, [...(out.get(i.score) ?? []), i.productId].sort());
    return out;
  };
  const last = expected.at(-1)?.score;
  const want = groups(expected);
  for (const [score, products] of groups(actual)) if (score !== last) expect(products).toEqual(want.get(score));
}

describe("updateCoPurchaseAnchors (bought together from stored state)", () => {
  it.each([
    ["windows that slide", { maxAnchorOrders: 6, poolSize: 3, listSize: 3, minPairOrders: 2, shrinkage: 2, halfLifeDays: 30 }],
    // States of two candidates among fourteen products: most are cut off, so the floor decides.
    ["states much shorter than the candidates", { maxAnchorOrders: 3, poolSize: 1, listSize: 1, minPairOrders: 1, shrinkage: 0.5, halfLifeDays: 1000 }],
    ["no window cap", { maxAnchorOrders: 1000, poolSize: 3, listSize: 3, minPairOrders: 1, shrinkage: 0, halfLifeDays: 10 }],
  ])("gives the full compute's lists after each new order, or asks for a recount (%s)", (_name, settings) => {
    const r = random(7);
    const orders: OrderRecord[] = [];
    for (let i = 0; i < 60; i++) {
      const items = basketOf(r, 1 + Math.floor(r() * 4));
      orders.push({ id: `o${i}`, customerId: null, createdAt: NOW - (60 - i) * DAY, lines: items.map((productId) => ({ productId, quantity: 1, priceCents: 100 })) });
    }
    let now = NOW;
    const first = computeRecommendations({ orders, products: catalogue, now, settings, parts: { personal: false, content: false, trending: false } });
    const states = new Map<string, CoPurchaseState>(first.fbtStates.entries());
    let updated = 0;
    let recounted = 0;
    for (let step = 0; step < 40; step++) {
      now += Math.floor(r() * 2 * DAY) + 1;
      const items = basketOf(r, 2 + Math.floor(r() * 3));
      const added: OrderRecord = { id: `n${step}`, customerId: null, createdAt: now, lines: items.map((productId) => ({ productId, quantity: 1, priceCents: 100 })) };
      orders.push(added);
      const full = computeRecommendations({ orders, products: catalogue, now, settings, parts: { personal: false, content: false, trending: false } });
      const windows = new Map<string, OrderRecord>();
      const anchors = items.map((id) => {
        const newest = newestWith(orders, id);
        for (const o of newest.slice(0, settings.maxAnchorOrders)) windows.set(o.id, o);
        const dropped = newest[settings.maxAnchorOrders];
        const window = newest.slice(0, settings.maxAnchorOrders);
        return {
          id,
          state: states.get(id) ?? null,
          anchorWeight: full.itemOrderWeights.get(id) ?? 0,
          window: { orders: window.length, oldest: window[window.length - 1].createdAt },
          dropped: dropped ? asBasket(dropped) : null,
        };
      });
      // As the job's query returns them: each window order's products that are in the new order, by position.
      const cut = [...windows.values()].map((o) => ({ items: o.lines.map((l) => items.indexOf(l.productId)).filter((i) => i >= 0), createdAt: o.createdAt }));
      const delta = updateCoPurchaseAnchors({ order: { productIds: items, createdAt: now }, anchors, baskets: cut, now, settings, isEligible: eligible });
      const recount = new Map<string, CoPurchaseState>();
      const exact = scoreCoPurchaseAnchors({
        anchors: items.map((id) => ({ id })),
        baskets: [...windows.values()].map(asBasket),
        itemOrderWeights: full.itemOrderWeights,
        totalOrderWeight: full.totalOrderWeight,
        now,
        settings,
        isEligible: eligible,
        states: recount,
      });
      for (const id of items) {
        const expected = full.fbt.get(id) ?? [];
        expectSameList(exact.get(id)!, expected);
        const result = delta.get(id);
        if (result) {
          updated++;
          expectSameList(result.list, expected);
          states.set(id, result.state);
        } else {
          recounted++;
          states.set(id, recount.get(id)!);
        }
      }
    }
    // Both paths must have been taken, or the comparison proves nothing about one of them.
    expect(updated).toBeGreaterThan(40);
    expect(recounted).toBeGreaterThan(0);
  });

  it("asks for a recount when a candidate the state cut off may now lead", () => {
    const settings = { maxAnchorOrders: 4, poolSize: 1, listSize: 1, minPairOrders: 1, shrinkage: 0, halfLifeDays: 0 };
    const at = (day: number, items: string[]): OrderRecord => ({ id: `d${day}`, customerId: null, createdAt: NOW + day * DAY, lines: items.map((productId) => ({ productId, quantity: 1, priceCents: 1 })) });
    // A's window: B, C and E each with A twice; a state of two keeps B and C and cuts E off.
    const history = [at(1, ["A", "B", "C"]), at(2, ["A", "E"]), at(3, ["A", "E"]), at(4, ["A", "B", "C"])];
    const before = computeRecommendations({ orders: history, products: [], now: NOW + 4 * DAY, settings, parts: { personal: false, content: false, trending: false } });
    const state = new Map(before.fbtStates.entries()).get("A")!;
    expect(state.ids).toEqual(["B", "C"]);
    expect(state.floor).toBeCloseTo(0.5, 10);
    // The first order leaves A's window: B and C fall to one order each, and E, never listed, leads.
    const order = at(5, ["A", "D"]);
    const after = computeRecommendations({ orders: [...history, order], products: [], now: NOW + 5 * DAY, settings, parts: { personal: false, content: false, trending: false } });
    expect(after.fbt.get("A")!.map((i) => i.productId)).toEqual(["E"]);
    const result = updateCoPurchaseAnchors({
      order: { productIds: ["A", "D"], createdAt: order.createdAt },
      anchors: [{ id: "A", state, anchorWeight: 5, window: { orders: 4, oldest: history[1].createdAt }, dropped: asBasket(history[0]) }],
      baskets: [...history.slice(1), order].map((o) => ({ items: o.lines.map((l) => ["A", "D"].indexOf(l.productId)).filter((i) => i >= 0), createdAt: o.createdAt })),
      now: order.createdAt,
      settings,
    });
    expect(result.get("A")).toBeNull();
  });

  it("refuses a state the order is not newer than, or one made under other settings", () => {
    const state: CoPurchaseState = { key: "", at: NOW, newest: NOW, oldest: NOW - DAY, orders: 2, anchorWeight: 2, floor: 0, ids: ["B"], n: [2], w: [2] };
    const settings = { minPairOrders: 1, shrinkage: 0, halfLifeDays: 0, popularityAlpha: 0 };
    const run = (s: CoPurchaseState, createdAt: number, window = { orders: 3, oldest: NOW - DAY }) =>
      updateCoPurchaseAnchors({
        order: { productIds: ["A", "B"], createdAt },
        anchors: [{ id: "A", state: s, anchorWeight: 3, window, dropped: null }],
        baskets: [
          { items: [0, 1], createdAt: NOW - DAY },
          { items: [0, 1], createdAt: NOW },
          { items: [0, 1], createdAt },
        ],
        now: createdAt,
        settings,
      }).get("A");
    const fresh = computeRecommendations({ orders: [], products: [], now: NOW, settings, parts: { personal: false, content: false, trending: false } });
    const key = (fresh.fbtStates as unknown as { key: string }).key;
    expect(run({ ...state, key }, NOW)).toBeNull();
    expect(run({ ...state, key: "other" }, NOW + DAY)).toBeNull();
    // An edit took A out of an older order: the window grew by less than this order.
    expect(run({ ...state, key }, NOW + DAY, { orders: 2, oldest: NOW })).toBeNull();
    // Confidence: B was in both of A's earlier orders and is in this one, 3 of 3.
    expect(run({ ...state, key }, NOW + DAY)?.list.map((i) => [i.productId, i.score])).toEqual([["B", 1]]);
  });
});
