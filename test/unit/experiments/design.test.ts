import { describe, expect, it } from "vitest";
import { experimentProgress, sampleSizeForMeans, sampleSizeForProportions } from "~/lib/experiments/design";
import { normalCdf, normalQuantile } from "~/lib/experiments/distributions";
import { incrementalRevenue, returnOnInvestment, scaleIncrement } from "~/lib/experiments/roi";
import { sampleRatioMismatch } from "~/lib/experiments/srm";
import type { UpliftResult } from "~/lib/experiments/uplift";
import { experimentVerdict } from "~/lib/experiments/verdict";

describe("sample size", () => {
  it("matches R's power.prop.test(p1 = 0.10, p2 = 0.11, power = 0.8): n = 14750.79 per group", () => {
    expect(sampleSizeForProportions({ baselineRate: 0.1, minDetectableRelativeEffect: 0.1 })).toEqual({
      control: 14751,
      treatment: 14751,
      total: 29502,
    });
  });

  it("matches the normal-approximation formula 2(z₀.₉₇₅ + z₀.₈)²σ²/δ² = 62.79 for σ = 1, δ = 0.5", () => {
    expect(sampleSizeForMeans({ standardDeviation: 1, minDetectableDifference: 0.5 }).control).toBe(63);
  });

  it("sizes an unequal split (10% holdout) so the achieved power is just at or above the target", () => {
    const p1 = 0.05;
    const p2 = 0.055;
    const k = 9;
    const size = sampleSizeForProportions({ baselineRate: p1, minDetectableRelativeEffect: 0.1, allocationRatio: k });
    expect(size.treatment).toBe(size.control * k);
    const powerAt = (nC: number) => {
      const nT = nC * k;
      const pBar = (nC * p1 + nT * p2) / (nC + nT);
      const null_ = Math.sqrt(pBar * (1 - pBar) * (1 / nC + 1 / nT));
      const alt = Math.sqrt((p1 * (1 - p1)) / nC + (p2 * (1 - p2)) / nT);
      return normalCdf((p2 - p1 - normalQuantile(0.975) * null_) / alt);
    };
    expect(powerAt(size.control)).toBeGreaterThanOrEqual(0.8);
    expect(powerAt(size.control - 1)).toBeLessThan(0.8);
  });

  it("explains invalid inputs", () => {
    expect(() => sampleSizeForProportions({ baselineRate: 0, minDetectableRelativeEffect: 0.1 })).toThrow(/between 0 and 1/);
    expect(() => sampleSizeForProportions({ baselineRate: 0.6, minDetectableRelativeEffect: 1 })).toThrow(/minimum detectable effect/);
  });
});

describe("experimentProgress", () => {
  it("extrapolates the slowest arm at its own traffic", () => {
    // Control: 700 left at 100/day = 7 days; treatment: 690 left at 103.3/day = 6.7 → 7 days.
    const p = experimentProgress({ required: { control: 1000, treatment: 1000 }, observed: { control: 300, treatment: 310 }, daysElapsed: 3 });
    expect(p).toEqual({ complete: false, fractionComplete: 0.3, remaining: { control: 700, treatment: 690 }, daysRemaining: 7 });
  });

  it("waits for the minimum run time even when the sample is reached", () => {
    const p = experimentProgress({ required: { a: 100, b: 100 }, observed: { a: 500, b: 500 }, daysElapsed: 2 });
    expect(p.fractionComplete).toBe(1);
    expect(p.daysRemaining).toBe(5);
    expect(p.complete).toBe(false);
    expect(experimentProgress({ required: { a: 100, b: 100 }, observed: { a: 500, b: 500 }, daysElapsed: 7 }).complete).toBe(true);
  });

  it("cannot estimate an end date for an arm without traffic", () => {
    expect(experimentProgress({ required: { a: 100, b: 100 }, observed: { a: 50 }, daysElapsed: 2 }).daysRemaining).toBeNull();
  });
});

