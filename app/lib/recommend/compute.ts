import {
  coPurchaseStateKey,
  coPurchaseStateSize,
  CoPurchaseStateTable,
  coPurchaseWeights,
  scoreAnchorIndexed,
  StateCollector,
} from "~/lib/recommend/co-purchase";
import { buildContentIndex, scoreContentAnchor } from "~/lib/recommend/content";
import { ReasonKind, type ReasonLookup } from "~/lib/recommend/explain";
import { indexOrders, type IndexedOrders } from "~/lib/recommend/indexed-orders";
import {
  CustomerScratch,
  itemNeighbours,
  repurchaseIntervals,
  scoreCustomerIndexed,
  type NeighbourTable,
  type PersonalModel,
} from "~/lib/recommend/personal";
import { RecListBuilder, type RecListMap } from "~/lib/recommend/rec-list-map";
import { resolveSettings } from "~/lib/recommend/settings";
import { PairAccumulator, TopK } from "~/lib/recommend/sparse";
import { decayedPopularity, relativeActivity, topByScore, windowedOrderCounts } from "~/lib/recommend/trending";
import type {
  NeighbourItem,
  OrderRecord,
  ProductInfo,
  RecItem,
  RecommendationResult,
  RecSettings,
} from "~/lib/recommend/types";

export interface ComputeInput {
  /** The shop's orders, or `indexed`: the same already packed by an OrderIndexBuilder (streamed loads). */
  orders?: readonly OrderRecord[];
  indexed?: IndexedOrders;
  /** The catalogue. Products missing from it, unpublished or gift cards are never recommended; with an empty catalogue every ordered product is eligible. */
  products: readonly ProductInfo[];
  now: number;
  settings?: Partial<RecSettings>;
  /** Never used as personal signals and never named in a reason. */
  sensitiveProductIds?: Iterable<string>;
  onProgress?: (fraction: number, stage: string) => void;
  /** Skip parts not needed (evaluation and benchmarks); all are computed by default. */
  parts?: Partial<Record<"fbt" | "personal" | "content" | "trending", boolean>>;
}

