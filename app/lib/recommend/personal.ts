import { ReasonKind, renderReason, type ReasonLookup } from "~/lib/recommend/explain";
import type { IndexedOrders } from "~/lib/recommend/indexed-orders";
import { DAY_MS, decayWeight, resolveSettings } from "~/lib/recommend/settings";
import { csrFromLengths, invertCsr, PairAccumulator, TopK, type Csr } from "~/lib/recommend/sparse";
import type { NeighbourItem, RecItem, RecSettings, RecSource } from "~/lib/recommend/types";

/** Item-CF neighbour lists in CSR form, best first. */
export interface NeighbourTable {
  ptr: Int32Array;
  items: Int32Array;
  scores: Float32Array;
}

/**
 * Item-CF neighbours from customer-level co-occurrence (a guest order counts as its own
 * customer): cosine similarity shrunk by the number of co-customers.
 */
export function itemNeighbours(
  data: IndexedOrders,
  settings: RecSettings,
  sensitive: Uint8Array,
  onProgress?: (fraction: number) => void,
): { table: NeighbourTable; pairUpdates: number } {
  const nItems = data.productIds.length;
  const rows = customerRows(data, settings.maxHistoryItems, sensitive);
  const inverted = invertCsr(rows, nItems);
  const acc = new PairAccumulator(nItems);
  const top = new TopK(settings.neighbourCount);
  const lengths = new Int32Array(nItems);
  const chunks: { items: Int32Array; scores: Float64Array }[] = [];
  for (let a = 0; a < nItems; a++) {
    const ca = inverted.ptr[a + 1] - inverted.ptr[a];
    top.clear();
    if (ca >= settings.minPairCustomers) {
      acc.accumulate(a, rows, inverted, null);
      for (let t = 0; t < acc.nTouched; t++) {
        const b = acc.touched[t];
        const cab = acc.count(b);
        if (cab < settings.minPairCustomers) continue;
        const cb = inverted.ptr[b + 1] - inverted.ptr[b];
        top.push(b, itemCfSimilarity(cab, ca, cb, settings.cfShrinkage, settings.cfPopularityAlpha));
      }
      acc.reset();
    }
    const drained = top.drain();
    lengths[a] = drained.items.length;
    chunks.push(drained);
    if (onProgress && (a & 1023) === 0) onProgress(a / nItems);
  }
  const ptr = new Int32Array(nItems + 1);
  for (let a = 0; a < nItems; a++) ptr[a + 1] = ptr[a] + lengths[a];
  const items = new Int32Array(ptr[nItems]);
  const scores = new Float32Array(ptr[nItems]);
  for (let a = 0; a < nItems; a++) {
    items.set(chunks[a].items, ptr[a]);
    scores.set(chunks[a].scores, ptr[a]);
  }
  return { table: { ptr, items, scores }, pairUpdates: acc.updates };
}

/**
 * Asymmetric cosine of two products' customer sets, n / (|A|^(1-alpha) |B|^alpha), times
 * n/(n + shrinkage) for co-customer count n; alpha = 0.5 is plain cosine, lower favours popular B.
 */
export function itemCfSimilarity(coCustomers: number, customersA: number, customersB: number, shrinkage: number, alpha = 0.5): number {
  if (coCustomers <= 0 || customersA <= 0 || customersB <= 0) return 0;
  const denominator = alpha === 0.5 ? Math.sqrt(customersA * customersB) : Math.pow(customersA, 1 - alpha) * Math.pow(customersB, alpha);
  return (coCustomers / denominator) * (coCustomers / (coCustomers + shrinkage));
}

