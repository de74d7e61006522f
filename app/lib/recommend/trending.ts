import { decayWeight } from "~/lib/recommend/settings";
import type { Csr } from "~/lib/recommend/sparse";

/** Time-decayed number of orders containing each product. */
export function decayedPopularity(baskets: Csr, orderTimes: Float64Array, nItems: number, now: number, halfLifeDays: number): Float64Array {
  const out = new Float64Array(nItems);
  for (let r = 0; r < orderTimes.length; r++) {
    const w = decayWeight(now - orderTimes[r], halfLifeDays);
    for (let j = baskets.ptr[r]; j < baskets.ptr[r + 1]; j++) out[baskets.items[j]] += w;
  }
  return out;
}

/** Number of orders in the window [now - windowDays, now] containing each product. */
export function windowedOrderCounts(baskets: Csr, orderTimes: Float64Array, nItems: number, now: number, windowDays: number): Float64Array {
  const out = new Float64Array(nItems);
  const from = now - windowDays * 86_400_000;
  for (let r = 0; r < orderTimes.length; r++) {
    if (orderTimes[r] < from || orderTimes[r] > now) continue;
    for (let j = baskets.ptr[r]; j < baskets.ptr[r + 1]; j++) out[baskets.items[j]] += 1;
  }
  return out;
}

/** Indexes of the `k` highest positive scores among `candidates` (all items if omitted), best first, ties by index. */
export function topByScore(scores: Float64Array, k: number, eligible: Uint8Array | null, candidates?: ArrayLike<number>): number[] {
  const pool: number[] = [];
  const n = candidates ? candidates.length : scores.length;
  for (let i = 0; i < n; i++) {
    const p = candidates ? candidates[i] : i;
    if (scores[p] > 0 && (eligible === null || eligible[p] === 1)) pool.push(p);
  }
  pool.sort((a, b) => scores[b] - scores[a] || a - b);
  return pool.slice(0, k);
}

/**
 * Each product's score over the top one, to 4 significant figures, with anything under 1e-4 as 0:
 * the precision the stored model keeps, so the full compute and an order's update read the same values.
 */
export function relativeActivity(scores: Float64Array): Float64Array {
  let max = 0;
  for (const v of scores) if (v > max) max = v;
  const out = new Float64Array(scores.length);
  if (max <= 0) return out;
  for (let i = 0; i < scores.length; i++) {
    const r = scores[i] / max;
    out[i] = r < 1e-4 ? 0 : Number(r.toPrecision(4));
  }
  return out;
}
