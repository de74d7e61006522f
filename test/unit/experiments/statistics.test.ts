import { describe, expect, it } from "vitest";
import { bootstrapMeans } from "~/lib/experiments/bootstrap";
import { twoProportionZTest } from "~/lib/experiments/conversion";
import { normalCdf } from "~/lib/experiments/distributions";
import { summarise, summaryFromSums, welchTTest } from "~/lib/experiments/means";
import { probabilityBestConversion, probabilityBestMean } from "~/lib/experiments/probability-best";
import { createRng, sampleBinomial } from "~/lib/experiments/random";
import { sampleRatioMismatch } from "~/lib/experiments/srm";
import { conversionUplift, meanUplift, relativeUplift } from "~/lib/experiments/uplift";

const control = { visitors: 1000, conversions: 200 };
const treatment = { visitors: 1000, conversions: 250 };

describe("twoProportionZTest", () => {
  it("matches a hand-worked 20% vs 25% example", () => {
    // Pooled p = 450/2000 = 0.225; SE = √(0.225·0.775·(2/1000)) = 0.0186748; z = 0.05/0.0186748 = 2.67740;
    // two-sided p = 2·(1 − Φ(2.6774)) = 0.007420. Unpooled SE = √(0.16/1000 + 0.1875/1000) = 0.0186414,
    // so the 95% CI is 0.05 ± 1.959964·0.0186414 = [0.013464, 0.086536].
    const r = twoProportionZTest(control, treatment);
    expect(r.controlRate).toBe(0.2);
    expect(r.treatmentRate).toBe(0.25);
    expect(r.difference).toBeCloseTo(0.05, 12);
    expect(r.z).toBeCloseTo(2.6774, 4);
    expect(r.pValue).toBeCloseTo(0.00742, 5);
    expect(r.ci.lower).toBeCloseTo(0.013464, 6);
    expect(r.ci.upper).toBeCloseTo(0.086536, 6);
  });

  it("is antisymmetric and gives p = 1 for identical arms", () => {
    const swapped = twoProportionZTest(treatment, control);
    expect(swapped.z).toBeCloseTo(-2.6774, 4);
    expect(twoProportionZTest(control, control).pValue).toBe(1);
    expect(twoProportionZTest({ visitors: 10, conversions: 0 }, { visitors: 10, conversions: 0 }).pValue).toBe(1);
  });

  it("rejects impossible counts", () => {
    expect(() => twoProportionZTest({ visitors: 0, conversions: 0 }, treatment)).toThrow(/at least one visitor/);
    expect(() => twoProportionZTest({ visitors: 5, conversions: 6 }, treatment)).toThrow(/between 0/);
  });
});

describe("welchTTest", () => {
  // Wikipedia, "Welch's t-test", worked example 1 (A1 vs A2): t = −2.46, ν ≈ 25.0, p = 0.021.
  const a1 = [27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4];
  const a2 = [27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4];

  it("reproduces the published worked example", () => {
    const r = welchTTest(summarise(a2), summarise(a1));
    expect(r.t).toBeCloseTo(-2.46, 2);
    expect(r.df).toBeCloseTo(24.99, 2);
    expect(r.pValue).toBeCloseTo(0.021, 3);
    // The 95% CI excludes zero exactly because p < 0.05.
    expect(r.ci.upper).toBeLessThan(0);
    expect((r.ci.lower + r.ci.upper) / 2).toBeCloseTo(r.difference, 12);
  });

  it("summarise and summaryFromSums agree", () => {
    const s = summarise([2, 4, 4, 4, 5, 5, 7, 9]);
    // Mean 5; squared deviations sum to 32, so the sample variance is 32/7.
    expect(s).toEqual({ n: 8, mean: 5, variance: 32 / 7 });
    const fromSums = summaryFromSums({ n: 8, sum: 40, sumOfSquares: 232 });
    expect(fromSums.mean).toBe(5);
    expect(fromSums.variance).toBeCloseTo(32 / 7, 12);
  });
});