function customerRows(data: IndexedOrders, maxItems: number, sensitive: Uint8Array): Csr {
  const { baskets, ordersByCustomer, orderCustomer } = data;
  const nItems = data.productIds.length;
  const stamp = new Int32Array(nItems).fill(-1);
  const lengths: number[] = [];
  let flat = new Int32Array(Math.max(16, baskets.items.length));
  let n = 0;
  const push = (item: number) => {
    if (n === flat.length) {
      const bigger = new Int32Array(flat.length * 2);
      bigger.set(flat);
      flat = bigger;
    }
    flat[n++] = item;
  };
  for (let c = 0; c < data.customerIds.length; c++) {
    const start = n;
    // Newest orders first, so the cap keeps the customer's most recent tastes.
    for (let k = ordersByCustomer.ptr[c + 1] - 1; k >= ordersByCustomer.ptr[c] && n - start < maxItems; k--) {
      const r = ordersByCustomer.items[k];
      for (let j = baskets.ptr[r]; j < baskets.ptr[r + 1] && n - start < maxItems; j++) {
        const p = baskets.items[j];
        if (sensitive[p] || stamp[p] === c) continue;
        stamp[p] = c;
        push(p);
      }
    }
    flat.subarray(start, n).sort();
    lengths.push(n - start);
  }
  for (let r = 0; r < orderCustomer.length; r++) {
    if (orderCustomer[r] >= 0) continue;
    const start = n;
    for (let j = baskets.ptr[r]; j < baskets.ptr[r + 1]; j++) if (!sensitive[baskets.items[j]]) push(baskets.items[j]);
    lengths.push(n - start);
  }
  return csrFromLengths(Int32Array.from(lengths), flat.slice(0, n));
}

/** Median days between a customer's consecutive orders of the same product, per product. */
export function repurchaseIntervals(
  data: IndexedOrders,
  minSamples = 3,
): { days: Float64Array; fallbackDays: number; repeatRatio: Float64Array } {
  const nItems = data.productIds.length;
  const { baskets, ordersByCustomer, orderTimes } = data;
  const last = new Float64Array(nItems).fill(NaN);
  const buyers = new Int32Array(nItems);
  const repeaters = new Int32Array(nItems);
  const repeatedBy = new Int32Array(nItems).fill(-1);
  const touched: number[] = [];
  let gapItem = new Int32Array(1024);
  let gapDays = new Float32Array(1024);
  let g = 0;
  for (let c = 0; c < data.customerIds.length; c++) {
    for (let k = ordersByCustomer.ptr[c]; k < ordersByCustomer.ptr[c + 1]; k++) {
      const r = ordersByCustomer.items[k];
      const t = orderTimes[r];
      for (let j = baskets.ptr[r]; j < baskets.ptr[r + 1]; j++) {
        const p = baskets.items[j];
        if (Number.isNaN(last[p])) {
          touched.push(p);
          buyers[p]++;
        } else if (t > last[p]) {
          if (repeatedBy[p] !== c) {
            repeatedBy[p] = c;
            repeaters[p]++;
          }
          if (g === gapItem.length) {
            const items = new Int32Array(g * 2);
            items.set(gapItem);
            gapItem = items;
            const days = new Float32Array(g * 2);
            days.set(gapDays);
            gapDays = days;
          }
          gapItem[g] = p;
          gapDays[g++] = (t - last[p]) / DAY_MS;
        }
        last[p] = t;
      }
    }
    for (const p of touched) last[p] = NaN;
    touched.length = 0;
  }
  const byItem = invertCsr({ ptr: rangePtr(g), items: gapItem.subarray(0, g) }, nItems);
  const days = new Float64Array(nItems).fill(NaN);
  for (let p = 0; p < nItems; p++) {
    const count = byItem.ptr[p + 1] - byItem.ptr[p];
    if (count < minSamples) continue;
    const values = Float64Array.from(byItem.items.subarray(byItem.ptr[p], byItem.ptr[p + 1]), (i) => gapDays[i]);
    days[p] = median(values);
  }
  const all = Float64Array.from(gapDays.subarray(0, g));
  return { days, fallbackDays: g > 0 ? median(all) : 30, repeatRatio: repeatRatios(buyers, repeaters) };
}

/**
 * Each product's share of buyers who bought it again, relative to the shop-wide share: an
 * m-estimate (prior strength 2 buyers) pulls products with few buyers towards 1 (= average).
 */
export function repeatRatios(buyers: Int32Array, repeaters: Int32Array, priorStrength = 2): Float64Array {
  let totalBuyers = 0;
  let totalRepeaters = 0;
  for (let p = 0; p < buyers.length; p++) {
    totalBuyers += buyers[p];
    totalRepeaters += repeaters[p];
  }
  const shopRate = totalBuyers > 0 ? totalRepeaters / totalBuyers : 0;
  const out = new Float64Array(buyers.length).fill(1);
  if (shopRate <= 0) return out;
  for (let p = 0; p < buyers.length; p++) out[p] = (repeaters[p] + priorStrength * shopRate) / (buyers[p] + priorStrength) / shopRate;
  return out;
}

