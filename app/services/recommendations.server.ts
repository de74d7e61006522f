import { enqueue } from "~/jobs/queues.server";
import { logger } from "~/logger.server";
import { sensitiveProductIds as findSensitive } from "~/lib/ethics/sensitive";
import type { EthicsSettings } from "~/lib/ethics/settings";
import { canUpdateFromState, scoreCoPurchaseAnchors, updateCoPurchaseAnchors, type CoPurchaseState } from "~/lib/recommend/co-purchase";
import { computeRecommendations } from "~/lib/recommend/compute";
import { OrderIndexBuilder } from "~/lib/recommend/indexed-orders";
import { customerRecommendations, interleave, mergeLayers, productRecommendations } from "~/lib/recommend/fallback";
import { recentDistinctProducts, scoreCustomer } from "~/lib/recommend/personal";
import { rerank, seededHash } from "~/lib/recommend/rerank";
import { decayWeight, resolveSettings } from "~/lib/recommend/settings";
import type { NeighbourItem, OrderRecord, ProductInfo, RecItem, RecommendationResult, RecSettings } from "~/lib/recommend/types";
import {
  createRecomputeRun,
  failRecomputeRun,
  forEachRecOrderPage,
  getLiveRecItems,
  getLiveRecLists,
  getLiveRecVersion,
  getOrderForRecs,
  getOrderProductIds,
  listOrderIdsSyncedSince,
  loadAnchorOrders,
  loadAnchorWindows,
  loadOrderProductsAmong,
  loadOrdersForRecs,
  loadCustomerHistory,
  loadDecayedProductWeights,
  loadOrderTimes,
  loadProductCards,
  loadRecProducts,
  nextRecVersion,
  publishRecVersion,
  recListKey,
  updateRecomputeRun,
  upsertLiveRecLists,
  writeRecLists,
  type RecListKind,
  type RecListRow,
} from "~/models/recommendations.server";
import { listRules, ruleAppliesToSurface, toMerchantRule, type MerchRuleRow } from "~/models/merch-rules.server";
import { getShopSettings } from "~/models/shop.server";

const WRITE_BATCH = 2_000;

/** Recommender settings the merchant controls through the ethics settings. */
export function recSettingsFromEthics(ethics: EthicsSettings): Partial<RecSettings> {
  return { minPairOrders: ethics.minPairOrders, diversityLambda: 1 - ethics.diversity, discoverySlots: ethics.discoverySlots };
}

async function shopContext(shop: string) {
  const { ethics } = await getShopSettings({ shop });
  return { ethics, settings: resolveSettings(recSettingsFromEthics(ethics)) };
}

/** Stored form of a list item: short and without undefined fields. */
function storeItems(items: readonly RecItem[]) {
  return items.map((i) => {
    const out: Record<string, unknown> = { productId: i.productId, score: Number(i.score.toPrecision(6)), reason: i.reason, source: i.source };
    if (i.reasonProductId !== undefined) out.reasonProductId = i.reasonProductId;
    return out;
  });
}

/** Stored form of a bought-together state: weights to 10 significant digits, far finer than the float32 scores. */
function storeState(state: CoPurchaseState): CoPurchaseState {
  return { ...state, w: state.w.map((w) => Number(w.toPrecision(10))) };
}

/** Every stored row of a computed result, including what incremental updates need (neighbours, intervals). */
function* resultRows(result: RecommendationResult): Generator<RecListRow> {
  const lists: [RecListKind, ReadonlyMap<string, RecItem[]>][] = [
    ["fbt", result.fbt],
    ["personal", result.personal],
    ["buy_again", result.buyAgain],
    ["content", result.content],
    ["trending", result.trending.byCollection],
  ];
  for (const [kind, map] of lists) for (const [subjectId, items] of map) if (items.length > 0) yield { kind, subjectId, items: storeItems(items) };
  yield { kind: "trending", subjectId: "*", items: storeItems(result.trending.overall) };
  yield { kind: "bestsellers", subjectId: "*", items: storeItems(result.bestsellers) };
  for (const [subjectId, state] of result.fbtStates.entries()) yield { kind: "fbt_state", subjectId, items: storeState(state) };
  for (const [subjectId, items] of result.neighbours) {
    if (items.length > 0) yield { kind: "neighbours", subjectId, items: items.map((n) => ({ productId: n.productId, score: Number(n.score.toPrecision(6)) })) };
  }
  yield {
    kind: "model",
    subjectId: "*",
    items: {
      repurchaseIntervalDays: Object.fromEntries(result.repurchaseIntervalDays),
      defaultRepurchaseIntervalDays: result.defaultRepurchaseIntervalDays,
      repeatRatios: Object.fromEntries([...result.repeatRatios].map(([id, r]) => [id, Number(r.toPrecision(4))])),
      activity: Object.fromEntries(result.activity),
      totalOrderWeight: result.totalOrderWeight,
      weightsAt: result.now,
    } satisfies StoredModel,
  };
}

