import { normalQuantile } from "~/lib/experiments/distributions";
import type { Interval, MeanSummary, ProportionSample } from "~/lib/experiments/types";

/** A mean with its standard error, e.g. a conversion rate or revenue per visitor for one arm. */
export type MeanWithError = { mean: number; standardError: number };

export type UpliftMethod = "delta" | "fieller";

export type UpliftResult = {
  /** treatment / control − 1, e.g. 0.081 for +8.1%. */
  uplift: number;
  /** Interval for the uplift; infinite bounds when Fieller finds the control mean indistinguishable from zero. */
  ci: Interval;
  method: UpliftMethod;
  confidence: number;
};

/** Relative uplift of treatment over control with a CI, by the delta method (default) or Fieller's theorem. */
export function relativeUplift(
  control: MeanWithError,
  treatment: MeanWithError,
  { confidence = 0.95, method = "delta" }: { confidence?: number; method?: UpliftMethod } = {},
): UpliftResult {
  if (control.mean === 0) throw new RangeError("Relative uplift is undefined when the control mean is zero");
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const ratio = treatment.mean / control.mean;
  if (method === "delta") {
    // First-order Taylor expansion of T/C around the means, arms independent:
    // Var(T/C) ≈ (se_T² + (T/C)²·se_C²) / C². Symmetric, and accurate once each arm has a few
    // hundred conversions, which the fixed-horizon sample size guarantees.
    const se = Math.sqrt(treatment.standardError ** 2 + ratio * ratio * control.standardError ** 2) / Math.abs(control.mean);
    return { uplift: ratio - 1, ci: { lower: ratio - z * se - 1, upper: ratio + z * se - 1 }, method, confidence };
  }
  // Fieller: the set of θ with (T − θC)² ≤ z²(se_T² + θ²se_C²); exact for normal means, asymmetric.
  const a = control.mean ** 2 - z * z * control.standardError ** 2;
  const b = -2 * treatment.mean * control.mean;
  const c = treatment.mean ** 2 - z * z * treatment.standardError ** 2;
  const discriminant = b * b - 4 * a * c;
  if (a <= 0 || discriminant < 0) {
    return { uplift: ratio - 1, ci: { lower: -Infinity, upper: Infinity }, method, confidence };
  }
  const root = Math.sqrt(discriminant);
  const lower = (-b - root) / (2 * a);
  const upper = (-b + root) / (2 * a);
  return { uplift: ratio - 1, ci: { lower: lower - 1, upper: upper - 1 }, method, confidence };
}

/** Relative uplift in conversion rate. */
export function conversionUplift(
  control: ProportionSample,
  treatment: ProportionSample,
  options?: { confidence?: number; method?: UpliftMethod },
): UpliftResult {
  return relativeUplift(proportionMean(control), proportionMean(treatment), options);
}

/** Relative uplift in a per-unit mean such as revenue per visitor or average order value. */
export function meanUplift(
  control: MeanSummary,
  treatment: MeanSummary,
  options?: { confidence?: number; method?: UpliftMethod },
): UpliftResult {
  return relativeUplift(summaryMean(control), summaryMean(treatment), options);
}

/** A proportion as a mean with its binomial standard error. */
export function proportionMean({ visitors, conversions }: ProportionSample): MeanWithError {
  const p = conversions / visitors;
  return { mean: p, standardError: Math.sqrt((p * (1 - p)) / visitors) };
}

/** A summary as a mean with its standard error. */
export function summaryMean({ n, mean, variance }: MeanSummary): MeanWithError {
  return { mean, standardError: Math.sqrt(variance / n) };
}