function rangePtr(n: number): Int32Array {
  const ptr = new Int32Array(n + 1);
  for (let i = 0; i <= n; i++) ptr[i] = i;
  return ptr;
}

function median(values: Float64Array): number {
  values.sort();
  const mid = values.length >> 1;
  return values.length % 2 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
}

/**
 * How likely a product is due again: 1 when the time since the last purchase equals the
 * usual interval, falling off symmetrically on a log scale either side.
 */
export function dueFactor(elapsedDays: number, intervalDays: number): number {
  return 1 / (1 + Math.abs(Math.log((Math.max(0, elapsedDays) + 1) / (Math.max(0, intervalDays) + 1))));
}

/**
 * Buy-again propensity: share of the customer's orders with the product, optionally scaled by
 * how due it is (typical repurchase interval) and by recency; each weight in 0..1 blends its
 * factor in (0 = ignore).
 */
export function buyAgainScore(
  orderCountWithItem: number,
  customerOrders: number,
  elapsedDays: number,
  intervalDays: number,
  recency: number,
  weights: Pick<RecSettings, "buyAgainDueWeight" | "buyAgainRecencyWeight">,
): number {
  const due = weights.buyAgainDueWeight === 0 ? 1 : 1 - weights.buyAgainDueWeight + weights.buyAgainDueWeight * dueFactor(elapsedDays, intervalDays);
  const recent = 1 - weights.buyAgainRecencyWeight + weights.buyAgainRecencyWeight * recency;
  return (orderCountWithItem / (customerOrders + 1)) * due * recent;
}

/** Everything per-customer scoring needs, over one product index space. */
export interface PersonalModel {
  neighbours: NeighbourTable;
  /** Shop-wide bestsellers with scores scaled to a maximum of 1: the popularity prior. */
  popularItems: Int32Array;
  popularScores: Float64Array;
  intervalDays: Float64Array;
  fallbackIntervalDays: number;
  /** Per product, how often its buyers buy it again relative to the shop (1 = average); null = all 1. */
  repeatRatio: Float64Array | null;
  /** Per product, its current activity in 0..1 (see `activityWeight`); null = not known, no effect. */
  activity: Float64Array | null;
  eligible: Uint8Array | null;
}

/** Receives scored items in rank order. */
export type PersonalSink = (
  list: "personal" | "buy_again",
  item: number,
  score: number,
  source: RecSource,
  reason: ReasonKind,
  ref: number,
) => void;

/** Reusable per-product scratch space so scoring a customer allocates nothing. */
export class CustomerScratch {
  readonly freq: Int32Array;
  readonly first: Float64Array;
  readonly last: Float64Array;
  readonly recency: Float64Array;
  readonly buyAgain: Float64Array;
  /**
   * Per candidate product b, side by side so one cache line serves a touch (at 50k products
   * separate arrays cost a cache miss each): [4b] summed CF, [4b+1] best single CF contribution,
   * [4b+2] the history product it came from (-1 none), [4b+3] popularity prior.
   */
  readonly candidate: Float64Array;
  readonly mark: Uint8Array;
  /** Distinct products of the history being scored, then the candidates touched. */
  readonly history: Int32Array;
  readonly touched: Int32Array;
  readonly top: TopK;
  readonly topBuyAgain: TopK;

  constructor(nItems: number, poolSize: number) {
    this.freq = new Int32Array(nItems);
    this.first = new Float64Array(nItems);
    this.last = new Float64Array(nItems);
    this.recency = new Float64Array(nItems);
    this.buyAgain = new Float64Array(nItems);
    this.candidate = new Float64Array(nItems * 4);
    for (let b = 0; b < nItems; b++) this.candidate[4 * b + 2] = -1;
    this.mark = new Uint8Array(nItems);
    this.history = new Int32Array(nItems);
    this.touched = new Int32Array(nItems);
    this.top = new TopK(poolSize);
    this.topBuyAgain = new TopK(poolSize);
  }
}

/**
 * Scores one customer: buy-again over their history, item-CF over their history's neighbours,
 * and the weighted hybrid. `histItems[i]` was in an order at `histTimes[i]`; one entry per
 * order and distinct product. Shared by the full compute and `scoreCustomer`.
 */