/**
 * Full recompute: loads the catalogue and orders, computes every list, writes them under a fresh
 * version and flips the shop to it in one transaction. Readers keep the old version until then; a
 * crash leaves it live, and the retry starts another fresh version.
 */
export async function recomputeRecommendations({ shop, now = new Date(), batchSize = WRITE_BATCH }: { shop: string; now?: Date; batchSize?: number }) {
  const { ethics } = await shopContext(shop);
  const version = await nextRecVersion({ shop });
  const run = await createRecomputeRun({ shop, version });
  const started = Date.now();
  try {
    const loadStarted = new Date(Date.now() - 1_000);
    const orders = new OrderIndexBuilder();
    const [products] = await Promise.all([
      loadRecProducts({ shop }),
      forEachRecOrderPage({ shop, onPage: (page) => page.forEach((o) => orders.add(o)) }),
    ]);
    const loadMs = Date.now() - started;
    await updateRecomputeRun({ shop, id: run.id, data: { progress: 0.1, stage: "compute" } });
    const result = computeRecommendations({
      indexed: orders.build(products),
      products,
      now: now.getTime(),
      settings: recSettingsFromEthics(ethics),
      sensitiveProductIds: findSensitive(products, ethics),
    });
    const computeMs = Date.now() - started - loadMs;
    await updateRecomputeRun({ shop, id: run.id, data: { progress: 0.6, stage: "write" } });
    const total = result.fbt.size + result.fbtStates.size + result.personal.size + result.buyAgain.size + result.content.size + result.neighbours.size + result.trending.byCollection.size + 3;
    let written = 0;
    let batch: RecListRow[] = [];
    const flush = async () => {
      written += await writeRecLists({ shop, version, rows: batch, at: now });
      batch = [];
      await updateRecomputeRun({ shop, id: run.id, data: { progress: 0.6 + 0.39 * Math.min(1, written / total), stage: "write" } });
    };
    for (const row of resultRows(result)) {
      batch.push(row);
      if (batch.length >= batchSize) await flush();
    }
    await flush();
    const ms = Date.now() - started;
    const stats = { ...result.stats, rowsWritten: written, loadMs, computeMs, writeMs: ms - loadMs - computeMs, ms };
    await publishRecVersion({ shop, version, runId: run.id, stats });
    // Orders stored while this run computed were missed by it and their incremental updates went to
    // the old version: replay them against the new one.
    await requestOrderUpdates({ shop, orderIds: await listOrderIdsSyncedSince({ shop, since: loadStarted }) });
    logger.info({ shop, version, ...stats }, "recommendations recomputed");
    return { version, ...stats };
  } catch (error) {
    await failRecomputeRun({ shop, id: run.id, error: error instanceof Error ? error.message : String(error) });
    throw error;
  }
}

/** Enqueues a full recompute; piled-up requests for a shop collapse into one while it waits. */
export async function requestRecompute({ shop }: { shop: string }) {
  await enqueue("recompute-recommendations", { shop }, { deduplication: { id: `recompute-recommendations:${shop}`, keepLastIfActive: true } });
}

/** Enqueues the incremental refresh for changed orders. */
export async function requestOrderUpdates({ shop, orderIds }: { shop: string; orderIds: readonly string[] }) {
  for (const orderId of new Set(orderIds)) await enqueue("update-recommendations-for-order", { shop, orderId });
}

