import { GENERIC_REASON } from "~/lib/recommend/explain";
import { DAY_MS } from "~/lib/recommend/settings";
import type { MerchantRule, ProductInfo, RecItem } from "~/lib/recommend/types";

export interface RerankContext {
  /** Catalogue lookup; products not in it are dropped, since their stock cannot be checked. */
  products: ReadonlyMap<string, ProductInfo>;
  size: number;
  now?: number;
  cartProductIds?: Iterable<string>;
  /** The shopper's recent purchases; bought within `justBoughtWindowDays` and not replenishable means dropped. */
  recentPurchases?: readonly { productId: string; purchasedAt: number }[];
  justBoughtWindowDays?: number;
  /** Ids never to show (e.g. the product being viewed). */
  excludeProductIds?: Iterable<string>;
  rules?: readonly MerchantRule[];
  /** MMR trade-off: 1 keeps relevance order, lower values spread product types and collections. */
  diversityLambda?: number;
  discoverySlots?: number;
  /** Times each product has been shown; discovery slots go to the least shown. */
  exposure?: ReadonlyMap<string, number>;
  seed?: number;
  sensitiveProductIds?: ReadonlySet<string>;
}

/** Applies filters, merchant rules, diversity, discovery slots and the sensitive-product guard to one list. */
export function rerank(list: readonly RecItem[], context: RerankContext): RecItem[] {
  const { products, size } = context;
  const rules = context.rules ?? [];
  const blocked = new Set<string>([...(context.cartProductIds ?? []), ...(context.excludeProductIds ?? [])]);
  if (context.now !== undefined) {
    const windowMs = (context.justBoughtWindowDays ?? 30) * DAY_MS;
    for (const p of context.recentPurchases ?? []) {
      if (context.now - p.purchasedAt <= windowMs && products.get(p.productId)?.replenishable !== true) blocked.add(p.productId);
    }
  }
  const allowed = (id: string) => {
    const p = products.get(id);
    return !!p && p.published && p.available && !p.isGiftCard && !blocked.has(id) && !rules.some((r) => r.action === "exclude" && matches(r, p));
  };

  const seen = new Set<string>();
  let candidates: RecItem[] = [];
  for (const item of list) {
    if (seen.has(item.productId) || !allowed(item.productId)) continue;
    seen.add(item.productId);
    const p = products.get(item.productId)!;
    let score = item.score;
    for (const r of rules) if (r.action === "boost" && matches(r, p)) score *= r.factor ?? 1.5;
    candidates.push({ ...item, score });
  }
  candidates = stableSort(candidates, (a, b) => b.score - a.score);

  const pins = resolvePins(rules, candidates, products, allowed);
  const pinnedIds = new Set(pins.map((p) => p.item.productId));
  candidates = candidates.filter((c) => !pinnedIds.has(c.productId));

  let ordered = diversify(candidates, products, context.diversityLambda ?? 1);
  const isBuried = (item: RecItem) => rules.some((r) => r.action === "bury" && matches(r, products.get(item.productId)!));
  ordered = [...ordered.filter((c) => !isBuried(c)), ...ordered.filter(isBuried)];

  const slots = Math.max(0, Math.min(context.discoverySlots ?? 0, size - pins.length));
  const mainCount = Math.max(0, size - pins.length - slots);
  const main = ordered.slice(0, mainCount);
  const discovery = pickDiscovery(ordered.slice(mainCount), size - pins.length - main.length, context.exposure, context.seed ?? 0);
  const out = [...main, ...discovery.map((d): RecItem => ({ ...d, source: "discovery" }))];
  for (const pin of [...pins].sort((a, b) => a.position - b.position)) {
    out.splice(Math.min(Math.max(pin.position - 1, 0), out.length), 0, pin.item);
  }
  return out.slice(0, size).map((item) => guardSensitive(item, context.sensitiveProductIds, products));
}

function matches(rule: MerchantRule, p: ProductInfo): boolean {
  const value = rule.target.value;
  switch (rule.target.kind) {
    case "product":
      return p.id === value;
    case "tag":
      return p.tags.some((t) => t.toLowerCase() === value.toLowerCase());
    case "collection":
      return p.collections.includes(value);
    case "vendor":
      return p.vendor.toLowerCase() === value.toLowerCase();
  }
}