export function scoreCustomerIndexed(
  histItems: ArrayLike<number>,
  histTimes: ArrayLike<number>,
  orderCount: number,
  now: number,
  settings: RecSettings,
  model: PersonalModel,
  scratch: CustomerScratch,
  sink: PersonalSink,
): void {
  const { freq, first, last, recency, buyAgain, candidate: cand, mark, history, touched, top, topBuyAgain } = scratch;
  let nHistory = 0;
  for (let i = 0; i < histItems.length; i++) {
    const p = histItems[i];
    const t = histTimes[i];
    if (freq[p] === 0) {
      history[nHistory++] = p;
      first[p] = t;
      last[p] = t;
    } else {
      if (t < first[p]) first[p] = t;
      if (t > last[p]) last[p] = t;
    }
    freq[p]++;
  }
  sortByRecency(history, nHistory, last);
  if (nHistory > settings.maxHistoryItems) {
    for (let i = settings.maxHistoryItems; i < nHistory; i++) freq[history[i]] = 0;
    nHistory = settings.maxHistoryItems;
  }

  const { ptr, items, scores } = model.neighbours;
  let nTouched = 0;
  for (let i = 0; i < nHistory; i++) {
    const h = history[i];
    const r = decayWeight(now - last[h], settings.personalHalfLifeDays);
    recency[h] = r;
    for (let k = ptr[h]; k < ptr[h + 1]; k++) {
      const b = items[k];
      const contribution = r * scores[k];
      if (mark[b] === 0) {
        mark[b] = 1;
        touched[nTouched++] = b;
      }
      const o = 4 * b;
      cand[o] += contribution;
      if (contribution > cand[o + 1]) {
        cand[o + 1] = contribution;
        cand[o + 2] = h;
      }
    }
  }
  let cfMax = 0;
  for (let t = 0; t < nTouched; t++) if (cand[4 * touched[t]] > cfMax) cfMax = cand[4 * touched[t]];
  const popWeight = settings.popularityWeight;
  if (popWeight > 0) {
    for (let k = 0; k < model.popularItems.length; k++) {
      const b = model.popularItems[k];
      cand[4 * b + 3] = model.popularScores[k];
      if (mark[b] === 0) {
        mark[b] = 1;
        touched[nTouched++] = b;
      }
    }
  }

  top.clear();
  topBuyAgain.clear();
  const eligible = model.eligible;
  const act = model.activity;
  const { activityWeight, activityFloor } = settings;
  // Scaled so that the shop's most active product keeps its score.
  const activity = (p: number) => (act === null || activityWeight === 0 ? 1 : Math.pow((act[p] + activityFloor) / (1 + activityFloor), activityWeight));
  for (let i = 0; i < nHistory; i++) {
    const h = history[i];
    const own = freq[h] >= 2 ? (last[h] - first[h]) / DAY_MS / (freq[h] - 1) : NaN;
    const typical = model.intervalDays[h];
    const interval = !Number.isNaN(own) && own > 0 ? own : Number.isNaN(typical) ? model.fallbackIntervalDays : typical;
    let ba = buyAgainScore(freq[h], orderCount, (now - last[h]) / DAY_MS, interval, recency[h], settings);
    if (settings.buyAgainRepeatRateWeight !== 0 && model.repeatRatio !== null) ba *= Math.pow(model.repeatRatio[h], settings.buyAgainRepeatRateWeight);
    buyAgain[h] = ba;
    if (eligible !== null && eligible[h] === 0) continue;
    topBuyAgain.push(h, ba);
    const cfPart = cfMax > 0 ? cand[4 * h] / cfMax : 0;
    top.push(h, activity(h) * (settings.buyAgainWeight * ba + settings.cfRepeatWeight * cfPart + popWeight * cand[4 * h + 3]));
  }
  for (let t = 0; t < nTouched; t++) {
    const b = touched[t];
    if (freq[b] > 0 || (eligible !== null && eligible[b] === 0)) continue;
    top.push(b, activity(b) * (settings.cfWeight * (cfMax > 0 ? cand[4 * b] / cfMax : 0) + popWeight * cand[4 * b + 3]));
  }

  const nHybrid = top.drainCount();
  const hybridItems = top.sortedItems;
  const hybridScores = top.sortedScores;
  for (let k = 0; k < nHybrid; k++) {
    const p = hybridItems[k];
    const baPart = freq[p] > 0 ? settings.buyAgainWeight * buyAgain[p] : 0;
    const cfPart = cfMax > 0 ? (freq[p] > 0 ? settings.cfRepeatWeight : settings.cfWeight) * (cand[4 * p] / cfMax) : 0;
    const cfFrom = cand[4 * p + 2];
    if (freq[p] > 0 && (baPart >= cfPart || cfFrom < 0)) {
      sink("personal", p, hybridScores[k], "buy_again", buyAgainReasonKind(freq[p]), buyAgainReasonRef(freq[p], first[p], last[p]));
    } else if (cfFrom < 0 || popWeight * cand[4 * p + 3] > cfPart) {
      sink("personal", p, hybridScores[k], "bestseller", ReasonKind.Bestseller, -1);
    } else {
      sink("personal", p, hybridScores[k], "personal", ReasonKind.BecauseYouBought, cfFrom);
    }
  }
  const nAgain = topBuyAgain.drainCount();
  for (let k = 0; k < nAgain; k++) {
    const p = topBuyAgain.sortedItems[k];
    sink("buy_again", p, topBuyAgain.sortedScores[k], "buy_again", buyAgainReasonKind(freq[p]), buyAgainReasonRef(freq[p], first[p], last[p]));
  }

  for (let i = 0; i < histItems.length; i++) freq[histItems[i]] = 0;
  for (let t = 0; t < nTouched; t++) {
    const o = 4 * touched[t];
    cand[o] = 0;
    cand[o + 1] = 0;
    cand[o + 2] = -1;
    cand[o + 3] = 0;
    mark[touched[t]] = 0;
  }
}

