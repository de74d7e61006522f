import { normalQuantile, normalSurvival } from "~/lib/experiments/distributions";
import type { Interval, ProportionSample } from "~/lib/experiments/types";

export type TwoProportionResult = {
  controlRate: number;
  treatmentRate: number;
  /** treatmentRate − controlRate. */
  difference: number;
  z: number;
  pValue: number;
  /** Unpooled (Wald) interval for the difference. */
  ci: Interval;
  confidence: number;
};

/** Two-sided two-proportion z-test of treatment against control, with a CI for the difference. */
export function twoProportionZTest(
  control: ProportionSample,
  treatment: ProportionSample,
  { confidence = 0.95 }: { confidence?: number } = {},
): TwoProportionResult {
  assertSample(control);
  assertSample(treatment);
  const p1 = control.conversions / control.visitors;
  const p2 = treatment.conversions / treatment.visitors;
  const difference = p2 - p1;
  // The test uses the pooled rate (the null says both arms share one rate); the interval cannot
  // assume that, so it uses each arm's own variance.
  const pooled = (control.conversions + treatment.conversions) / (control.visitors + treatment.visitors);
  const pooledSe = Math.sqrt(pooled * (1 - pooled) * (1 / control.visitors + 1 / treatment.visitors));
  const z = pooledSe > 0 ? difference / pooledSe : 0;
  const pValue = pooledSe > 0 ? Math.min(1, 2 * normalSurvival(Math.abs(z))) : 1;
  const se = Math.sqrt((p1 * (1 - p1)) / control.visitors + (p2 * (1 - p2)) / treatment.visitors);
  const zCrit = normalQuantile(1 - (1 - confidence) / 2);
  return {
    controlRate: p1,
    treatmentRate: p2,
    difference,
    z,
    pValue,
    ci: { lower: difference - zCrit * se, upper: difference + zCrit * se },
    confidence,
  };
}

function assertSample({ visitors, conversions }: ProportionSample): void {
  if (!(visitors > 0)) throw new RangeError("Each arm needs at least one visitor");
  if (conversions < 0 || conversions > visitors) throw new RangeError("Conversions must be between 0 and the number of visitors");
}