/** The slice of the stored "model" row the incremental update reads. */
interface StoredModel {
  repurchaseIntervalDays?: Record<string, number>;
  defaultRepurchaseIntervalDays?: number;
  repeatRatios?: Record<string, number>;
  /** Products' activity at the recompute (`relativeActivity`, already rounded); absent in rows written before it existed. */
  activity?: Record<string, number>;
  /** Total decayed order weight at `weightsAt` (epoch ms); exponential decay carries it to any later time exactly. */
  totalOrderWeight?: number;
  weightsAt?: number;
}

/** Size and oldest createdAt of an anchor's window, from its newest orders (newest first, up to cap + 1). */
function windowOf(newestFirst: readonly { createdAt: number }[], cap: number) {
  const orders = Math.min(cap, newestFirst.length);
  return { orders, oldest: orders > 0 ? newestFirst[orders - 1].createdAt : 0 };
}

/** A stored bought-together state, if the row holds one. */
function parseState(value: unknown): CoPurchaseState | null {
  const s = value as Partial<CoPurchaseState> | undefined;
  if (!s || typeof s !== "object" || !Array.isArray(s.ids) || !Array.isArray(s.n) || !Array.isArray(s.w)) return null;
  const numbers = [s.at, s.newest, s.oldest, s.orders, s.anchorWeight, s.floor];
  return typeof s.key === "string" && numbers.every((v) => typeof v === "number")
    ? (s as CoPurchaseState)
    : null;
}

/**
 * Bought together for the anchors whose stored states this order can update (docs/decisions/010):
 * reads only each anchor's window of order ids, which of the order's products those orders hold, and
 * the order that left each window. Anchors missing from the result need a recount.
 */
async function updateFromStates(input: {
  shop: string;
  order: OrderRecord;
  anchors: string[];
  live: Map<string, unknown>;
  settings: RecSettings;
  at: number;
  loadProducts: (ids: Iterable<string>) => Promise<void>;
  eligible: (id: string) => boolean;
  anchorInfo: (id: string) => { id: string; title?: string; isSensitive: boolean };
}) {
  const { shop, order, anchors, settings, at } = input;
  const out = new Map<string, { list: RecItem[]; state: CoPurchaseState }>();
  const states = new Map<string, CoPurchaseState>();
  for (const id of anchors) {
    const state = parseState(input.live.get(recListKey("fbt_state", id)));
    if (state && canUpdateFromState(state, settings, order.createdAt, at)) states.set(id, state);
  }
  if (states.size === 0) return out;
  const cap = settings.maxAnchorOrders;
  const windows = await loadAnchorWindows({ shop, productIds: [...states.keys()], limit: cap + 1 });
  const times = new Map<string, number>();
  const dropped = new Map<string, string>();
  for (const [id, window] of windows) {
    for (const o of window.slice(0, cap)) times.set(o.id, o.createdAt);
    if (window.length > cap) dropped.set(id, window[cap].id);
  }
  const [among, droppedOrders, weights] = await Promise.all([
    loadOrderProductsAmong({ shop, orderIds: [...times.keys()], productIds: anchors }),
    loadOrdersForRecs({ shop, orderIds: [...new Set(dropped.values())] }),
    loadDecayedProductWeights({ shop, productIds: [...states.keys()], now: at, halfLifeDays: settings.halfLifeDays }),
    input.loadProducts([...anchors, ...[...states.values()].flatMap((s) => s.ids)]),
  ]);
  const droppedById = new Map(droppedOrders.map((o) => [o.id, { productIds: o.lines.map((l) => l.productId), createdAt: o.createdAt }]));
  const results = updateCoPurchaseAnchors({
    order: { productIds: anchors, createdAt: order.createdAt },
    anchors: [...states].map(([id, state]) => ({
      ...input.anchorInfo(id),
      state,
      anchorWeight: weights.get(id) ?? 0,
      window: windowOf(windows.get(id) ?? [], cap),
      dropped: dropped.has(id) ? droppedById.get(dropped.get(id)!) ?? null : null,
    })),
    baskets: [...times].map(([id, createdAt]) => ({ items: among.get(id) ?? [], createdAt })),
    now: at,
    settings,
    isEligible: input.eligible,
  });
  for (const [id, result] of results) if (result) out.set(id, result);
  return out;
}

