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
 * Scores every candidate for one anchor into `top` (cleared first), and with `state` collects the
 * anchor's state. The full compute and the incremental recount both call this, so they agree exactly.
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
  state: StateCollector | null = null,
): number {
  top.clear();
  acc.reset();
  acc.accumulate(anchor, baskets, ordersByProduct, orderWeight, settings.maxAnchorOrders);
  const weightOf = typeof itemWeight === "function" ? itemWeight : (i: number) => itemWeight[i];
  const anchorWeight = weightOf(anchor);
  const seen = acc.nTouched;
  state?.begin();
  for (let t = 0; t < acc.nTouched; t++) {
    const b = acc.touched[t];
    const count = acc.count(b);
    if (count < settings.minPairOrders) continue;
    if (state === null && eligible !== null && eligible[b] === 0) continue;
    const s = coPurchaseScore(acc.weight(b), count, anchorWeight, weightOf(b), totalWeight, settings);
    if (!(s > 0)) continue;
    state?.offer(b, s);
    if (eligible === null || eligible[b] === 1) top.push(b, s);
  }
  if (state !== null) {
    const end = ordersByProduct.ptr[anchor + 1];
    const start = Math.max(ordersByProduct.ptr[anchor], end - settings.maxAnchorOrders);
    state.end(acc, anchorWeight, end > start ? ordersByProduct.items[start] : -1, end > start ? ordersByProduct.items[end - 1] : -1, end - start);
  }
  acc.reset();
  return seen;
}

/**
 * What an anchor's bought-together list was scored from, kept beside the list so that the next
 * order can update it without recounting the anchor's baskets (`updateCoPurchaseAnchors`): the best
 * `stateSize` candidates, eligible or not, with their pair counts and decayed pair weights.
 */
export interface CoPurchaseState {
  /** Settings the counts were made under (`coPurchaseStateKey`); any change means a recount. */
  key: string;
  /** Epoch ms the weights are decayed to. */
  at: number;
  /** createdAt of the newest order in the anchor's window. */
  newest: number;
  /** createdAt of the oldest order in the window, and how many orders it holds (at most maxAnchorOrders). */
  oldest: number;
  orders: number;
  /** The anchor's decayed order weight at `at`, the scores' denominator. */
  anchorWeight: number;
  /** No candidate missing from `ids` scored above this at `at` (0: every candidate with a score is listed). */
  floor: number;
  ids: string[];
  n: number[];
  w: number[];
}

/**
 * Whether an order placed at `orderAt` can update a stored state at `now`: same settings, the order
 * newer than everything the state counted, and confidence scores (α = 0), the only ones that keep
 * every other candidate's order when the anchor's weight changes.
 */
export function canUpdateFromState(state: CoPurchaseState, settings: RecSettings, orderAt: number, now: number): boolean {
  return settings.popularityAlpha === 0 && state.key === coPurchaseStateKey(settings) && orderAt > state.newest && orderAt <= now;
}

/** Candidates kept per anchor state: twice the pool, so a few dropping out do not force a recount. */
export function coPurchaseStateSize(settings: Pick<RecSettings, "poolSize">): number {
  return 2 * settings.poolSize;
}

export function coPurchaseStateKey(settings: RecSettings): string {
  return [settings.minPairOrders, settings.shrinkage, settings.halfLifeDays, settings.maxAnchorOrders, settings.poolSize, settings.popularityAlpha].join("|");
}

/** Collects an anchor's state while `scoreAnchorIndexed` scores it; read it between calls. */
export class StateCollector {
  readonly top: TopK;
  readonly items: Int32Array;
  readonly n: Int32Array;
  readonly w: Float64Array;
  count = 0;
  floor = 0;
  anchorWeight = 0;
  /** Rows of the oldest and newest orders of the anchor's window (-1 if none), and how many it holds. */
  oldestRow = -1;
  newestRow = -1;
  windowOrders = 0;
  private offered = 0;

  constructor(size: number) {
    this.top = new TopK(size);
    this.items = new Int32Array(size);
    this.n = new Int32Array(size);
    this.w = new Float64Array(size);
  }

  begin(): void {
    this.top.clear();
    this.offered = 0;
  }

  offer(item: number, score: number): void {
    this.offered++;
    this.top.push(item, score);
  }