/** Sorts the first n entries newest purchase first, ties by index; insertion sort, since most histories are short. */
function sortByRecency(items: Int32Array, n: number, last: Float64Array): void {
  if (n > 64) {
    items.subarray(0, n).sort((a, b) => last[b] - last[a] || a - b);
    return;
  }
  for (let i = 1; i < n; i++) {
    const x = items[i];
    const lx = last[x];
    let j = i - 1;
    while (j >= 0 && (last[items[j]] < lx || (last[items[j]] === lx && items[j] > x))) {
      items[j + 1] = items[j];
      j--;
    }
    items[j + 1] = x;
  }
}

function buyAgainReasonKind(freq: number): ReasonKind {
  return freq < 2 ? ReasonKind.BuyAgain : ReasonKind.EveryNDays;
}

function buyAgainReasonRef(freq: number, first: number, last: number): number {
  return freq < 2 ? -1 : Math.max(1, Math.round((last - first) / DAY_MS / (freq - 1)));
}

/** Per-product activity by id (a `result.activity` map will do). */
export type ActivityView = Pick<ReadonlyMap<string, number>, "get">;

export interface HistoryLine {
  productId: string;
  createdAt: number;
  /** Lines of the same order share an id; without one, lines at the same time are one order. */
  orderId?: string;
}

/**
 * The products `scoreCustomer` keeps from a history: the newest `max` distinct ones outside
 * `exclude`, by last purchase, ties by id, the same cut the scorer makes.
 */
export function recentDistinctProducts(history: readonly HistoryLine[], max: number, exclude: ReadonlySet<string> = new Set()): string[] {
  const last = new Map<string, number>();
  for (const l of history) {
    if (exclude.has(l.productId)) continue;
    const t = last.get(l.productId);
    if (t === undefined || l.createdAt > t) last.set(l.productId, l.createdAt);
  }
  return [...last]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, max)
    .map(([id]) => id);
}

/**
 * Incremental personal scoring for ONE customer from their purchase history and the stored
 * item-neighbour lists; returns what the full compute would for this customer.
 */