/**
 * Incremental update for one order: re-scores bought-together for each of its products and the
 * customer's personal and buy-again lists, writing them into the live version in place. Every
 * id-list lookup is batched (MAX_IDS_PER_QUERY), so a best-seller in a big shop stays under the
 * databases' bound-parameter limits.
 */
export async function updateRecommendationsForOrder({ shop, orderId, now = new Date() }: { shop: string; orderId: string; now?: Date }) {
  // Until the first recompute there is no live version to update; that recompute will read this order.
  if ((await getLiveRecVersion({ shop })) === 0) return { skipped: "no recommendations computed yet" };
  const order = await getOrderForRecs({ shop, orderId });
  // A cancelled order may be counted in its products' stored states, which later orders would build
  // on: its products are recounted without it.
  const anchors = order ? [...new Set(order.lines.map((l) => l.productId))] : await getOrderProductIds({ shop, orderId });
  if (anchors.length === 0) return { skipped: "order missing or without products" };
  const [{ ethics, settings }, live] = await Promise.all([
    shopContext(shop),
    getLiveRecLists({
      shop,
      lists: [{ kind: "model", subjectId: "*" }, { kind: "bestsellers", subjectId: "*" }, ...anchors.map((id) => ({ kind: "fbt_state" as const, subjectId: id }))],
    }),
  ]);
  const model = (live.get(recListKey("model", "*")) ?? {}) as StoredModel;
  const at = now.getTime();
  const byId = new Map<string, ProductInfo>();
  const loadProducts = async (ids: Iterable<string>) => {
    for (const p of await loadRecProducts({ shop, ids: [...new Set(ids)].filter((id) => !byId.has(id)) })) byId.set(p.id, p);
  };
  const eligible = (id: string) => {
    const p = byId.get(id);
    return !!p && p.published && !p.isGiftCard;
  };
  const anchorInfo = (id: string) => ({ id, title: byId.get(id)?.title, isSensitive: findSensitive(byId.get(id) ? [byId.get(id)!] : [], ethics).has(id) });

  const rows: RecListRow[] = [];
  const updated = order ? await updateFromStates({ shop, order, anchors, live, settings, at, loadProducts, eligible, anchorInfo }) : new Map();
  for (const [id, result] of updated) {
    rows.push({ kind: "fbt", subjectId: id, items: storeItems(result.list) }, { kind: "fbt_state", subjectId: id, items: storeState(result.state) });
  }
  const recount = anchors.filter((id) => !updated.has(id));
  if (recount.length > 0) {
    const anchorOrders = await loadAnchorOrders({ shop, productIds: recount, limit: settings.maxAnchorOrders });
    const candidateIds = new Set<string>(recount);
    for (const list of anchorOrders.values()) for (const o of list) for (const l of o.lines) candidateIds.add(l.productId);
    // Candidates' popularity only enters the score when popularityAlpha > 0; the anchor's weight always does.
    const usesPopularity = settings.popularityAlpha > 0;
    const [itemOrderWeights, totalOrderWeight] = await Promise.all([
      loadDecayedProductWeights({ shop, productIds: usesPopularity ? [...candidateIds] : recount, now: at, halfLifeDays: settings.halfLifeDays }),
      usesPopularity ? totalOrderWeightAt({ shop, model, at, halfLifeDays: settings.halfLifeDays }) : Promise.resolve(0),
      loadProducts(candidateIds),
    ]);
    const baskets = new Map<string, { productIds: string[]; createdAt: number }>();
    for (const list of anchorOrders.values()) for (const o of list) if (!baskets.has(o.id)) baskets.set(o.id, { productIds: o.lines.map((l) => l.productId), createdAt: o.createdAt });
    const states = new Map<string, CoPurchaseState>();
    const fbt = scoreCoPurchaseAnchors({
      anchors: recount.map(anchorInfo),
      baskets: [...baskets.values()],
      itemOrderWeights,
      totalOrderWeight,
      now: at,
      settings,
      isEligible: eligible,
      states,
    });
    for (const id of recount) {
      rows.push({ kind: "fbt", subjectId: id, items: storeItems(fbt.get(id) ?? []) });
      const state = states.get(id);
      if (state) rows.push({ kind: "fbt_state", subjectId: id, items: storeState(state) });
    }
  }

  if (order?.customerId) {
    const history = (await loadCustomerHistory({ shop, customerId: order.customerId })).flatMap((o) =>
      o.lines.map((l) => ({ productId: l.productId, createdAt: o.createdAt, orderId: o.id })),
    );
    for (const p of await loadRecProducts({ shop, ids: [...new Set(history.map((l) => l.productId))].filter((id) => !byId.has(id)) })) byId.set(p.id, p);
    const historySensitive = findSensitive([...byId.values()], ethics);
    // Scoring keeps only the newest maxHistoryItems products, so only their neighbour lists are read.
    const recent = recentDistinctProducts(history, settings.maxHistoryItems, historySensitive);
    const neighbourRows = await getLiveRecLists({ shop, lists: recent.map((id) => ({ kind: "neighbours" as const, subjectId: id })) });
    const neighbours = new Map<string, NeighbourItem[]>();
    for (const id of recent) {
      const list = neighbourRows.get(recListKey("neighbours", id));
      if (Array.isArray(list)) neighbours.set(id, list as NeighbourItem[]);
    }
    const bestsellers = (live.get(recListKey("bestsellers", "*")) ?? []) as RecItem[];
    const others = new Set<string>();
    for (const list of neighbours.values()) for (const n of list) if (!byId.has(n.productId)) others.add(n.productId);
    for (const b of bestsellers) if (!byId.has(b.productId)) others.add(b.productId);
    for (const p of await loadRecProducts({ shop, ids: [...others] })) byId.set(p.id, p);
    const catalogue = [...byId.values()];
    const { personal, buyAgain } = scoreCustomer({
      history,
      neighbours,
      repurchaseIntervalDays: new Map(Object.entries(model.repurchaseIntervalDays ?? {})),
      defaultRepurchaseIntervalDays: model.defaultRepurchaseIntervalDays ?? 30,
      repeatRatios: new Map(Object.entries(model.repeatRatios ?? {})),
      activity: model.activity ? new Map(Object.entries(model.activity)) : undefined,
      now: at,
      settings,
      sensitiveProductIds: findSensitive(catalogue, ethics),
      isEligible: eligible,
      productTitles: new Map(catalogue.map((p) => [p.id, p.title])),
      popularity: bestsellers,
    });
    rows.push({ kind: "personal", subjectId: order.customerId, items: storeItems(personal) });
    rows.push({ kind: "buy_again", subjectId: order.customerId, items: storeItems(buyAgain) });
  }
  const { version, written } = await upsertLiveRecLists({ shop, rows, at: now });
  if (version === 0) return { skipped: "no recommendations computed yet" };
  return { version, written, fromState: updated.size, recounted: recount.length };
}