/** Full recompute of every recommendation list for a shop. */
export function computeRecommendations(input: ComputeInput): RecommendationResult {
  const settings = resolveSettings(input.settings);
  const { now } = input;
  const parts = { fbt: true, personal: true, content: true, trending: true, ...input.parts };
  const progress = input.onProgress ?? (() => {});
  progress(0, "index");
  if (!input.orders === !input.indexed) throw new Error("computeRecommendations needs exactly one of orders and indexed");
  const data = input.indexed ?? indexOrders(input.orders!, input.products);
  const nItems = data.productIds.length;
  const productsByIndex: (ProductInfo | undefined)[] = new Array(nItems);
  for (const p of input.products) productsByIndex[data.productIndex.get(p.id)!] = p;
  const eligible = new Uint8Array(nItems);
  for (let i = 0; i < nItems; i++) {
    const p = productsByIndex[i];
    eligible[i] = input.products.length === 0 || (p !== undefined && p.published && !p.isGiftCard) ? 1 : 0;
  }
  const sensitive = new Uint8Array(nItems);
  for (const id of input.sensitiveProductIds ?? []) {
    const i = data.productIndex.get(id);
    if (i !== undefined) sensitive[i] = 1;
  }
  const lookup: ReasonLookup = {
    productId: (i) => data.productIds[i],
    productTitle: (i) => productsByIndex[i]?.title || data.productIds[i],
    isSensitive: (i) => sensitive[i] === 1,
    collectionName: () => "",
  };
  const weights = coPurchaseWeights(data.baskets, data.orderTimes, nItems, now, settings.halfLifeDays);
  const stats = {
    orders: data.orderTimes.length,
    products: nItems,
    customers: data.customerIds.length,
    pairUpdates: 0,
    pairsSeen: 0,
    fbtLists: 0,
    personalLists: 0,
  };

  progress(0.05, "co-purchase");
  const fbtBuilder = new RecListBuilder();
  const fbtStates = new CoPurchaseStateTable(data.productIds, coPurchaseStateKey(settings), now);
  if (parts.fbt) {
    const acc = new PairAccumulator(nItems);
    const top = new TopK(settings.poolSize);
    const collector = new StateCollector(coPurchaseStateSize(settings));
    for (let a = 0; a < nItems; a++) {
      if (weights.itemOrders[a] >= settings.minPairOrders) {
        stats.pairsSeen += scoreAnchorIndexed(
          a,
          data.baskets,
          data.ordersByProduct,
          weights.orderWeight,
          weights.itemWeight,
          weights.totalWeight,
          settings,
          eligible,
          acc,
          top,
          collector,
        );
        fbtStates.add(a, data.orderTimes, collector);
        const n = top.drainCount();
        for (let k = 0; k < n; k++) fbtBuilder.push(top.sortedItems[k], top.sortedScores[k], "co_purchase", ReasonKind.BoughtWith, a);
        fbtBuilder.endList(data.productIds[a]);
      }
      if ((a & 1023) === 0) progress(0.05 + 0.35 * (a / nItems), "co-purchase");
    }
    stats.pairUpdates += acc.updates;
  }
  const fbt = fbtBuilder.build(data.productIds, lookup);
  stats.fbtLists = fbt.size;

  progress(0.4, "neighbours");
  let neighbourTable: NeighbourTable = { ptr: new Int32Array(nItems + 1), items: new Int32Array(0), scores: new Float32Array(0) };
  const personalBuilder = new RecListBuilder();
  const buyAgainBuilder = new RecListBuilder();
  const intervals = repurchaseIntervals(data);
  const sold = windowedOrderCounts(data.baskets, data.orderTimes, nItems, now, settings.bestsellerWindowDays);
  const popular = Int32Array.from(topByScore(sold, settings.poolSize, eligible));
  const popularMax = popular.length > 0 ? sold[popular[0]] : 0;
  const hot = decayedPopularity(data.baskets, data.orderTimes, nItems, now, settings.trendingHalfLifeDays);
  const activity = relativeActivity(hot);
  if (parts.personal) {
    const built = itemNeighbours(data, settings, sensitive, (f) => progress(0.4 + 0.25 * f, "neighbours"));
    neighbourTable = built.table;
    stats.pairUpdates += built.pairUpdates;
    progress(0.65, "personal");
    scoreAllCustomers(data, settings, now, sensitive, {
      neighbours: neighbourTable,
      // Sensitive products stay out of personal lists altogether, even via the prior.
      popularItems: popular.filter((i) => sensitive[i] === 0),
      popularScores: Float64Array.from(popular.filter((i) => sensitive[i] === 0), (i) => (popularMax > 0 ? sold[i] / popularMax : 0)),
      intervalDays: intervals.days,
      fallbackIntervalDays: intervals.fallbackDays,
      repeatRatio: intervals.repeatRatio,
      activity,
      eligible,
    }, personalBuilder, buyAgainBuilder, (f) => progress(0.65 + 0.2 * f, "personal"));
  }
  const personal = personalBuilder.build(data.productIds, lookup);
  const buyAgain = buyAgainBuilder.build(data.productIds, lookup);
  stats.personalLists = personal.size;

  progress(0.85, "content");
  const contentBuilder = new RecListBuilder();
  if (parts.content && input.products.length > 0) {
    const index = buildContentIndex(productsByIndex, weights.itemWeight, settings.contentPostingCap);
    const scratch = new Float64Array(nItems);
    const touched: number[] = [];
    const top = new TopK(settings.poolSize);
    for (let a = 0; a < nItems; a++) {
      if (productsByIndex[a] === undefined) continue;
      scoreContentAnchor(a, index, eligible, scratch, touched, top);
      const n = top.drainCount();
      for (let k = 0; k < n; k++) contentBuilder.push(top.sortedItems[k], top.sortedScores[k], "content", ReasonKind.SimilarTo, a);
      contentBuilder.endList(data.productIds[a]);
      if ((a & 1023) === 0) progress(0.85 + 0.1 * (a / nItems), "content");
    }
  }
  const content = contentBuilder.build(data.productIds, lookup);

  progress(0.95, "trending");
  const trending = { overall: [] as RecItem[], byCollection: new Map<string, RecItem[]>() };
  let bestsellers: RecItem[] = [];
  if (parts.trending) {
    const toItems = (list: number[], reason: string, source: "trending" | "bestseller", scores: Float64Array) =>
      list.map((i): RecItem => ({ productId: data.productIds[i], score: Math.fround(scores[i]), reason, source }));
    trending.overall = toItems(topByScore(hot, settings.poolSize, eligible), "Trending now", "trending", hot);
    const members = new Map<string, number[]>();
    for (let i = 0; i < nItems; i++) {
      for (const c of productsByIndex[i]?.collections ?? []) {
        if (!members.has(c)) members.set(c, []);
        members.get(c)!.push(i);
      }
    }
    for (const [collection, list] of [...members].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      const ranked = topByScore(hot, settings.poolSize, eligible, list);
      if (ranked.length > 0) trending.byCollection.set(collection, toItems(ranked, `Trending in ${collection}`, "trending", hot));
    }
    bestsellers = toItems(Array.from(popular), "Bestseller", "bestseller", sold);
  }

  const itemOrderWeights = new Map<string, number>();
  const repurchaseIntervalDays = new Map<string, number>();
  const repeatRatios = new Map<string, number>();
  const activityById = new Map<string, number>();
  for (let i = 0; i < nItems; i++) {
    if (activity[i] > 0) activityById.set(data.productIds[i], activity[i]);
    if (intervals.repeatRatio[i] !== 1) repeatRatios.set(data.productIds[i], intervals.repeatRatio[i]);
    if (weights.itemWeight[i] > 0) itemOrderWeights.set(data.productIds[i], weights.itemWeight[i]);
    if (!Number.isNaN(intervals.days[i])) repurchaseIntervalDays.set(data.productIds[i], intervals.days[i]);
  }
  progress(1, "done");
  return {
    now,
    settings,
    fbt,
    fbtStates,
    personal,
    buyAgain,
    content,
    trending,
    bestsellers,
    neighbours: new NeighbourMap(data.productIds, neighbourTable),
    repurchaseIntervalDays,
    defaultRepurchaseIntervalDays: intervals.fallbackDays,
    repeatRatios,
    activity: activityById,
    itemOrderWeights,
    totalOrderWeight: weights.totalWeight,
    stats,
  };
}