  end(acc: PairAccumulator, anchorWeight: number, oldestRow: number, newestRow: number, windowOrders: number): void {
    this.count = this.top.drainCount();
    for (let k = 0; k < this.count; k++) {
      const b = this.top.sortedItems[k];
      this.items[k] = b;
      this.n[k] = acc.count(b);
      this.w[k] = acc.weight(b);
    }
    // The heap only drops candidates that score at most its smallest member.
    this.floor = this.offered > this.count ? this.top.sortedScores[this.count - 1] : 0;
    this.anchorWeight = anchorWeight;
    this.oldestRow = oldestRow;
    this.newestRow = newestRow;
    this.windowOrders = windowOrders;
  }
}

export interface AnchorBasket {
  productIds: readonly string[];
  createdAt: number;
}

/** What recounting anchors from their baskets reads, for one anchor or several. */
interface AnchorCountInput {
  baskets: readonly AnchorBasket[];
  itemOrderWeights: ReadonlyMap<string, number>;
  totalOrderWeight: number;
  now: number;
  settings?: Partial<RecSettings>;
  isEligible?: (productId: string) => boolean;
}

/**
 * Incremental bought-together for ONE anchor: given the orders that contain it (only the newest
 * `maxAnchorOrders` are used, as in the full compute), the decayed
 * order weight of every product and the total decayed order weight (all decayed to `now`),
 * returns the same ranking the full compute would.
 */