export function scoreCustomer(input: {
  history: readonly HistoryLine[];
  neighbours: ReadonlyMap<string, readonly NeighbourItem[]>;
  repurchaseIntervalDays: ReadonlyMap<string, number>;
  defaultRepurchaseIntervalDays: number;
  /** Per-product repeat ratios (`result.repeatRatios`); missing products count as average (1). */
  repeatRatios?: ReadonlyMap<string, number>;
  /** Per-product activity (`result.activity`); missing products count as inactive (0). Omitted = not used. */
  activity?: ActivityView;
  now: number;
  settings?: Partial<RecSettings>;
  sensitiveProductIds?: ReadonlySet<string>;
  isEligible?: (productId: string) => boolean;
  productTitles?: ReadonlyMap<string, string>;
  /** The shop's bestsellers (e.g. `result.bestsellers`), the popularity prior. */
  popularity?: readonly { productId: string; score: number }[];
}): { personal: RecItem[]; buyAgain: RecItem[] } {
  const settings = resolveSettings(input.settings);
  const sensitive = input.sensitiveProductIds ?? new Set<string>();
  // The scorer keeps only the newest maxHistoryItems products; cutting here first makes the cost of a
  // years-long history that of its recent part. Every order still counts towards the order total.
  const orderKeys = new Map<string, number>();
  for (const l of input.history) {
    if (sensitive.has(l.productId)) continue;
    const key = l.orderId ?? `@${l.createdAt}`;
    if (!orderKeys.has(key)) orderKeys.set(key, orderKeys.size);
  }
  const kept = new Set(recentDistinctProducts(input.history, settings.maxHistoryItems, sensitive));
  const history = input.history.filter((l) => kept.has(l.productId));
  // Per distinct product, not per line: a long history repeats its products many times over.
  const idSet = new Set<string>(kept);
  const neighbourLists = new Map<string, readonly NeighbourItem[]>();
  for (const id of kept) {
    const list = input.neighbours.get(id) ?? [];
    neighbourLists.set(id, list);
    for (const n of list) idSet.add(n.productId);
  }
  const popularity = (input.popularity ?? []).filter((p) => !sensitive.has(p.productId));
  for (const p of popularity) idSet.add(p.productId);
  const ids = [...idSet].sort();
  const local = new Map(ids.map((id, i) => [id, i]));

  // One entry per order and product, keyed by number: building a string per line cost more than the scoring.
  const seenPerOrder = new Set<number>();
  const histItems: number[] = [];
  const histTimes: number[] = [];
  for (const l of history) {
    const item = local.get(l.productId)!;
    const key = orderKeys.get(l.orderId ?? `@${l.createdAt}`)! * ids.length + item;
    if (seenPerOrder.has(key)) continue;
    seenPerOrder.add(key);
    histItems.push(item);
    histTimes.push(l.createdAt);
  }
  const lengths = new Int32Array(ids.length);
  const flatItems: number[] = [];
  const flatScores: number[] = [];
  for (let i = 0; i < ids.length; i++) {
    const list = neighbourLists.get(ids[i]) ?? [];
    lengths[i] = list.length;
    for (const n of list) {
      flatItems.push(local.get(n.productId)!);
      flatScores.push(n.score);
    }
  }
  const csr = csrFromLengths(lengths, Int32Array.from(flatItems));
  const intervals = Float64Array.from(ids, (id) => input.repurchaseIntervalDays.get(id) ?? NaN);
  const eligible = Uint8Array.from(ids, (id) => (!input.isEligible || input.isEligible(id) ? 1 : 0));
  const popularMax = (input.popularity ?? []).reduce((m, p) => Math.max(m, p.score), 0);
  const model: PersonalModel = {
    neighbours: { ptr: csr.ptr, items: csr.items, scores: Float32Array.from(flatScores) },
    popularItems: Int32Array.from(popularity, (p) => local.get(p.productId)!),
    popularScores: Float64Array.from(popularity, (p) => (popularMax > 0 ? p.score / popularMax : 0)),
    intervalDays: intervals,
    fallbackIntervalDays: input.defaultRepurchaseIntervalDays,
    repeatRatio: input.repeatRatios ? Float64Array.from(ids, (id) => input.repeatRatios!.get(id) ?? 1) : null,
    activity: input.activity ? Float64Array.from(ids, (id) => input.activity!.get(id) ?? 0) : null,
    eligible,
  };
  const lookup: ReasonLookup = {
    productId: (i) => ids[i],
    productTitle: (i) => input.productTitles?.get(ids[i]) ?? ids[i],
    isSensitive: (i) => sensitive.has(ids[i]),
    collectionName: () => "",
  };
  const out = { personal: [] as RecItem[], buyAgain: [] as RecItem[] };
  scoreCustomerIndexed(
    histItems,
    histTimes,
    orderKeys.size,
    input.now,
    settings,
    model,
    new CustomerScratch(ids.length, settings.poolSize),
    (list, item, score, source, kind, ref) => {
      const { reason, reasonProductId } = renderReason(kind, ref, lookup);
      const rec: RecItem = { productId: ids[item], score: Math.fround(score), reason, source };
      if (reasonProductId !== undefined) rec.reasonProductId = reasonProductId;
      (list === "personal" ? out.personal : out.buyAgain).push(rec);
    },
  );
  return out;
}
