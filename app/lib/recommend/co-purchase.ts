import { decayWeight, resolveSettings } from "~/lib/recommend/settings";
import { invertCsr, PairAccumulator, TopK, type Csr } from "~/lib/recommend/sparse";
import { GENERIC_REASON } from "~/lib/recommend/explain";
import type { RecItem, RecSettings } from "~/lib/recommend/types";

/**
 * Bought-together score of candidate b for anchor a.
 * confidence P(b|a) (time-decayed) divided by P(b)^alpha damps popularity bias (alpha = 1 is
 * lift), and n/(n + shrinkage) discounts pairs seen in few orders. Pairs below k orders score 0.
 */
export function coPurchaseScore(
  pairWeight: number,
  pairOrders: number,
  anchorWeight: number,
  candidateWeight: number,
  totalWeight: number,
  settings: Pick<RecSettings, "minPairOrders" | "popularityAlpha" | "shrinkage">,
): number {
  if (pairOrders < settings.minPairOrders || anchorWeight <= 0) return 0;
  const confidence = pairWeight / anchorWeight;
  const shrunk = pairOrders / (pairOrders + settings.shrinkage);
  // At alpha 0 the candidate's popularity has no effect, so callers need not know it.
  if (settings.popularityAlpha === 0) return confidence * shrunk;
  if (candidateWeight <= 0 || totalWeight <= 0) return 0;
  return (confidence / Math.pow(candidateWeight / totalWeight, settings.popularityAlpha)) * shrunk;
}

export interface CoPurchaseWeights {
  orderWeight: Float64Array;
  itemWeight: Float64Array;
  itemOrders: Int32Array;
  totalWeight: number;
}

/** Decayed weight per order and per product, and distinct order counts, at time `now`. */
export function coPurchaseWeights(
  baskets: Csr,
  orderTimes: Float64Array,
  nItems: number,
  now: number,
  halfLifeDays: number,
): CoPurchaseWeights {
  const nOrders = orderTimes.length;
  const orderWeight = new Float64Array(nOrders);
  const itemWeight = new Float64Array(nItems);
  const itemOrders = new Int32Array(nItems);
  let totalWeight = 0;
  for (let r = 0; r < nOrders; r++) {
    const w = decayWeight(now - orderTimes[r], halfLifeDays);
    orderWeight[r] = w;
    totalWeight += w;
    for (let j = baskets.ptr[r]; j < baskets.ptr[r + 1]; j++) {
      itemWeight[baskets.items[j]] += w;
      itemOrders[baskets.items[j]]++;
    }
  }
  return { orderWeight, itemWeight, itemOrders, totalWeight };
}

/**
 * Scores every candidate for one anchor into `top` (cleared first). The full compute and the
 * incremental path both call this, so they agree exactly.
 */
export function scoreAnchorIndexed(
  anchor: number,
  baskets: Csr,
  ordersByProduct: Csr,
  orderWeight: Float64Array,
  itemWeight: Float64Array | ((item: number) => number),
  totalWeight: number,
  settings: RecSettings,
  eligible: Uint8Array | null,
  acc: PairAccumulator,
  top: TopK,
): number {
  top.clear();
  acc.reset();
  acc.accumulate(anchor, baskets, ordersByProduct, orderWeight, settings.maxAnchorOrders);
  const weightOf = typeof itemWeight === "function" ? itemWeight : (i: number) => itemWeight[i];
  const anchorWeight = weightOf(anchor);
  const seen = acc.nTouched;
  for (let t = 0; t < acc.nTouched; t++) {
    const b = acc.touched[t];
    const count = acc.count(b);
    if (count < settings.minPairOrders) continue;
    if (eligible !== null && eligible[b] === 0) continue;
    const s = coPurchaseScore(acc.weight(b), count, anchorWeight, weightOf(b), totalWeight, settings);
    if (s > 0) top.push(b, s);
  }
  acc.reset();
  return seen;
}

export interface AnchorBasket {
  productIds: readonly string[];
  createdAt: number;
}


/**
 * Incremental bought-together for ONE anchor: given the orders that contain it (only the newest
 * `maxAnchorOrders` are used, as in the full compute), the decayed
 * order weight of every product and the total decayed order weight (all decayed to `now`),
 * returns the same ranking the full compute would.
 */
export function scoreCoPurchaseAnchor(input: {
  anchorId: string;
  baskets: readonly AnchorBasket[];
  itemOrderWeights: ReadonlyMap<string, number>;
  totalOrderWeight: number;
  now: number;
  settings?: Partial<RecSettings>;
  isEligible?: (productId: string) => boolean;
  /** Title used in the reason; a sensitive anchor is never named. */
  anchorTitle?: string;
  anchorIsSensitive?: boolean;
}): RecItem[] {
  const lists = scoreCoPurchaseAnchors({
    ...input,
    anchors: [{ id: input.anchorId, title: input.anchorTitle, isSensitive: input.anchorIsSensitive }],
  });
  return lists.get(input.anchorId) ?? [];
}