export function scoreCoPurchaseAnchor(
  input: AnchorCountInput & {
    anchorId: string;
    /** Title used in the reason; a sensitive anchor is never named. */
    anchorTitle?: string;
    anchorIsSensitive?: boolean;
  },
): RecItem[] {
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

/** A basket as integer product codes. */
export interface CodedBasket {
  items: ArrayLike<number>;
  createdAt: number;
}

interface IndexedBaskets {
  baskets: Csr;
  inverted: Csr;
  /** Each row's createdAt, rows oldest first. */
  times: Float64Array;
  orderWeight: Float64Array;
}

/**
 * Rows oldest first with ties by input position, each product once per row, so the newest
 * maxAnchorOrders rows of an anchor are its last ones, as in the full compute.
 */
function indexBaskets(input: readonly CodedBasket[], nIds: number, now: number, halfLifeDays: number): IndexedBaskets {
  const nBaskets = input.length;
  const given = new Float64Array(nBaskets);
  const order = new Int32Array(nBaskets);
  let inOrder = true;
  let total = 0;
  for (let r = 0; r < nBaskets; r++) {
    given[r] = input[r].createdAt;
    order[r] = r;
    if (r > 0 && given[r] < given[r - 1]) inOrder = false;
    total += input[r].items.length;
  }
  // Callers often pass baskets in time order already, which the pass above confirms.
  if (!inOrder) sortByTimeThenIndex(order, given);
  const ptr = new Int32Array(nBaskets + 1);
  const flat = new Int32Array(total);
  const stamp = new Int32Array(nIds).fill(-1);
  let n = 0;
  for (let r = 0; r < nBaskets; r++) {
    const items = input[order[r]].items;
    for (let j = 0; j < items.length; j++) {
      const i = items[j];
      if (stamp[i] === r) continue;
      stamp[i] = r;
      flat[n++] = i;
    }
    ptr[r + 1] = n;
  }
  const baskets: Csr = { ptr, items: flat.subarray(0, n) };
  const times = new Float64Array(nBaskets);
  const orderWeight = new Float64Array(nBaskets);
  for (let r = 0; r < nBaskets; r++) {
    times[r] = given[order[r]];
    orderWeight[r] = decayWeight(now - times[r], halfLifeDays);
  }
  return { baskets, inverted: invertCsr(baskets, nIds), times, orderWeight };
}

/** Local integer codes for product ids, in first-seen order, starting with `first`. */
function idCoder(first: readonly string[]) {
  const local = new Map<string, number>();
  const ids: string[] = [];
  const code = (id: string) => {
    let i = local.get(id);
    if (i === undefined) {
      i = ids.length;
      local.set(id, i);
      ids.push(id);
    }
    return i;
  };
  for (const id of first) code(id);
  return { ids, local, code };
}

/** Maps the baskets' product ids to local integers, anchors first, then indexes them. */
function internBaskets(anchorIds: readonly string[], input: readonly AnchorBasket[], now: number, halfLifeDays: number) {
  const { ids, local, code } = idCoder(anchorIds);
  // Coded in time order, so ties between candidates break the same however the baskets arrive.
  const times = Float64Array.from(input, (b) => b.createdAt);
  const order = Int32Array.from(input, (_, r) => r);
  sortByTimeThenIndex(order, times);
  const coded = Array.from(order, (r) => ({ items: Int32Array.from(input[r].productIds, code), createdAt: input[r].createdAt }));
  return { ids, local, ...indexBaskets(coded, ids.length, now, halfLifeDays) };
}

function anchorReason(anchor: { id: string; title?: string; isSensitive?: boolean }): string {
  return anchor.isSensitive ? GENERIC_REASON.co_purchase : `Often bought with ${anchor.title ?? anchor.id}`;
}

function toRecItem(anchor: { id: string; isSensitive?: boolean }, productId: string, score: number, reason: string): RecItem {
  const rec: RecItem = { productId, score: Math.fround(score), reason, source: "co_purchase" };
  if (!anchor.isSensitive) rec.reasonProductId = anchor.id;
  return rec;
}

/**
 * Bought-together recounted for several anchors at once (the products of an order whose states
 * cannot be used): `baskets` is the union of the orders containing any of them, each order once. Product ids are
 * mapped to local integers once, and each anchor is then counted with the same integer code
 * the full compute uses, so the lists equal the full compute's. With `states`, each anchor's
 * state is stored there for `updateCoPurchaseAnchors`.
 */
export function scoreCoPurchaseAnchors(
  input: AnchorCountInput & {
    anchors: readonly { id: string; title?: string; isSensitive?: boolean }[];
    states?: Map<string, CoPurchaseState>;
  },
): Map<string, RecItem[]> {
  const settings = resolveSettings(input.settings);
  const { ids, local, baskets, inverted, times, orderWeight } = internBaskets(
    input.anchors.map((a) => a.id),
    input.baskets,
    input.now,
    settings.halfLifeDays,
  );
  const eligible = new Uint8Array(ids.length);
  for (let i = 0; i < ids.length; i++) eligible[i] = !input.isEligible || input.isEligible(ids[i]) ? 1 : 0;
  const weights = Float64Array.from(ids, (id) => input.itemOrderWeights.get(id) ?? 0);
  const acc = new PairAccumulator(ids.length);
  const top = new TopK(settings.poolSize);
  const collector = input.states ? new StateCollector(coPurchaseStateSize(settings)) : null;
  const table = new CoPurchaseStateTable(ids, coPurchaseStateKey(settings), input.now);
  const out = new Map<string, RecItem[]>();
  for (const anchor of input.anchors) {
    const a = local.get(anchor.id)!;
    scoreAnchorIndexed(a, baskets, inverted, orderWeight, weights, input.totalOrderWeight, settings, eligible, acc, top, collector);
    const count = top.drainCount();
    const reason = anchorReason(anchor);
    const list: RecItem[] = [];
    for (let k = 0; k < count; k++) list.push(toRecItem(anchor, ids[top.sortedItems[k]], top.sortedScores[k], reason));
    out.set(anchor.id, list);
    if (collector) table.add(a, times, collector);
  }
  if (input.states) for (const [id, state] of table.entries()) input.states.set(id, state);
  return out;
}

/**
 * Bought-together for the products of a new order from their stored states, without recounting their
 * baskets. `baskets` holds, for every anchor, the orders of its window (its newest maxAnchorOrders,
 * the new one included) cut down to the new order's products: every other candidate's count and
 * weight come from the state, decayed to `now`, minus the order that left the window (`dropped`).
 * Candidates never listed in the state are bounded by its floor, so the list is exact whenever
 * `poolSize` eligible known candidates score above the floor; otherwise, or when the state is stale
 * (another order newer than it, an edited or late order, other settings), the anchor's entry is null
 * and the caller recounts it with `scoreCoPurchaseAnchors`.
 */
export function updateCoPurchaseAnchors(input: {
  order: { productIds: readonly string[]; createdAt: number };
  anchors: readonly {
    id: string;
    title?: string;
    isSensitive?: boolean;
    state: CoPurchaseState | null;
    /** Decayed order weight at `now`, this order included. */
    anchorWeight: number;
    /** The anchor's window as the database has it now, this order included: size and oldest createdAt. */
    window: { orders: number; oldest: number };
    dropped: AnchorBasket | null;
  }[];
  /** Products as positions in `order.productIds`. */
  baskets: readonly CodedBasket[];
  now: number;
  settings?: Partial<RecSettings>;
  isEligible?: (productId: string) => boolean;
}): Map<string, { list: RecItem[]; state: CoPurchaseState } | null> {
  const settings = resolveSettings(input.settings);
  const key = coPurchaseStateKey(settings);
  const out = new Map<string, { list: RecItem[]; state: CoPurchaseState } | null>();
  const usable = (state: CoPurchaseState | null): state is CoPurchaseState => state !== null && canUpdateFromState(state, settings, input.order.createdAt, input.now);
  // The order's products are codes 0..m-1 (the baskets' codes); state products get the codes after.
  const { ids, local, code } = idCoder(input.order.productIds);
  if (ids.length !== input.order.productIds.length) throw new Error("updateCoPurchaseAnchors: the order's product ids must be distinct");
  const nOrder = ids.length;
  const stateCodes = new Map<string, Int32Array>();
  for (const anchor of input.anchors) if (usable(anchor.state)) stateCodes.set(anchor.id, Int32Array.from(anchor.state.ids, code));
  const nIds = ids.length;
  const { baskets, inverted, times, orderWeight } = indexBaskets(input.baskets, nIds, input.now, settings.halfLifeDays);
  const eligible = new Int8Array(nIds).fill(-1);
  const isEligible = (i: number) => {
    if (eligible[i] === -1) eligible[i] = !input.isEligible || input.isEligible(ids[i]) ? 1 : 0;
    return eligible[i] === 1;
  };
  const acc = new PairAccumulator(nIds);
  const knownN = new Int32Array(nIds);
  const knownW = new Float64Array(nIds);
  // A product is touched at most twice per anchor: from the state, then again if the order holds it.
  const touched = new Int32Array(2 * nIds);
  const touchedN = new Int32Array(2 * nIds);
  const touchedW = new Float64Array(2 * nIds);
  const stateSize = coPurchaseStateSize(settings);
  const listTop = new TopK(settings.poolSize);
  const stateTop = new TopK(stateSize);
  for (const anchor of input.anchors) {
    const state = anchor.state;
    const a = local.get(anchor.id);
    if (a === undefined || a >= nOrder || !usable(state) || !(anchor.anchorWeight > 0) || state.anchorWeight <= 0) {
      out.set(anchor.id, null);
      continue;
    }
    // The window must have moved by exactly this order: one more order, or at the cap, the state's oldest
    // one out. Anything else (an edit added or removed the product in an older order) means a recount.
    const cap = settings.maxAnchorOrders;
    const moved =
      state.orders < cap
        ? anchor.window.orders === state.orders + 1 && anchor.dropped === null
        : anchor.window.orders === cap && anchor.dropped !== null && anchor.dropped.createdAt === state.oldest;
    if (!moved) {
      out.set(anchor.id, null);
      continue;
    }
    // The state must be one order behind: the new order is the only one in the window newer than it.
    let newer = 0;
    for (let k = inverted.ptr[a + 1] - 1; k >= inverted.ptr[a] && times[inverted.items[k]] > state.newest; k--) newer++;
    if (newer !== 1) {
      out.set(anchor.id, null);
      continue;
    }
    const decay = decayWeight(input.now - state.at, settings.halfLifeDays);
    let nTouched = 0;
    const codes = stateCodes.get(anchor.id)!;
    for (let k = 0; k < codes.length; k++) {
      const b = codes[k];
      if (b < nOrder || knownN[b] !== 0) continue;
      knownN[b] = state.n[k];
      knownW[b] = state.w[k] * decay;
      touched[nTouched++] = b;
    }
    if (anchor.dropped) {
      const w = decayWeight(input.now - anchor.dropped.createdAt, settings.halfLifeDays);
      const seen = new Set<number>();
      for (const id of anchor.dropped.productIds) {
        const b = local.get(id);
        if (b === undefined || b < nOrder || knownN[b] <= 0 || seen.has(b)) continue;
        seen.add(b);
        knownN[b] -= 1;
        knownW[b] -= w;
      }
    }
    // The order's own products: counted afresh over the window, exact.
    acc.reset();
    acc.accumulate(a, baskets, inverted, orderWeight, settings.maxAnchorOrders);
    for (let t = 0; t < acc.nTouched; t++) {
      const b = acc.touched[t];
      knownN[b] = acc.count(b);
      knownW[b] = acc.weight(b);
      touched[nTouched++] = b;
    }
    acc.reset();

    // A candidate the state never listed, and not in this order, scored at most the floor then; the
    // anchor's new weight scales it like every other such candidate, and it can only have lost orders.
    const floor = (state.floor * state.anchorWeight * decay) / anchor.anchorWeight;
    listTop.clear();
    stateTop.clear();
    let positive = 0;
    // Heaps hold positions in `touched`, whose stats are copied aside before the scratch is cleared.
    for (let t = 0; t < nTouched; t++) {
      const b = touched[t];
      const n = knownN[b];
      const w = knownW[b];
      knownN[b] = 0;
      knownW[b] = 0;
      touchedN[t] = n;
      touchedW[t] = w;
      const score = n > 0 ? coPurchaseScore(w, n, anchor.anchorWeight, 0, 0, settings) : 0;
      if (!(score > 0)) continue;
      positive++;
      stateTop.push(t, score);
      if ((floor === 0 || score > floor) && isEligible(b)) listTop.push(t, score);
    }
    if (floor > 0 && listTop.size < settings.poolSize) {
      out.set(anchor.id, null);
      continue;
    }
    const reason = anchorReason(anchor);
    const list: RecItem[] = [];
    const nList = listTop.drainCount();
    for (let k = 0; k < nList; k++) list.push(toRecItem(anchor, ids[touched[listTop.sortedItems[k]]], listTop.sortedScores[k], reason));
    const nState = stateTop.drainCount();
    const next: CoPurchaseState = {
      key,
      at: input.now,
      newest: input.order.createdAt,
      oldest: anchor.window.oldest,
      orders: anchor.window.orders,
      anchorWeight: anchor.anchorWeight,
      // The heap only drops candidates that score at most its smallest member.
      floor: Math.max(floor, positive > nState ? stateTop.sortedScores[nState - 1] : 0),
      ids: [],
      n: [],
      w: [],
    };
    for (let k = 0; k < nState; k++) {
      const t = stateTop.sortedItems[k];
      next.ids.push(ids[touched[t]]);
      next.n.push(touchedN[t]);
      next.w.push(touchedW[t]);
    }
    out.set(anchor.id, { list, state: next });
  }
  return out;
}

/**
 * Every anchor's state from the full compute, in typed arrays: at 50,000 anchors, state objects
 * would cost several times the memory. Objects are made one at a time when read.
 */
export class CoPurchaseStateTable {
  private anchors: number[] = [];
  private newest: number[] = [];
  private oldest: number[] = [];
  private orders: number[] = [];
  private anchorWeight: number[] = [];
  private floor: number[] = [];
  private ptr: number[] = [0];
  private items = new Int32Array(1024);
  private n = new Int32Array(1024);
  private w = new Float64Array(1024);

  constructor(
    private readonly productIds: readonly string[],
    private readonly key: string,
    private readonly at: number,
  ) {}

  get size(): number {
    return this.anchors.length;
  }

  add(anchor: number, times: Float64Array, collector: StateCollector): void {
    const start = this.ptr[this.ptr.length - 1];
    const end = start + collector.count;
    if (end > this.items.length) {
      const capacity = Math.max(end, this.items.length * 2);
      const items = new Int32Array(capacity);
      items.set(this.items);
      this.items = items;
      const n = new Int32Array(capacity);
      n.set(this.n);
      this.n = n;
      const w = new Float64Array(capacity);
      w.set(this.w);
      this.w = w;
    }
    this.items.set(collector.items.subarray(0, collector.count), start);
    this.n.set(collector.n.subarray(0, collector.count), start);
    this.w.set(collector.w.subarray(0, collector.count), start);
    this.anchors.push(anchor);
    this.newest.push(collector.newestRow >= 0 ? times[collector.newestRow] : 0);
    this.oldest.push(collector.oldestRow >= 0 ? times[collector.oldestRow] : 0);
    this.orders.push(collector.windowOrders);
    this.anchorWeight.push(collector.anchorWeight);
    this.floor.push(collector.floor);
    this.ptr.push(end);
  }

  *entries(): Generator<[string, CoPurchaseState]> {
    for (let k = 0; k < this.anchors.length; k++) {
      const ids: string[] = [];
      const n: number[] = [];
      const w: number[] = [];
      for (let j = this.ptr[k]; j < this.ptr[k + 1]; j++) {
        ids.push(this.productIds[this.items[j]]);
        n.push(this.n[j]);
        w.push(this.w[j]);
      }
      const state = { key: this.key, at: this.at, newest: this.newest[k], oldest: this.oldest[k], orders: this.orders[k], anchorWeight: this.anchorWeight[k], floor: this.floor[k], ids, n, w };
      yield [this.productIds[this.anchors[k]], state];
    }
  }
}
