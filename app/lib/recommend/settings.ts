import type { RecSettings } from "~/lib/recommend/types";

/** Defaults chosen on validation splits (see docs/decisions/010-recommendation-scoring.md). */
export const DEFAULT_REC_SETTINGS: RecSettings = {
  minPairOrders: 2,
  maxAnchorOrders: 2000,
  halfLifeDays: 180,
  listSize: 20,
  poolSize: 40,
  popularityAlpha: 0,
  shrinkage: 2,
  neighbourCount: 50,
  minPairCustomers: 2,
  cfShrinkage: 2,
  cfPopularityAlpha: 0,
  maxHistoryItems: 200,
  personalHalfLifeDays: 90,
  buyAgainWeight: 1,
  buyAgainDueWeight: 0.5,
  buyAgainRecencyWeight: 0.5,
  buyAgainRepeatRateWeight: 0,
  cfWeight: 0.05,
  cfRepeatWeight: 0.2,
  popularityWeight: 0.05,
  activityWeight: 0.5,
  activityFloor: 0.05,
  trendingHalfLifeDays: 14,
  bestsellerWindowDays: 365,
  contentPostingCap: 300,
  diversityLambda: 0.8,
  discoverySlots: 0,
  justBoughtWindowDays: 30,
};

/** Fills unspecified settings with defaults and clamps the ones with a bounded range. */
export function resolveSettings(partial: Partial<RecSettings> = {}): RecSettings {
  const merged = { ...DEFAULT_REC_SETTINGS, ...stripUndefined(partial) };
  return {
    ...merged,
    minPairOrders: Math.max(1, Math.floor(merged.minPairOrders)),
    listSize: Math.max(1, Math.floor(merged.listSize)),
    poolSize: Math.max(Math.floor(merged.poolSize), Math.floor(merged.listSize)),
    popularityAlpha: clamp(merged.popularityAlpha, 0, 1),
    cfPopularityAlpha: clamp(merged.cfPopularityAlpha, 0, 1),
    buyAgainDueWeight: clamp(merged.buyAgainDueWeight, 0, 1),
    buyAgainRecencyWeight: clamp(merged.buyAgainRecencyWeight, 0, 1),
    activityWeight: Math.max(0, merged.activityWeight),
    activityFloor: Math.max(1e-6, merged.activityFloor),
    diversityLambda: clamp(merged.diversityLambda, 0, 1),
    discoverySlots: Math.max(0, Math.floor(merged.discoverySlots)),
    neighbourCount: Math.max(1, Math.floor(merged.neighbourCount)),
  };
}

/** Weight of an event `ageMs` old under exponential decay; a non-positive or infinite half-life means no decay. */
export function decayWeight(ageMs: number, halfLifeDays: number): number {
  if (!(halfLifeDays > 0) || !Number.isFinite(halfLifeDays)) return 1;
  const age = ageMs > 0 ? ageMs : 0;
  return Math.pow(2, -age / (halfLifeDays * DAY_MS));
}

export const DAY_MS = 86_400_000;

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [key, v] of Object.entries(value)) if (v !== undefined) (out as Record<string, unknown>)[key] = v;
  return out;
}