/**
 * Sorts row indices by (time, index). A comparator sort was the largest single cost of an incremental
 * update with thousands of baskets, so when every key fits exactly in a double, (time - min) * n + index
 * is sorted natively instead; otherwise (fractional times, a very long span) the comparator is used.
 */
function sortByTimeThenIndex(order: Int32Array, times: Float64Array): void {
  const n = order.length;
  let min = Infinity;
  let max = -Infinity;
  let integral = true;
  for (let r = 0; r < n; r++) {
    const t = times[r];
    if (t < min) min = t;
    if (t > max) max = t;
    if (!Number.isInteger(t)) integral = false;
  }
  if (!integral || (max - min + 1) * n > Number.MAX_SAFE_INTEGER) {
    order.sort((x, y) => times[x] - times[y] || x - y);
    return;
  }
  const keys = new Float64Array(n);
  for (let r = 0; r < n; r++) keys[r] = (times[r] - min) * n + r;
  keys.sort();
  for (let k = 0; k < n; k++) order[k] = keys[k] % n;
}

/**
 * Incremental bought-together for several anchors at once (the products of a new order):
 * `baskets` is the union of the orders containing any of them, each order once. Product ids are
 * mapped to local integers once, and each anchor is then counted with the same integer code
 * the full compute uses, so the lists equal the full compute's.
 */
export function scoreCoPurchaseAnchors(input: {
  anchors: readonly { id: string; title?: string; isSensitive?: boolean }[];
  baskets: readonly AnchorBasket[];
  itemOrderWeights: ReadonlyMap<string, number>;
  totalOrderWeight: number;
  now: number;
  settings?: Partial<RecSettings>;
  isEligible?: (productId: string) => boolean;
}): Map<string, RecItem[]> {
  const settings = resolveSettings(input.settings);
  const local = new Map<string, number>();
  const ids: string[] = [];
  for (const a of input.anchors) {
    if (!local.has(a.id)) {
      local.set(a.id, ids.length);
      ids.push(a.id);
    }
  }
  // Oldest first, ties by input position: the newest maxAnchorOrders of each anchor are its last rows.
  // Callers often pass them in that order already, which a single pass confirms.
  const nBaskets = input.baskets.length;
  const times = new Float64Array(nBaskets);
  const order = new Int32Array(nBaskets);
  let inOrder = true;
  let total = 0;
  for (let r = 0; r < nBaskets; r++) {
    const basket = input.baskets[r];
    times[r] = basket.createdAt;
    order[r] = r;
    if (r > 0 && times[r] < times[r - 1]) inOrder = false;
    total += basket.productIds.length;
  }
  if (!inOrder) sortByTimeThenIndex(order, times);
  const ptr = new Int32Array(nBaskets + 1);
  const flat = new Int32Array(total);
  // Every product is an anchor or on some line, so this many slots can never overflow.
  const stamp = new Int32Array(ids.length + total).fill(-1);
  let n = 0;
  for (let r = 0; r < nBaskets; r++) {
    for (const p of input.baskets[order[r]].productIds) {
      let i = local.get(p);
      if (i === undefined) {
        i = ids.length;
        local.set(p, i);
        ids.push(p);
      }
      if (stamp[i] === r) continue;
      stamp[i] = r;
      flat[n++] = i;
    }
    ptr[r + 1] = n;
  }
  const baskets: Csr = { ptr, items: flat.subarray(0, n) };
  const orderWeight = new Float64Array(nBaskets);
  for (let r = 0; r < nBaskets; r++) orderWeight[r] = decayWeight(input.now - times[order[r]], settings.halfLifeDays);
  const eligible = new Uint8Array(ids.length);
  for (let i = 0; i < ids.length; i++) eligible[i] = !input.isEligible || input.isEligible(ids[i]) ? 1 : 0;
  const weights = Float64Array.from(ids, (id) => input.itemOrderWeights.get(id) ?? 0);
  const inverted = invertCsr(baskets, ids.length);
  const acc = new PairAccumulator(ids.length);
  const top = new TopK(settings.poolSize);
  const out = new Map<string, RecItem[]>();
  for (const anchor of input.anchors) {
    const a = local.get(anchor.id)!;
    scoreAnchorIndexed(a, baskets, inverted, orderWeight, weights, input.totalOrderWeight, settings, eligible, acc, top);
    const count = top.drainCount();
    const reason = anchor.isSensitive ? GENERIC_REASON.co_purchase : `Often bought with ${anchor.title ?? anchor.id}`;
    const list: RecItem[] = [];
    for (let k = 0; k < count; k++) {
      const rec: RecItem = { productId: ids[top.sortedItems[k]], score: Math.fround(top.sortedScores[k]), reason, source: "co_purchase" };
      if (!anchor.isSensitive) rec.reasonProductId = anchor.id;
      list.push(rec);
    }
    out.set(anchor.id, list);
  }
  return out;
}
