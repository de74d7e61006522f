import type { CoPurchaseStateTable } from "~/lib/recommend/co-purchase";
export interface OrderLineRecord {
  productId: string;
  quantity: number;
  priceCents: number;
}

export interface OrderRecord {
  id: string;
  customerId: string | null;
  /** Epoch milliseconds. */
  createdAt: number;
  lines: OrderLineRecord[];
}

export interface ProductInfo {
  id: string;
  title: string;
  productType: string;
  vendor: string;
  tags: string[];
  collections: string[];
  createdAt: number;
  published: boolean;
  available: boolean;
  isGiftCard: boolean;
  priceCents: number;
  replenishable?: boolean;
}

export type RecSource =
  | "personal"
  | "buy_again"
  | "co_purchase"
  | "content"
  | "trending"
  | "bestseller"
  | "pinned"
  | "discovery";

export interface RecItem {
  productId: string;
  score: number;
  reason: string;
  source: RecSource;
  /** The product the reason names, if any; the re-ranker uses it to keep sensitive products unnamed. */
  reasonProductId?: string;
}

export interface RecSettings {
  /** k: a pair seen in fewer distinct orders is never used for bought-together. */
  minPairOrders: number;
  /** Only an anchor's newest orders count towards its pairs: bounds work for best-sellers; decay makes older ones minor anyway. */
  maxAnchorOrders: number;
  /** Half-life of an order's weight in co-purchase counts. */
  halfLifeDays: number;
  /** Items shown per list. */
  listSize: number;
  /** Candidates kept per stored list, so re-ranking still has enough after filters. */
  poolSize: number;
  /** 0 ranks by confidence P(b|a); 1 by lift P(b|a)/P(b). In between damps popularity bias. */
  popularityAlpha: number;
  /** Pair-count shrinkage: score × n/(n + shrinkage) discounts pairs seen in few orders. */
  shrinkage: number;
  /** Item-CF neighbours kept per product. */
  neighbourCount: number;
  /** A pair must appear in this many distinct customers' histories to become an item-CF neighbour. */
  minPairCustomers: number;
  /** Item-CF similarity exponent on the candidate's customer count: 0.5 is cosine, lower favours popular candidates. */
  cfPopularityAlpha: number;
  /** Shrinkage of item-CF cosine similarity by co-customer count. */
  cfShrinkage: number;
  /** Most recent distinct products per customer used for item-CF. */
  maxHistoryItems: number;
  /** Half-life of a past purchase's influence on personal scores. */
  personalHalfLifeDays: number;
  /** How much the typical repurchase interval shapes buy-again (0..1). */
  buyAgainDueWeight: number;
  /** How much recency of the last purchase shapes buy-again (0..1). */
  buyAgainRecencyWeight: number;
  /** Exponent on a product's repeat ratio (how often its buyers buy it again vs the shop) in buy-again: 0 = ignore. */
  buyAgainRepeatRateWeight: number;
  /** Weight of the buy-again component in the personal hybrid. */
  buyAgainWeight: number;
  /** Weight of the (per-customer normalised) item-CF score for products the customer has not bought. */
  cfWeight: number;
  /** Weight of the item-CF score for products the customer has bought: how much their history's neighbourhood reorders buy-again. */
  cfRepeatWeight: number;
  /** Weight of the shop-wide bestseller prior in the personal hybrid (0 = none). */
  popularityWeight: number;
  /**
   * Exponent on a product's current activity (its trending score over the shop's top one, plus
   * `activityFloor`) in the personal hybrid: 0 = ignore. A product nobody has bought lately is
   * often out of season or no longer stocked, whatever a customer's history says.
   */
  activityWeight: number;
  /** Added to a product's 0..1 activity so that a quiet product is damped, not erased. */
  activityFloor: number;
  /** Half-life used for trending popularity. */
  trendingHalfLifeDays: number;
  /** Only orders this recent count towards bestsellers. */
  bestsellerWindowDays: number;
  /** Most products scanned per content feature (half most popular, half newest). */
  contentPostingCap: number;
  /** MMR trade-off in the re-ranker: 1 = relevance only, 0 = diversity only. */
  diversityLambda: number;
  /** List positions given to less-exposed relevant items. */
  discoverySlots: number;
  /** Products bought this recently are not recommended again unless replenishable. */
  justBoughtWindowDays: number;
}

export type MerchantRuleAction = "pin" | "boost" | "exclude" | "bury";
export type MerchantRuleTargetKind = "product" | "tag" | "collection" | "vendor";

export interface MerchantRule {
  action: MerchantRuleAction;
  target: { kind: MerchantRuleTargetKind; value: string };
  /** 1-based list position for pins. */
  position?: number;
  /** Score multiplier for boosts (default 1.5). */
  factor?: number;
}

export interface NeighbourItem {
  productId: string;
  score: number;
}

export interface RecommendationResult {
  now: number;
  settings: RecSettings;
  /** Bought together, per anchor product. */
  fbt: ReadonlyMap<string, RecItem[]>;
  /** What each bought-together list was scored from, for updating it order by order. */
  fbtStates: CoPurchaseStateTable;
  /** Hybrid personal list (buy again + item-CF), per customer. */
  personal: ReadonlyMap<string, RecItem[]>;
  /** Buy-again only, per customer. */
  buyAgain: ReadonlyMap<string, RecItem[]>;
  /** Content-based similar products, per product. */
  content: ReadonlyMap<string, RecItem[]>;
  trending: { overall: RecItem[]; byCollection: ReadonlyMap<string, RecItem[]> };
  bestsellers: RecItem[];
  /** Item-CF neighbours per product: the input `scoreCustomer` needs for incremental updates. */
  neighbours: ReadonlyMap<string, NeighbourItem[]>;
  /** Typical days between repeat purchases of a product, where enough customers repeat it. */
  repurchaseIntervalDays: ReadonlyMap<string, number>;
  /** Interval assumed for products without enough repeat purchases (median over all repeats). */
  defaultRepurchaseIntervalDays: number;
  /** Per product bought by anyone: its buyers' repeat share relative to the shop's (1 = average). */
  repeatRatios: ReadonlyMap<string, number>;
  /** Per product bought lately: its trending score at `now` over the top one (0..1]; the rest are 0. */
  activity: ReadonlyMap<string, number>;
  /** Time-decayed order weight per product at `now`; with `totalOrderWeight`, the input `scoreCoPurchaseAnchor` needs. */
  itemOrderWeights: ReadonlyMap<string, number>;
  totalOrderWeight: number;
  stats: RecomputeStats;
}

export interface RecomputeStats {
  orders: number;
  products: number;
  customers: number;
  /** Basket pair updates made while counting co-purchases. */
  pairUpdates: number;
  /** Distinct product pairs seen together in at least one order (each unordered pair counted twice). */
  pairsSeen: number;
  fbtLists: number;
  personalLists: number;
}
