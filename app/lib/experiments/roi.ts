import { welchTTest } from "~/lib/experiments/means";
import type { Estimate, MeanSummary } from "~/lib/experiments/types";

export type IncrementalRevenue = {
  /** Revenue per visitor, treated minus holdout, with its Welch interval. */
  perVisitor: Estimate;
  /** perVisitor × treated visitors: revenue the treatment added over what the holdout experience would have made. */
  total: Estimate;
};

/** Incremental revenue of treated visitors against the holdout, from per-visitor revenue summaries. */
export function incrementalRevenue({
  treatment,
  holdout,
  treatedVisitors,
  confidence = 0.95,
}: {
  treatment: MeanSummary;
  holdout: MeanSummary;
  treatedVisitors: number;
  confidence?: number;
}): IncrementalRevenue {
  const welch = welchTTest(holdout, treatment, { confidence });
  return scaleIncrement({ estimate: welch.difference, ci: welch.ci }, treatedVisitors);
}

/** Scales a per-visitor difference (e.g. from a bootstrap) to a total over the treated visitors. */
export function scaleIncrement(perVisitor: Estimate, treatedVisitors: number): IncrementalRevenue {
  return {
    perVisitor,
    total: {
      estimate: perVisitor.estimate * treatedVisitors,
      ci: { lower: perVisitor.ci.lower * treatedVisitors, upper: perVisitor.ci.upper * treatedVisitors },
    },
  };
}

/** ROI = (incremental revenue × margin − app cost) / app cost, with the interval carried through. */
export function returnOnInvestment({
  incremental,
  marginPct,
  appCost,
}: {
  /** Incremental revenue over the period, in the same currency unit as appCost. */
  incremental: Estimate;
  /** Gross margin as a percentage of revenue, 0–100. */
  marginPct: number;
  /** What the app cost over the same period. */
  appCost: number;
}): { incrementalMargin: Estimate; roi: Estimate } {
  if (!(marginPct >= 0 && marginPct <= 100)) throw new RangeError("Gross margin must be a percentage between 0 and 100");
  if (!(appCost > 0)) throw new RangeError("App cost must be more than zero to compute a return on it");
  const margin = marginPct / 100;
  // ROI rises monotonically with incremental revenue, so mapping the interval's ends gives its interval.
  const toMargin = (revenue: number) => revenue * margin;
  const toRoi = (revenue: number) => (toMargin(revenue) - appCost) / appCost;
  return {
    incrementalMargin: {
      estimate: toMargin(incremental.estimate),
      ci: { lower: toMargin(incremental.ci.lower), upper: toMargin(incremental.ci.upper) },
    },
    roi: {
      estimate: toRoi(incremental.estimate),
      ci: { lower: toRoi(incremental.ci.lower), upper: toRoi(incremental.ci.upper) },
    },
  };
}