function scoreAllCustomers(
  data: IndexedOrders,
  settings: RecSettings,
  now: number,
  sensitive: Uint8Array,
  model: PersonalModel,
  personal: RecListBuilder,
  buyAgain: RecListBuilder,
  onProgress: (fraction: number) => void,
): void {
  const { baskets, ordersByCustomer, orderTimes } = data;
  const scratch = new CustomerScratch(data.productIds.length, settings.poolSize);
  const histItems: number[] = [];
  const histTimes: number[] = [];
  const sink = (list: "personal" | "buy_again", item: number, score: number, source: RecItem["source"], kind: ReasonKind, ref: number) =>
    (list === "personal" ? personal : buyAgain).push(item, score, source, kind, ref);
  const nCustomers = data.customerIds.length;
  for (let c = 0; c < nCustomers; c++) {
    histItems.length = 0;
    histTimes.length = 0;
    let orderCount = 0;
    for (let k = ordersByCustomer.ptr[c]; k < ordersByCustomer.ptr[c + 1]; k++) {
      const r = ordersByCustomer.items[k];
      let kept = 0;
      for (let j = baskets.ptr[r]; j < baskets.ptr[r + 1]; j++) {
        const p = baskets.items[j];
        if (sensitive[p]) continue;
        histItems.push(p);
        histTimes.push(orderTimes[r]);
        kept++;
      }
      if (kept > 0) orderCount++;
    }
    if (histItems.length > 0) {
      scoreCustomerIndexed(histItems, histTimes, orderCount, now, settings, model, scratch, sink);
      personal.endList(data.customerIds[c]);
      buyAgain.endList(data.customerIds[c]);
    }
    if ((c & 1023) === 0) onProgress(c / nCustomers);
  }
}

/** Neighbour lists materialised on read. */
class NeighbourMap implements ReadonlyMap<string, NeighbourItem[]> {
  private readonly keyList: string[];
  private readonly index: Map<string, number>;

  constructor(
    private readonly productIds: string[],
    private readonly table: NeighbourTable,
  ) {
    this.keyList = productIds.filter((_, i) => table.ptr[i + 1] > table.ptr[i]);
    this.index = new Map(productIds.map((id, i) => [id, i]));
  }

  get size(): number {
    return this.keyList.length;
  }

  has(key: string): boolean {
    const i = this.index.get(key);
    return i !== undefined && this.table.ptr[i + 1] > this.table.ptr[i];
  }

  get(key: string): NeighbourItem[] | undefined {
    const i = this.index.get(key);
    if (i === undefined || this.table.ptr[i + 1] === this.table.ptr[i]) return undefined;
    const out: NeighbourItem[] = [];
    for (let k = this.table.ptr[i]; k < this.table.ptr[i + 1]; k++) {
      out.push({ productId: this.productIds[this.table.items[k]], score: this.table.scores[k] });
    }
    return out;
  }

  *keys(): MapIterator<string> {
    yield* this.keyList;
  }

  *values(): MapIterator<NeighbourItem[]> {
    for (const k of this.keyList) yield this.get(k)!;
  }

  *entries(): MapIterator<[string, NeighbourItem[]]> {
    for (const k of this.keyList) yield [k, this.get(k)!];
  }

  [Symbol.iterator](): MapIterator<[string, NeighbourItem[]]> {
    return this.entries();
  }

  forEach(callback: (value: NeighbourItem[], key: string, map: ReadonlyMap<string, NeighbourItem[]>) => void): void {
    for (const k of this.keyList) callback(this.get(k)!, k, this);
  }
}

export type { RecListMap };