describe("experimentVerdict", () => {
  const done = { complete: true, fractionComplete: 1, remaining: {}, daysRemaining: 0 };
  const uplift = (u: number, lower: number, upper: number): UpliftResult => ({ uplift: u, ci: { lower, upper }, method: "delta", confidence: 0.95 });
  const labels = { treatmentLabel: "Personalised recommendations", metricLabel: "conversion" };

  it("says how long is left before the planned sample", () => {
    const progress = { complete: false, fractionComplete: 0.4, remaining: { a: 900 }, daysRemaining: 9 };
    expect(experimentVerdict({ ...labels, progress, uplift: uplift(0.2, 0.1, 0.3) })).toEqual({
      status: "insufficient_data",
      message: "Not enough data yet: about 9 more days at current traffic.",
    });
    expect(experimentVerdict({ ...labels, progress: { ...progress, daysRemaining: 1 } }).message).toBe(
      "Not enough data yet: about 1 more day at current traffic.",
    );
  });

  it("reports a significant rise, fall, or no clear difference", () => {
    expect(experimentVerdict({ ...labels, progress: done, uplift: uplift(0.081, 0.023, 0.139) }).message).toBe(
      "Personalised recommendations raised conversion by 8.1% (95% CI 2.3% to 13.9%).",
    );
    const down = experimentVerdict({ ...labels, progress: done, uplift: uplift(-0.042, -0.079, -0.005) });
    expect(down).toEqual({ status: "negative", message: "Personalised recommendations lowered conversion by 4.2% (95% CI 0.5% to 7.9%)." });
    const flat = experimentVerdict({ ...labels, progress: done, uplift: uplift(0.012, -0.03, 0.054) });
    expect(flat.status).toBe("inconclusive");
    expect(flat.message).toBe("No clear difference in conversion: the change was +1.2% (95% CI -3.0% to 5.4%), which chance alone could explain.");
  });

  it("puts a sample-ratio mismatch ahead of any result", () => {
    const srm = sampleRatioMismatch({ a: 60_000, b: 40_000 }, { a: 1, b: 1 });
    const v = experimentVerdict({ ...labels, progress: done, uplift: uplift(0.081, 0.023, 0.139), srm });
    expect(v.status).toBe("sample_ratio_mismatch");
    expect(v.message).toMatch(/not splitting between the groups as planned/);
  });
});

describe("incremental revenue and ROI", () => {
  it("scales the Welch interval of revenue per visitor by the treated visitors", () => {
    // Variances of the means: 30000/1000 = 30 and 90000/9000 = 10; SE = √40 = 6.32456;
    // Welch df = 40²/(30²/999 + 10²/8999) = 1754.36, t₀.₉₇₅ = 1.961317 → per-visitor CI 20 ± 12.40446.
    const r = incrementalRevenue({
      treatment: { n: 9000, mean: 250, variance: 90_000 },
      holdout: { n: 1000, mean: 230, variance: 30_000 },
      treatedVisitors: 9000,
    });
    expect(r.perVisitor.estimate).toBeCloseTo(20, 10);
    expect(r.perVisitor.ci.lower).toBeCloseTo(7.595541, 4);
    expect(r.perVisitor.ci.upper).toBeCloseTo(32.404459, 4);
    expect(r.total.estimate).toBeCloseTo(180_000, 6);
    expect(r.total.ci.lower).toBeCloseTo(7.595541 * 9000, 0);
  });

  it("computes ROI = (incremental × margin − cost) / cost and maps the interval", () => {
    // 180000 × 40% = 72000 margin; (72000 − 50000)/50000 = 0.44. Ends: 100000 → 40000 margin → −0.2; 1000000 → 400000 → 7.
    const { incrementalMargin, roi } = returnOnInvestment({
      incremental: { estimate: 180_000, ci: { lower: 100_000, upper: 1_000_000 } },
      marginPct: 40,
      appCost: 50_000,
    });
    expect(incrementalMargin.estimate).toBeCloseTo(72_000, 9);
    expect(roi.estimate).toBeCloseTo(0.44, 12);
    expect(roi.ci.lower).toBeCloseTo(-0.2, 12);
    expect(roi.ci.upper).toBeCloseTo(7, 12);
    expect(() => returnOnInvestment({ incremental: scaleIncrement({ estimate: 1, ci: { lower: 0, upper: 2 } }, 1).total, marginPct: 140, appCost: 1 })).toThrow(
      /between 0 and 100/,
    );
    expect(() => returnOnInvestment({ incremental: { estimate: 1, ci: { lower: 0, upper: 2 } }, marginPct: 40, appCost: 0 })).toThrow(/more than zero/);
  });
});