/**
 * The shop's total decayed order weight at `at`: the recompute's stored total decayed forward, plus
 * orders created since. Without a stored total (a version written before it was kept) every order's time is read.
 */
async function totalOrderWeightAt({ shop, model, at, halfLifeDays }: { shop: string; model: StoredModel; at: number; halfLifeDays: number }) {
  const weigh = (times: number[]) => times.reduce((sum, t) => sum + decayWeight(at - t, halfLifeDays), 0);
  if (model.totalOrderWeight === undefined || model.weightsAt === undefined) return weigh(await loadOrderTimes({ shop }));
  return model.totalOrderWeight * decayWeight(at - model.weightsAt, halfLifeDays) + weigh(await loadOrderTimes({ shop, after: new Date(model.weightsAt) }));
}

// ---------------------------------------------------------------------------------------------
// Reading

export type Surface = "product" | "home" | "collection" | "cart" | "account";
export type Strategy = "auto" | "bought_together" | "for_you" | "buy_again" | "trending" | "bestsellers";

export interface RecommendationsQuery {
  shop: string;
  surface: Surface | string;
  strategy: Strategy | string;
  productId?: string;
  customerId?: string;
  cart: string[];
  limit: number;
  personalAllowed: boolean;
  now: Date;
  /** Stable visitor identifier: decides, by hash, which visitors a partial rollout reaches. */
  visitorKey?: string;
}

export interface ServedItem extends RecItem {
  id: string;
  handle: string;
  title: string;
  priceCents: number;
  imageUrl: string | null;
  variantId: string | null;
}