/**
 * A product pin inserts that product; a tag, collection or vendor pin promotes the best-scored
 * matching candidate. Each pin holds one position.
 */
function resolvePins(
  rules: readonly MerchantRule[],
  candidates: readonly RecItem[],
  products: ReadonlyMap<string, ProductInfo>,
  allowed: (id: string) => boolean,
): { item: RecItem; position: number }[] {
  const out: { item: RecItem; position: number }[] = [];
  const used = new Set<string>();
  const top = candidates[0]?.score ?? 1;
  for (const rule of rules) {
    if (rule.action !== "pin") continue;
    let id: string | undefined;
    if (rule.target.kind === "product") id = allowed(rule.target.value) ? rule.target.value : undefined;
    else id = candidates.find((c) => !used.has(c.productId) && matches(rule, products.get(c.productId)!))?.productId;
    if (id === undefined || used.has(id)) continue;
    used.add(id);
    out.push({ item: { productId: id, score: top, reason: GENERIC_REASON.pinned, source: "pinned" }, position: rule.position ?? 1 });
  }
  return out;
}

/** Similarity used for diversity: half for the same product type, half for sharing a collection. */
export function productSimilarity(a: ProductInfo, b: ProductInfo): number {
  const sameType = a.productType !== "" && a.productType === b.productType ? 0.5 : 0;
  const shared = a.collections.some((c) => b.collections.includes(c)) ? 0.5 : 0;
  return sameType + shared;
}

/** Maximal marginal relevance: repeatedly take the item maximising λ·relevance − (1−λ)·max similarity to those taken. */
export function diversify(items: readonly RecItem[], products: ReadonlyMap<string, ProductInfo>, lambda: number): RecItem[] {
  if (lambda >= 1 || items.length <= 1) return [...items];
  const max = Math.max(...items.map((i) => i.score));
  const min = Math.min(...items.map((i) => i.score));
  const relevance = (i: RecItem) => (max > min ? (i.score - min) / (max - min) : 1);
  const remaining = [...items];
  const out: RecItem[] = [];
  while (remaining.length > 0) {
    let best = 0;
    let bestValue = -Infinity;
    for (let k = 0; k < remaining.length; k++) {
      const p = products.get(remaining[k].productId)!;
      let similarity = 0;
      for (const chosen of out) similarity = Math.max(similarity, productSimilarity(p, products.get(chosen.productId)!));
      const value = lambda * relevance(remaining[k]) - (1 - lambda) * similarity;
      if (value > bestValue) {
        bestValue = value;
        best = k;
      }
    }
    out.push(remaining.splice(best, 1)[0]);
  }
  return out;
}

/** The `count` least-exposed items among the first 3×count relevant leftovers; ties broken by a seeded hash. */
function pickDiscovery(rest: readonly RecItem[], count: number, exposure: ReadonlyMap<string, number> | undefined, seed: number): RecItem[] {
  if (count <= 0) return [];
  const pool = rest.slice(0, Math.max(count * 3, count));
  return stableSort(pool, (a, b) => (exposure?.get(a.productId) ?? 0) - (exposure?.get(b.productId) ?? 0) || seededHash(a.productId, seed) - seededHash(b.productId, seed)).slice(0, count);
}

/** FNV-1a of the id mixed with the seed: a stable pseudo-random order with no global state. */
export function seededHash(id: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

function guardSensitive(item: RecItem, sensitive: ReadonlySet<string> | undefined, products: ReadonlyMap<string, ProductInfo>): RecItem {
  if (!sensitive || sensitive.size === 0) return item;
  const named = item.reasonProductId !== undefined && sensitive.has(item.reasonProductId);
  const mentions = [...sensitive].some((id) => {
    const title = products.get(id)?.title;
    return !!title && item.reason.includes(title);
  });
  if (!named && !mentions) return item;
  const { reasonProductId: _omit, ...rest } = item;
  return { ...rest, reason: GENERIC_REASON[item.source] };
}

function stableSort<T>(items: T[], compare: (a: T, b: T) => number): T[] {
  return items.map((item, i) => ({ item, i })).sort((a, b) => compare(a.item, b.item) || a.i - b.i).map((x) => x.item);
}
