import { normalQuantile } from "~/lib/experiments/distributions";

export type SampleSize = { control: number; treatment: number; total: number };

type PowerOptions = {
  /** Two-sided significance level. */
  alpha?: number;
  power?: number;
  /** Treatment visitors per control visitor, e.g. 9 for a 10% holdout against 90% treated. */
  allocationRatio?: number;
};

/** Visitors needed per arm for a two-sided two-proportion z-test to detect a relative change in conversion. */
export function sampleSizeForProportions({
  baselineRate,
  minDetectableRelativeEffect,
  alpha = 0.05,
  power = 0.8,
  allocationRatio = 1,
}: { baselineRate: number; minDetectableRelativeEffect: number } & PowerOptions): SampleSize {
  if (!(baselineRate > 0 && baselineRate < 1)) throw new RangeError("Baseline conversion rate must be between 0 and 1");
  const p1 = baselineRate;
  const p2 = baselineRate * (1 + minDetectableRelativeEffect);
  if (!(p2 > 0 && p2 < 1) || p2 === p1) throw new RangeError("The minimum detectable effect must move the rate to a different value between 0 and 1");
  const k = allocationRatio;
  const zAlpha = normalQuantile(1 - alpha / 2);
  const zBeta = normalQuantile(power);
  // Fleiss' formula without continuity correction, generalised to unequal arms: the null variance
  // uses the pooled rate, the alternative variance each arm's own rate.
  const pBar = (p1 + k * p2) / (1 + k);
  const numerator =
    zAlpha * Math.sqrt(pBar * (1 - pBar) * (1 + 1 / k)) + zBeta * Math.sqrt(p1 * (1 - p1) + (p2 * (1 - p2)) / k);
  return sizes((numerator * numerator) / (p2 - p1) ** 2, k);
}

/** Units needed per arm to detect an absolute difference in means (normal approximation, common standard deviation). */
export function sampleSizeForMeans({
  standardDeviation,
  minDetectableDifference,
  alpha = 0.05,
  power = 0.8,
  allocationRatio = 1,
}: { standardDeviation: number; minDetectableDifference: number } & PowerOptions): SampleSize {
  if (!(standardDeviation > 0)) throw new RangeError("Standard deviation must be positive");
  if (minDetectableDifference === 0) throw new RangeError("The minimum detectable difference must not be zero");
  const k = allocationRatio;
  const z = normalQuantile(1 - alpha / 2) + normalQuantile(power);
  return sizes(((1 + 1 / k) * standardDeviation ** 2 * z * z) / minDetectableDifference ** 2, k);
}

function sizes(control: number, k: number): SampleSize {
  if (!(k > 0)) throw new RangeError("Allocation ratio must be positive");
  // Rounding up before multiplying keeps both arms at or above the requirement.
  const c = Math.ceil(control - 1e-9);
  const t = Math.ceil(c * k - 1e-9);
  return { control: c, treatment: t, total: c + t };
}

export type Progress = {
  /** True once every arm reached its planned sample and the minimum run time has passed. */
  complete: boolean;
  /** Smallest share of its planned sample any arm has reached, capped at 1. */
  fractionComplete: number;
  remaining: Record<string, number>;
  /** Whole days still needed at the traffic seen so far; null when an arm has had no traffic to extrapolate from. */
  daysRemaining: number | null;
};

/** How far a fixed-horizon experiment is from its planned sample, extrapolating each arm's traffic so far. */
export function experimentProgress({
  required,
  observed,
  daysElapsed,
  minDays = 7,
}: {
  required: Readonly<Record<string, number>>;
  observed: Readonly<Record<string, number>>;
  daysElapsed: number;
  /** Shortest run, so that every weekday is represented at least once. */
  minDays?: number;
}): Progress {
  const remaining: Record<string, number> = {};
  let fractionComplete = 1;
  let dataDays: number | null = 0;
  for (const [arm, need] of Object.entries(required)) {
    const have = observed[arm] ?? 0;
    remaining[arm] = Math.max(0, need - have);
    fractionComplete = Math.min(fractionComplete, need > 0 ? Math.min(1, have / need) : 1);
    if (remaining[arm] === 0) continue;
    const perDay = daysElapsed > 0 ? have / daysElapsed : 0;
    if (perDay <= 0) dataDays = null;
    else if (dataDays !== null) dataDays = Math.max(dataDays, Math.ceil(remaining[arm] / perDay));
  }
  const calendarDays = Math.max(0, Math.ceil(minDays - daysElapsed));
  const daysRemaining = dataDays === null ? null : Math.max(dataDays, calendarDays);
  return { complete: daysRemaining === 0, fractionComplete, remaining, daysRemaining };
}