describe("relative uplift", () => {
  it("delta method matches the hand calculation for 20% → 25%", () => {
    // R = 1.25; Var(R) ≈ (se_T² + R²·se_C²)/C² = (0.0001875 + 1.5625·0.00016)/0.04 = 0.0109375;
    // SE = 0.104583, so the CI is 0.25 ± 1.959964·0.104583 = [0.045022, 0.454978].
    const r = conversionUplift(control, treatment);
    expect(r.uplift).toBeCloseTo(0.25, 12);
    expect(r.ci.lower).toBeCloseTo(0.045022, 5);
    expect(r.ci.upper).toBeCloseTo(0.454978, 5);
  });

  it("Fieller gives the asymmetric interval from the quadratic", () => {
    // a = C² − z²se_C² = 0.0393854, b = −2TC = −0.1, c = T² − z²se_T² = 0.0617797; roots − 1 = [0.062017, 0.476997].
    const r = conversionUplift(control, treatment, { method: "fieller" });
    expect(r.ci.lower).toBeCloseTo(0.062017, 5);
    expect(r.ci.upper).toBeCloseTo(0.476997, 5);
  });

  it("Fieller is unbounded when the control mean is indistinguishable from zero", () => {
    const r = relativeUplift({ mean: 1, standardError: 1 }, { mean: 2, standardError: 0.1 }, { method: "fieller" });
    expect(r.ci).toEqual({ lower: -Infinity, upper: Infinity });
  });

  it("works on means and refuses a zero control mean", () => {
    const r = meanUplift({ n: 100, mean: 10, variance: 100 }, { n: 100, mean: 11, variance: 100 });
    // se_C = se_T = 1; Var = (1 + 1.21)/100 → SE 0.148661; CI 0.1 ± 0.291372.
    expect(r.ci.lower).toBeCloseTo(0.1 - 0.291372, 5);
    expect(() => relativeUplift({ mean: 0, standardError: 1 }, { mean: 1, standardError: 1 })).toThrow(/zero/);
  });
});

describe("bootstrapMeans", () => {
  it("gives a degenerate interval on constant data, through the zero-compression path", () => {
    const r = bootstrapMeans([0, 0, 0, 0], [1, 1, 1, 1], { seed: 1, iterations: 200 });
    expect(r.difference).toBe(1);
    expect(r.differenceCi).toEqual({ lower: 1, upper: 1 });
    expect(Number.isNaN(r.uplift)).toBe(true);
  });

  it("is reproducible from its seed and close to Welch on well-behaved data", () => {
    const rng = createRng(7);
    const a = Array.from({ length: 3000 }, () => (rng() < 0.1 ? 20 + 60 * rng() : 0));
    const b = Array.from({ length: 3000 }, () => (rng() < 0.12 ? 20 + 60 * rng() : 0));
    const first = bootstrapMeans(a, b, { seed: 99, iterations: 1500 });
    expect(bootstrapMeans(a, b, { seed: 99, iterations: 1500 })).toEqual(first);
    expect(bootstrapMeans(a, b, { seed: 100, iterations: 1500 }).differenceCi).not.toEqual(first.differenceCi);
    const welch = welchTTest(summarise(a), summarise(b));
    const width = welch.ci.upper - welch.ci.lower;
    expect(Math.abs(first.differenceCi.lower - welch.ci.lower)).toBeLessThan(0.1 * width);
    expect(Math.abs(first.differenceCi.upper - welch.ci.upper)).toBeLessThan(0.1 * width);
    expect(first.upliftCi.lower).toBeLessThan(first.uplift);
    expect(first.upliftCi.upper).toBeGreaterThan(first.uplift);
  });
});

describe("sampleBinomial", () => {
  it("has mean np and variance np(1 − p)", () => {
    const rng = createRng(3);
    const draws = Array.from({ length: 4000 }, () => sampleBinomial(rng, 500, 0.3));
    const s = summarise(draws);
    // SE of the mean is √(105/4000) = 0.16, of the variance about 105·√(2/4000) = 2.3.
    expect(Math.abs(s.mean - 150)).toBeLessThan(0.7);
    expect(Math.abs(s.variance - 105)).toBeLessThan(10);
    expect(sampleBinomial(rng, 10, 0)).toBe(0);
    expect(sampleBinomial(rng, 10, 1)).toBe(10);
  });
});

