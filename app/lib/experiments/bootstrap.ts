import { createRng, sampleBinomial, type Rng } from "~/lib/experiments/random";
import type { Interval } from "~/lib/experiments/types";

export type BootstrapResult = {
  /** treatment mean − control mean on the observed data. */
  difference: number;
  differenceCi: Interval;
  /** treatment mean / control mean − 1 on the observed data (NaN if the control mean is 0). */
  uplift: number;
  upliftCi: Interval;
  iterations: number;
  confidence: number;
};

/** Seeded percentile bootstrap for the difference and relative uplift in means, suited to skewed revenue. */
export function bootstrapMeans(
  control: readonly number[],
  treatment: readonly number[],
  { seed, iterations = 2000, confidence = 0.95 }: { seed: number; iterations?: number; confidence?: number },
): BootstrapResult {
  if (control.length === 0 || treatment.length === 0) throw new RangeError("Each arm needs at least one observation");
  const rng = createRng(seed);
  const c = compress(control);
  const t = compress(treatment);
  const differences = new Float64Array(iterations);
  const ratios = new Float64Array(iterations);
  for (let i = 0; i < iterations; i++) {
    const mc = resampleMean(rng, c);
    const mt = resampleMean(rng, t);
    differences[i] = mt - mc;
    ratios[i] = mc === 0 ? NaN : mt / mc - 1;
  }
  const meanC = c.sum / c.n;
  const meanT = t.sum / t.n;
  return {
    difference: meanT - meanC,
    differenceCi: percentileInterval(differences, confidence),
    uplift: meanC === 0 ? NaN : meanT / meanC - 1,
    upliftCi: percentileInterval(ratios.filter((r) => !Number.isNaN(r)), confidence),
    iterations,
    confidence,
  };
}

type Compressed = { n: number; nonZero: Float64Array; sum: number };

// Most visitors spend nothing, so a resample is drawn as Binomial(n, share non-zero) picks from the
// non-zero values, which has exactly the same distribution as n picks from all values but costs
// O(number of buyers) instead of O(number of visitors).
function compress(values: readonly number[]): Compressed {
  const nonZero = Float64Array.from(values.filter((v) => v !== 0));
  let sum = 0;
  for (const v of nonZero) sum += v;
  return { n: values.length, nonZero, sum };
}

function resampleMean(rng: Rng, sample: Compressed): number {
  const k = sampleBinomial(rng, sample.n, sample.nonZero.length / sample.n);
  let sum = 0;
  for (let j = 0; j < k; j++) sum += sample.nonZero[Math.floor(rng() * sample.nonZero.length)];
  return sum / sample.n;
}

/** Percentile interval of a set of bootstrap replicates. */
export function percentileInterval(replicates: Float64Array, confidence: number): Interval {
  if (replicates.length === 0) return { lower: NaN, upper: NaN };
  const sorted = Float64Array.from(replicates).sort();
  const alpha = (1 - confidence) / 2;
  return { lower: quantileSorted(sorted, alpha), upper: quantileSorted(sorted, 1 - alpha) };
}

// Linear interpolation between order statistics (Hyndman & Fan type 7, R's default).
function quantileSorted(sorted: Float64Array, p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}
