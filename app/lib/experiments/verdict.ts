import type { Progress } from "~/lib/experiments/design";
import type { SrmResult } from "~/lib/experiments/srm";
import type { UpliftResult } from "~/lib/experiments/uplift";

export type VerdictStatus = "sample_ratio_mismatch" | "insufficient_data" | "positive" | "negative" | "inconclusive";

export type Verdict = { status: VerdictStatus; message: string };

/** Plain-language verdict for a merchant, e.g. "Personalised recommendations raised conversion by 8.1% (95% CI 2.3% to 13.9%)." */
export function experimentVerdict({
  treatmentLabel,
  metricLabel,
  progress,
  uplift,
  srm,
}: {
  /** Subject of the sentence, e.g. "Personalised recommendations". */
  treatmentLabel: string;
  /** e.g. "conversion", "revenue per visitor". */
  metricLabel: string;
  progress: Progress;
  uplift?: UpliftResult;
  srm?: SrmResult;
}): Verdict {
  if (srm?.mismatch) {
    return {
      status: "sample_ratio_mismatch",
      message:
        "Results on hold: visitors are not splitting between the groups as planned, so any difference could come from the split itself. " +
        "Check that the recommendation blocks are on every page in the experiment and that no cache or bot filter treats one group differently.",
    };
  }
  if (!progress.complete || !uplift) {
    const when =
      progress.daysRemaining === null
        ? "at least one group has had no visitors yet, so the end date can't be estimated"
        : `about ${progress.daysRemaining} more ${progress.daysRemaining === 1 ? "day" : "days"} at current traffic`;
    return { status: "insufficient_data", message: `Not enough data yet: ${when}.` };
  }
  const level = Math.round(uplift.confidence * 100);
  const { lower, upper } = uplift.ci;
  // The verdict follows the interval shown next to it, so the sentence can never contradict its own numbers.
  if (lower > 0) {
    return {
      status: "positive",
      message: `${treatmentLabel} raised ${metricLabel} by ${pct(uplift.uplift)} (${level}% CI ${pct(lower)} to ${pct(upper)}).`,
    };
  }
  if (upper < 0) {
    return {
      status: "negative",
      message: `${treatmentLabel} lowered ${metricLabel} by ${pct(-uplift.uplift)} (${level}% CI ${pct(-upper)} to ${pct(-lower)}).`,
    };
  }
  return {
    status: "inconclusive",
    message: `No clear difference in ${metricLabel}: the change was ${signedPct(uplift.uplift)} (${level}% CI ${pct(lower)} to ${pct(upper)}), which chance alone could explain.`,
  };
}

function pct(fraction: number): string {
  if (!Number.isFinite(fraction)) return fraction > 0 ? "unbounded" : "-unbounded";
  const value = (fraction * 100).toFixed(1);
  return `${value === "-0.0" ? "0.0" : value}%`;
}

function signedPct(fraction: number): string {
  return fraction > 0 ? `+${pct(fraction)}` : pct(fraction);
}