describe("probability best", () => {
  it("matches Evan Miller's closed form for P(B > A) with Beta posteriors", () => {
    // Evan Miller, "Formulas for Bayesian A/B Testing" (2015): with Beta(201, 801) and Beta(251, 751),
    // Σ_{i<251} B(201+i, 801+751)/((751+i)·B(1+i, 751)·B(201, 801)) = 0.996283.
    const p = probabilityBestConversion({ control, treatment }, { seed: 11, draws: 40_000 });
    expect(p.treatment).toBeCloseTo(0.996283, 2);
    expect(p.control + p.treatment).toBeCloseTo(1, 12);
    // Small counts, where the normal approximation would be poor: 12/100 vs 18/100 → 0.879396.
    const small = probabilityBestConversion(
      { a: { visitors: 100, conversions: 12 }, b: { visitors: 100, conversions: 18 } },
      { seed: 5, draws: 40_000 },
    );
    expect(Math.abs(small.b - 0.879396)).toBeLessThan(0.006);
  });

  it("splits evenly between identical arms and is seed-reproducible", () => {
    const same = { visitors: 500, conversions: 40 };
    const p = probabilityBestConversion({ a: same, b: same, c: same }, { seed: 2, draws: 30_000 });
    for (const v of Object.values(p)) expect(Math.abs(v - 1 / 3)).toBeLessThan(0.015);
    expect(probabilityBestConversion({ a: same, b: same, c: same }, { seed: 2, draws: 30_000 })).toEqual(p);
  });

  it("uses the normal approximation for revenue: P(B > A) = Φ(Δ / √(se_A² + se_B²))", () => {
    const a = { n: 400, mean: 10, variance: 400 };
    const b = { n: 400, mean: 12, variance: 400 };
    // se = 1 each, so P = Φ(2/√2) = Φ(1.41421) = 0.921350.
    const p = probabilityBestMean({ a, b }, { seed: 8, draws: 40_000 });
    expect(Math.abs(p.b - normalCdf(Math.SQRT2))).toBeLessThan(0.006);
  });
});

describe("sampleRatioMismatch", () => {
  it("computes the chi-square statistic and p-value by hand", () => {
    // (5100 − 5000)²/5000 · 2 = 4, p = 2·(1 − Φ(2)) = 0.0455003 → no alarm.
    const ok = sampleRatioMismatch({ a: 5100, b: 4900 }, { a: 1, b: 1 });
    expect(ok.chiSquare).toBeCloseTo(4, 12);
    expect(ok.df).toBe(1);
    expect(ok.pValue).toBeCloseTo(0.0455003, 6);
    expect(ok.mismatch).toBe(false);
  });

  it("flags only below p = 0.001", () => {
    // χ² = 10 → p = 0.001565, just above the threshold; χ² = 14.4 → p = 0.000148.
    expect(sampleRatioMismatch({ a: 50_500, b: 49_500 }, { a: 0.5, b: 0.5 }).mismatch).toBe(false);
    const bad = sampleRatioMismatch({ a: 50_600, b: 49_400 }, { a: 0.5, b: 0.5 });
    expect(bad.pValue).toBeCloseTo(0.000148, 5);
    expect(bad.mismatch).toBe(true);
  });

  it("handles three arms with a holdout against planned weights", () => {
    // Expected 8100/950/950; χ² = 100²/8100 + 50²/950 + 50²/950 = 6.49773, df 2 → p = e^(−3.24886) = 0.038818.
    const r = sampleRatioMismatch({ personal: 8200, control: 900, holdout: 900 }, { personal: 0.81, control: 0.095, holdout: 0.095 });
    expect(r.chiSquare).toBeCloseTo(6.49773, 4);
    expect(r.pValue).toBeCloseTo(0.038818, 5);
    expect(r.expected.personal).toBeCloseTo(8100, 9);
  });

  it("treats traffic in an arm planned to get none as a mismatch", () => {
    const r = sampleRatioMismatch({ a: 100, b: 100, stray: 3 }, { a: 1, b: 1 });
    expect(r.mismatch).toBe(true);
    expect(r.pValue).toBe(0);
  });
});