/** Whether a rule with `rolloutPct` reaches this visitor; deterministic per visitor and rule. */
export function inRollout(rule: Pick<MerchRuleRow, "id" | "rolloutPct">, visitorKey: string | undefined): boolean {
  if (rule.rolloutPct >= 100) return true;
  if (!visitorKey) return false;
  return seededHash(`${rule.id}:${visitorKey}`, 0) % 100 < rule.rolloutPct;
}

type Plan = { strategy: string; layers: () => RecItem[] };

/** The candidate pool, before re-ranking: chosen lists, then the fallback chain. */
export async function candidatePool(query: Omit<RecommendationsQuery, "now" | "visitorKey">, poolSize: number): Promise<{ strategy: string; items: RecItem[] }> {
  const { shop, productId, customerId, cart, personalAllowed } = query;
  const seeds = [...(productId ? [productId] : []), ...cart].slice(0, 10);
  const wanted: { kind: RecListKind; subjectId: string }[] = [
    { kind: "trending", subjectId: "*" },
    { kind: "bestsellers", subjectId: "*" },
    ...seeds.flatMap((id) => [{ kind: "fbt" as const, subjectId: id }, { kind: "content" as const, subjectId: id }]),
  ];
  const personal = personalAllowed && !!customerId;
  if (personal) wanted.push({ kind: "personal", subjectId: customerId! }, { kind: "buy_again", subjectId: customerId! });
  const lists = await getLiveRecItems({ shop, lists: wanted });
  const get = (kind: RecListKind, id: string) => lists.get(recListKey(kind, id));
  const mapOf = (kind: RecListKind) => new Map(seeds.flatMap((id) => (get(kind, id) ? [[id, get(kind, id)!] as const] : [])));
  const result = {
    settings: resolveSettings(),
    fbt: mapOf("fbt"),
    content: mapOf("content"),
    personal: personal ? new Map([[customerId!, get("personal", customerId!) ?? []]]) : new Map(),
    buyAgain: new Map(),
    trending: { overall: get("trending", "*") ?? [], byCollection: new Map() },
    bestsellers: get("bestsellers", "*") ?? [],
  } as unknown as RecommendationResult;
  const tail = [result.trending.overall, result.bestsellers];
  const exclude = new Set(cart);

  const plans: Record<string, Plan> = {
    bought_together: {
      strategy: "bought_together",
      layers: () => (productId ? productRecommendations(result, productId, { size: poolSize, exclude }) : mergeLayers(tail, poolSize, exclude)),
    },
    complete_the_cart: {
      strategy: "bought_together",
      layers: () => mergeLayers([interleave(cart.map((id) => result.fbt.get(id))), interleave(cart.map((id) => result.content.get(id))), ...tail], poolSize, exclude),
    },
    for_you: {
      strategy: personal ? "for_you" : "trending",
      layers: () => customerRecommendations(result, personal ? customerId! : null, { size: poolSize, recentProductIds: cart, exclude }),
    },
    buy_again: {
      strategy: personal ? "buy_again" : "bestsellers",
      layers: () => mergeLayers([personal ? get("buy_again", customerId!) : undefined, result.bestsellers, result.trending.overall], poolSize, exclude),
    },
    trending: { strategy: "trending", layers: () => mergeLayers(tail, poolSize, exclude) },
    bestsellers: { strategy: "bestsellers", layers: () => mergeLayers([result.bestsellers, result.trending.overall], poolSize, exclude) },
  };
  let key = query.strategy;
  if (key === "auto") {
    if (query.surface === "product" && productId) key = "bought_together";
    else if (query.surface === "cart" && cart.length > 0) key = "complete_the_cart";
    else key = personal ? "for_you" : "trending";
  }
  const plan = plans[key] ?? plans.trending;
  return { strategy: plan.strategy, items: plan.layers() };
}

/** Approved rules for a surface that reach this visitor, in the re-ranker's form. */
async function activeRules({ shop, surface, visitorKey }: { shop: string; surface: string; visitorKey?: string }) {
  const rows = await listRules({ shop, status: "approved" });
  return rows.filter((r) => ruleAppliesToSurface(r, surface) && inRollout(r, visitorKey)).map(toMerchantRule);
}

