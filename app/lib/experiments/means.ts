import { studentTQuantile, studentTTwoSidedP } from "~/lib/experiments/distributions";
import type { Interval, MeanSummary } from "~/lib/experiments/types";

/** Count, mean and sample variance of a list of values (Welford's update, stable for large sums). */
export function summarise(values: readonly number[]): MeanSummary {
  let n = 0;
  let mean = 0;
  let m2 = 0;
  for (const value of values) {
    n++;
    const delta = value - mean;
    mean += delta / n;
    m2 += delta * (value - mean);
  }
  return { n, mean: n > 0 ? mean : 0, variance: n > 1 ? m2 / (n - 1) : 0 };
}

/** Summary from running totals, for callers that store Σx and Σx² instead of every value. */
export function summaryFromSums({ n, sum, sumOfSquares }: { n: number; sum: number; sumOfSquares: number }): MeanSummary {
  if (n <= 0) return { n: 0, mean: 0, variance: 0 };
  const mean = sum / n;
  const variance = n > 1 ? Math.max(0, (sumOfSquares - n * mean * mean) / (n - 1)) : 0;
  return { n, mean, variance };
}

export type WelchResult = {
  /** treatment mean − control mean. */
  difference: number;
  standardError: number;
  t: number;
  /** Welch–Satterthwaite degrees of freedom. */
  df: number;
  pValue: number;
  ci: Interval;
  confidence: number;
};

/** Welch's unequal-variance t-test of treatment against control, with a CI for the difference. */
export function welchTTest(
  control: MeanSummary,
  treatment: MeanSummary,
  { confidence = 0.95 }: { confidence?: number } = {},
): WelchResult {
  if (control.n < 2 || treatment.n < 2) throw new RangeError("Each arm needs at least two observations");
  const v1 = control.variance / control.n;
  const v2 = treatment.variance / treatment.n;
  const difference = treatment.mean - control.mean;
  const standardError = Math.sqrt(v1 + v2);
  if (standardError === 0) {
    return { difference, standardError, t: 0, df: control.n + treatment.n - 2, pValue: difference === 0 ? 1 : 0, ci: { lower: difference, upper: difference }, confidence };
  }
  const df = (v1 + v2) ** 2 / (v1 ** 2 / (control.n - 1) + v2 ** 2 / (treatment.n - 1));
  const t = difference / standardError;
  const tCrit = studentTQuantile(1 - (1 - confidence) / 2, df);
  return {
    difference,
    standardError,
    t,
    df,
    pValue: Math.min(1, studentTTwoSidedP(t, df)),
    ci: { lower: difference - tCrit * standardError, upper: difference + tCrit * standardError },
    confidence,
  };
}
