import { normaliseList, toMillis } from "~/lib/ethics/list-values";

const DAY_MS = 86_400_000;

/** Key used for impressions that carry no segment. */
export const NO_SEGMENT = "_none";

/** One recommendation shown to a shopper. */
export type ImpressionRecord = {
  productId: string;
  segment?: string | null;
  /** Identifies one rendered list, so its items can be compared with each other. */
  listId?: string | null;
};

/** The catalogue fields the exposure measures need. */
export type CatalogueItem = {
  id: string;
  vendor: string;
  productType: string;
  collections: readonly string[] | string;
  createdAt: Date | number;
};

export type ExposureReport = {
  impressions: number;
  /** Share of catalogue products shown at least once. */
  coverage: number;
  /** 0 = every catalogue product shown equally often, → 1 = all impressions on one product. */
  giniByProduct: number;
  giniByVendor: number;
  /** Share of impressions on products created in the window before now. */
  newProductShare: number;
  /** Share of the catalogue created in that window: what newProductShare would be under uniform exposure. */
  newCatalogueShare: number;
  /** Mean pairwise dissimilarity within lists, 0–1; null when no list has two known products. */
  intraListDiversity: number | null;
  lists: number;
};

/** Gini coefficient of non-negative values: mean absolute difference over twice the mean. */
export function giniCoefficient(values: readonly number[]): number {
  const n = values.length;
  if (n === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  let total = 0;
  let weighted = 0;
  for (let i = 0; i < n; i++) {
    if (sorted[i] < 0) throw new RangeError("Gini coefficient needs non-negative values");
    total += sorted[i];
    weighted += (i + 1) * sorted[i];
  }
  if (total === 0) return 0;
  // Σᵢ Σⱼ |xᵢ − xⱼ| / (2n²·mean) rewritten over the sorted values, which is O(n log n).
  return (2 * weighted) / (n * total) - (n + 1) / n;
}

/** Share of catalogue products that received at least one impression. */
export function catalogueCoverage(impressions: readonly ImpressionRecord[], catalogue: readonly CatalogueItem[]): number {
  if (catalogue.length === 0) return 0;
  const shown = new Set(impressions.map((i) => i.productId));
  return catalogue.filter((item) => shown.has(item.id)).length / catalogue.length;
}

/** Gini of impressions per catalogue product; products never shown count as zeros, impressions of unknown products are ignored. */
export function exposureGiniByProduct(impressions: readonly ImpressionRecord[], catalogue: readonly CatalogueItem[]): number {
  const counts = countByProduct(impressions);
  return giniCoefficient(catalogue.map((item) => counts.get(item.id) ?? 0));
}

/** Gini of impressions per vendor; vendors with no impressions count as zeros. */
export function exposureGiniByVendor(impressions: readonly ImpressionRecord[], catalogue: readonly CatalogueItem[]): number {
  const counts = countByProduct(impressions);
  const byVendor = new Map<string, number>();
  for (const item of catalogue) byVendor.set(item.vendor, (byVendor.get(item.vendor) ?? 0) + (counts.get(item.id) ?? 0));
  return giniCoefficient([...byVendor.values()]);
}

/** Share of impressions (of catalogue products) that went to products created within `windowDays` before now. */
export function newProductExposureShare(
  impressions: readonly ImpressionRecord[],
  catalogue: readonly CatalogueItem[],
  { now, windowDays = 30 }: { now: Date | number; windowDays?: number },
): { share: number; catalogueShare: number } {
  const nowMs = toMillis(now);
  const since = nowMs - windowDays * DAY_MS;
  const isNew = new Map(catalogue.map((item) => {
    const created = toMillis(item.createdAt);
    return [item.id, created > since && created <= nowMs] as const;
  }));
  let total = 0;
  let onNew = 0;
  for (const impression of impressions) {
    const fresh = isNew.get(impression.productId);
    if (fresh === undefined) continue;
    total++;
    if (fresh) onNew++;
  }
  const newItems = [...isNew.values()].filter(Boolean).length;
  return { share: total > 0 ? onNew / total : 0, catalogueShare: catalogue.length > 0 ? newItems / catalogue.length : 0 };
}

/** Dissimilarity of two products: 1 − Jaccard overlap of their product type and collections. */
export function productDissimilarity(a: CatalogueItem, b: CatalogueItem): number {
  const fa = features(a);
  const fb = features(b);
  // Two products with no type and no collections can't be told apart, so they count as identical.
  if (fa.size === 0 && fb.size === 0) return 0;
  let shared = 0;
  for (const f of fa) if (fb.has(f)) shared++;
  return 1 - shared / (fa.size + fb.size - shared);
}

/** Mean over lists of the mean pairwise dissimilarity of their products; lists with fewer than two known products are skipped. */
export function intraListDiversity(lists: readonly (readonly string[])[], catalogue: readonly CatalogueItem[]): number | null {
  const byId = new Map(catalogue.map((item) => [item.id, item]));
  let sum = 0;
  let counted = 0;
  for (const list of lists) {
    const items = [...new Set(list)].map((id) => byId.get(id)).filter((item): item is CatalogueItem => item !== undefined);
    if (items.length < 2) continue;
    let pairSum = 0;
    let pairs = 0;
    for (let i = 0; i < items.length; i++) {
      for (let j = i + 1; j < items.length; j++) {
        pairSum += productDissimilarity(items[i], items[j]);
        pairs++;
      }
    }
    sum += pairSum / pairs;
    counted++;
  }
  return counted > 0 ? sum / counted : null;
}

/** Groups impressions by listId into the product lists shoppers saw, in order of appearance. */
export function listsFromImpressions(impressions: readonly ImpressionRecord[]): string[][] {
  const lists = new Map<string, string[]>();
  for (const impression of impressions) {
    if (!impression.listId) continue;
    const list = lists.get(impression.listId);
    if (list) list.push(impression.productId);
    else lists.set(impression.listId, [impression.productId]);
  }
  return [...lists.values()];
}

/** All exposure measures for one set of impressions. */
export function exposureReport({
  impressions,
  catalogue,
  now,
  newWindowDays = 30,
}: {
  impressions: readonly ImpressionRecord[];
  catalogue: readonly CatalogueItem[];
  now: Date | number;
  newWindowDays?: number;
}): ExposureReport {
  const lists = listsFromImpressions(impressions);
  const fresh = newProductExposureShare(impressions, catalogue, { now, windowDays: newWindowDays });
  return {
    impressions: impressions.length,
    coverage: catalogueCoverage(impressions, catalogue),
    giniByProduct: exposureGiniByProduct(impressions, catalogue),
    giniByVendor: exposureGiniByVendor(impressions, catalogue),
    newProductShare: fresh.share,
    newCatalogueShare: fresh.catalogueShare,
    intraListDiversity: intraListDiversity(lists, catalogue),
    lists: lists.length,
  };
}

/** The exposure report overall and for each segment (impressions without one go under NO_SEGMENT). */
export function exposureReportBySegment(input: {
  impressions: readonly ImpressionRecord[];
  catalogue: readonly CatalogueItem[];
  now: Date | number;
  newWindowDays?: number;
}): { overall: ExposureReport; bySegment: Record<string, ExposureReport> } {
  const groups = new Map<string, ImpressionRecord[]>();
  for (const impression of input.impressions) {
    const key = impression.segment ?? NO_SEGMENT;
    const group = groups.get(key);
    if (group) group.push(impression);
    else groups.set(key, [impression]);
  }
  const bySegment: Record<string, ExposureReport> = {};
  for (const [segment, impressions] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
    bySegment[segment] = exposureReport({ ...input, impressions });
  }
  return { overall: exposureReport(input), bySegment };
}

function countByProduct(impressions: readonly ImpressionRecord[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { productId } of impressions) counts.set(productId, (counts.get(productId) ?? 0) + 1);
  return counts;
}

function features(item: CatalogueItem): Set<string> {
  const set = new Set(normaliseList(item.collections).map((c) => `collection:${c}`));
  const type = item.productType.trim().toLowerCase();
  if (type) set.add(`type:${type}`);
  return set;
}
