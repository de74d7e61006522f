import type { RecItem, RecommendationResult } from "~/lib/recommend/types";

/**
 * Concatenates layers in priority order, skipping duplicates and excluded ids, until `size`.
 * Scores are rewritten into descending bands (earlier layer always higher, within a layer
 * proportional to the original score) so a later re-sort keeps the chain's order.
 */
export function mergeLayers(layers: readonly (readonly RecItem[] | undefined)[], size: number, exclude: ReadonlySet<string> = new Set()): RecItem[] {
  const out: RecItem[] = [];
  const seen = new Set(exclude);
  const n = layers.length;
  layers.forEach((layer, depth) => {
    if (!layer || out.length >= size) return;
    const max = layer.reduce((m, item) => Math.max(m, item.score), 0);
    for (const item of layer) {
      if (out.length >= size) break;
      if (seen.has(item.productId)) continue;
      seen.add(item.productId);
      const within = max > 0 ? Math.max(0, item.score) / max : 0;
      out.push({ ...item, score: (n - depth - 1 + 0.5 + 0.5 * within) / n });
    }
  });
  return out;
}

/** Takes items from several lists in turn (first of each, then second of each, ...). */
export function interleave(lists: readonly (readonly RecItem[] | undefined)[]): RecItem[] {
  const out: RecItem[] = [];
  const present = lists.filter((l): l is readonly RecItem[] => !!l && l.length > 0);
  const longest = present.reduce((m, l) => Math.max(m, l.length), 0);
  for (let i = 0; i < longest; i++) for (const l of present) if (i < l.length) out.push(l[i]);
  return out;
}

/** Product-page list: co-purchase → content → trending in the product's collections → trending → bestsellers. */
export function productRecommendations(
  result: RecommendationResult,
  productId: string,
  options: { size?: number; collections?: readonly string[]; exclude?: Iterable<string> } = {},
): RecItem[] {
  const size = options.size ?? result.settings.poolSize;
  const byCollection = (options.collections ?? []).map((c) => result.trending.byCollection.get(c));
  return mergeLayers(
    [result.fbt.get(productId), result.content.get(productId), interleave(byCollection), result.trending.overall, result.bestsellers],
    size,
    new Set([productId, ...(options.exclude ?? [])]),
  );
}

/**
 * "For you" list: personal → co-purchase of recent products → content of them → trending →
 * bestsellers. `recentProductIds` (cart, recently viewed or bought, newest first) seed the
 * middle layers; sensitive ones are skipped, because they must not act as personal signals.
 */
export function customerRecommendations(
  result: RecommendationResult,
  customerId: string | null,
  options: {
    size?: number;
    recentProductIds?: readonly string[];
    sensitiveProductIds?: ReadonlySet<string>;
    exclude?: Iterable<string>;
  } = {},
): RecItem[] {
  const size = options.size ?? result.settings.poolSize;
  const sensitive = options.sensitiveProductIds ?? new Set<string>();
  const personal = customerId === null ? undefined : result.personal.get(customerId);
  const seeds = (options.recentProductIds ?? []).filter((id) => !sensitive.has(id)).slice(0, 5);
  return mergeLayers(
    [
      personal,
      interleave(seeds.map((id) => result.fbt.get(id))),
      interleave(seeds.map((id) => result.content.get(id))),
      result.trending.overall,
      result.bestsellers,
    ],
    size,
    new Set(options.exclude ?? []),
  );
}
