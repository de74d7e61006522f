/** Visitors and how many of them converted, for one arm. */
export type ProportionSample = { visitors: number; conversions: number };

/** Count, mean and sample variance (n − 1 denominator) of a per-unit metric for one arm. */
export type MeanSummary = { n: number; mean: number; variance: number };

/** A two-sided confidence interval. */
export type Interval = { lower: number; upper: number };

/** A point estimate with its confidence interval. */
export type Estimate = { estimate: number; ci: Interval };