/**
 * The storefront read: lists for the strategy, the fallback chain to fill `limit`, then re-ranking
 * with approved merchant rules, cart, just-bought items, stock, diversity, discovery and the
 * sensitive-product guard. Every item keeps its plain-language reason.
 */
export async function getRecommendations(query: RecommendationsQuery): Promise<{ items: ServedItem[]; strategy: string }> {
  const { shop, limit } = query;
  const [{ ethics, settings }, rules] = await Promise.all([shopContext(shop), activeRules(query)]);
  const pool = await candidatePool(query, Math.max(settings.poolSize, limit * 3));
  const personal = query.personalAllowed && !!query.customerId;
  const recent = personal ? await loadCustomerHistory({ shop, customerId: query.customerId! }) : [];
  const productIds = new Set(pool.items.map((i) => i.productId));
  for (const r of rules) if (r.action === "pin" && r.target.kind === "product") productIds.add(r.target.value);
  const products = await loadRecProducts({ shop, ids: [...productIds] });
  const byId = new Map<string, ProductInfo>(products.map((p) => [p.id, p]));
  const reranked = rerank(pool.items, {
    products: byId,
    size: limit,
    now: query.now.getTime(),
    cartProductIds: query.cart,
    recentPurchases: recent.flatMap((o) => o.lines.map((l) => ({ productId: l.productId, purchasedAt: o.createdAt }))),
    justBoughtWindowDays: settings.justBoughtWindowDays,
    excludeProductIds: query.productId ? [query.productId] : [],
    rules,
    diversityLambda: settings.diversityLambda,
    discoverySlots: settings.discoverySlots,
    seed: query.visitorKey ? seededHash(query.visitorKey, 1) : 0,
    sensitiveProductIds: findSensitive(products, ethics),
  });
  const cards = await loadProductCards({ shop, ids: reranked.map((i) => i.productId) });
  const items: ServedItem[] = [];
  for (const item of reranked) {
    const card = cards.get(item.productId);
    if (card) items.push({ ...item, ...card });
  }
  return { items, strategy: pool.strategy };
}

/** Inspector view: a product's or customer's stored lists, and the storefront list before and after re-ranking. */
export async function inspectRecommendations({
  shop,
  productId,
  customerId,
  rules: ruleRows,
  now,
}: {
  shop: string;
  productId?: string;
  customerId?: string;
  rules: readonly MerchRuleRow[];
  now: Date;
}) {
  const { ethics, settings } = await shopContext(shop);
  const subject = productId ?? customerId;
  if (!subject) return null;
  const kinds: RecListKind[] = productId ? ["fbt", "content"] : ["personal", "buy_again"];
  const stored = await getLiveRecItems({ shop, lists: kinds.map((kind) => ({ kind, subjectId: subject })) });
  const query = {
    shop,
    surface: productId ? "product" : "home",
    strategy: productId ? "bought_together" : "for_you",
    productId,
    customerId,
    cart: [],
    limit: settings.listSize,
    personalAllowed: true,
  };
  const pool = await candidatePool(query, settings.poolSize);
  const ids = new Set(pool.items.map((i) => i.productId));
  const rules = ruleRows.filter((r) => ruleAppliesToSurface(r, query.surface)).map(toMerchantRule);
  for (const r of rules) if (r.action === "pin" && r.target.kind === "product") ids.add(r.target.value);
  for (const list of stored.values()) for (const i of list) ids.add(i.productId);
  const products = await loadRecProducts({ shop, ids: [...ids] });
  const byId = new Map(products.map((p) => [p.id, p]));
  const after = rerank(pool.items, {
    products: byId,
    size: settings.listSize,
    now: now.getTime(),
    excludeProductIds: productId ? [productId] : [],
    rules,
    diversityLambda: settings.diversityLambda,
    discoverySlots: settings.discoverySlots,
    sensitiveProductIds: findSensitive(products, ethics),
  });
  const titled = (items: readonly RecItem[]) => items.map((i) => ({ ...i, title: byId.get(i.productId)?.title ?? i.productId }));
  return {
    stored: kinds.map((kind) => ({ kind, items: titled(stored.get(recListKey(kind, subject)) ?? []) })),
    before: titled(pool.items.slice(0, settings.listSize)),
    after: titled(after),
    strategy: pool.strategy,
  };
}
