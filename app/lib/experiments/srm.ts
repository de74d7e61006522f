import { chiSquareSurvival } from "~/lib/experiments/distributions";

/** p-value below which a sample-ratio mismatch is reported; strict because the check runs on every dashboard view. */
export const SRM_P_THRESHOLD = 0.001;

export type SrmResult = {
  chiSquare: number;
  df: number;
  pValue: number;
  mismatch: boolean;
  expected: Record<string, number>;
  observedShares: Record<string, number>;
};

/** Chi-square goodness-of-fit test of observed arm counts against the planned weights. */
export function sampleRatioMismatch(
  observed: Readonly<Record<string, number>>,
  plannedWeights: Readonly<Record<string, number>>,
  { threshold = SRM_P_THRESHOLD }: { threshold?: number } = {},
): SrmResult {
  const plannedTotal = Object.values(plannedWeights).reduce((sum, w) => sum + Math.max(0, w), 0);
  if (!(plannedTotal > 0)) throw new RangeError("Planned weights must include at least one positive weight");
  const keys = [...new Set([...Object.keys(plannedWeights), ...Object.keys(observed)])];
  const total = keys.reduce((sum, key) => sum + (observed[key] ?? 0), 0);
  const expected: Record<string, number> = {};
  const observedShares: Record<string, number> = {};
  let chiSquare = 0;
  let cells = 0;
  let impossible = false;
  for (const key of keys) {
    const count = observed[key] ?? 0;
    const share = Math.max(0, plannedWeights[key] ?? 0) / plannedTotal;
    expected[key] = total * share;
    observedShares[key] = total > 0 ? count / total : 0;
    if (share === 0) {
      // Traffic in an arm that should get none is a mismatch whatever the chi-square says.
      if (count > 0) impossible = true;
      continue;
    }
    cells++;
    if (expected[key] > 0) chiSquare += (count - expected[key]) ** 2 / expected[key];
  }
  const df = Math.max(0, cells - 1);
  const pValue = impossible ? 0 : df === 0 || total === 0 ? 1 : chiSquareSurvival(chiSquare, df);
  return { chiSquare, df, pValue, mismatch: pValue < threshold, expected, observedShares };
}
