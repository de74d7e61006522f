import { describe, expect, it } from "vitest";
import { assignArm } from "~/lib/experiments/assignment";
import { bootstrapMeans } from "~/lib/experiments/bootstrap";
import { twoProportionZTest } from "~/lib/experiments/conversion";
import { summarise, welchTTest } from "~/lib/experiments/means";
import { createRng, sampleBinomial, sampleNormal } from "~/lib/experiments/random";
import { sampleRatioMismatch } from "~/lib/experiments/srm";
import { conversionUplift } from "~/lib/experiments/uplift";

// Seeded Monte Carlo checks that the intervals cover the truth at about their nominal rate and that
// the SRM alarm fires when, and only when, assignment is skewed. Bounds are wide enough that a
// correct implementation passes for any seed with high probability, and narrow enough that an
// interval 20% too narrow or too wide fails (400 runs: SE of a 95% coverage ≈ 1.1 points).
describe("seeded simulation", () => {
  it("95% intervals for a +8% relative conversion uplift cover the truth in 91–98% of 400 experiments", () => {
    const rng = createRng(20_240_601);
    const runs = 400;
    const visitors = 20_000;
    const baseline = 0.05;
    const trueUplift = 0.08;
    let deltaCovers = 0;
    let fiellerCovers = 0;
    let differenceCovers = 0;
    for (let i = 0; i < runs; i++) {
      const control = { visitors, conversions: sampleBinomial(rng, visitors, baseline) };
      const treatment = { visitors, conversions: sampleBinomial(rng, visitors, baseline * (1 + trueUplift)) };
      const delta = conversionUplift(control, treatment).ci;
      const fieller = conversionUplift(control, treatment, { method: "fieller" }).ci;
      const diff = twoProportionZTest(control, treatment).ci;
      if (delta.lower <= trueUplift && trueUplift <= delta.upper) deltaCovers++;
      if (fieller.lower <= trueUplift && trueUplift <= fieller.upper) fiellerCovers++;
      if (diff.lower <= baseline * trueUplift && baseline * trueUplift <= diff.upper) differenceCovers++;
    }
    for (const covers of [deltaCovers, fiellerCovers, differenceCovers]) {
      expect(covers / runs).toBeGreaterThanOrEqual(0.91);
      expect(covers / runs).toBeLessThanOrEqual(0.98);
    }
  });

  it("the z-test rejects a true null (A/A) in about 5% of 400 experiments", () => {
    const rng = createRng(77);
    let rejections = 0;
    for (let i = 0; i < 400; i++) {
      const a = { visitors: 5000, conversions: sampleBinomial(rng, 5000, 0.04) };
      const b = { visitors: 5000, conversions: sampleBinomial(rng, 5000, 0.04) };
      if (twoProportionZTest(a, b).pValue < 0.05) rejections++;
    }
    // Binomial(400, 0.05): mean 20, SD 4.4.
    expect(rejections).toBeGreaterThanOrEqual(9);
    expect(rejections).toBeLessThanOrEqual(32);
  });

  it("Welch and bootstrap intervals for skewed revenue per visitor cover the true difference", () => {
    const rng = createRng(4242);
    const runs = 200;
    const n = 4000;
    // Buyers spend lognormal(3.5, 1): mean e^(3.5 + ½) = 54.598. Treatment converts 5.5% vs 5%.
    const meanOrder = Math.exp(4);
    const trueDifference = (0.055 - 0.05) * meanOrder;
    const revenue = (rate: number) => Array.from({ length: n }, () => (rng() < rate ? Math.exp(3.5 + sampleNormal(rng)) : 0));
    let welchCovers = 0;
    let bootstrapCovers = 0;
    for (let i = 0; i < runs; i++) {
      const control = revenue(0.05);
      const treatment = revenue(0.055);
      const welch = welchTTest(summarise(control), summarise(treatment)).ci;
      const boot = bootstrapMeans(control, treatment, { seed: i, iterations: 400 }).differenceCi;
      if (welch.lower <= trueDifference && trueDifference <= welch.upper) welchCovers++;
      if (boot.lower <= trueDifference && trueDifference <= boot.upper) bootstrapCovers++;
    }
    // 200 runs: SE of a 95% coverage ≈ 1.5 points; the percentile bootstrap runs slightly narrow on skewed data.
    expect(welchCovers / runs).toBeGreaterThanOrEqual(0.9);
    expect(welchCovers / runs).toBeLessThanOrEqual(0.985);
    expect(bootstrapCovers / runs).toBeGreaterThanOrEqual(0.88);
    expect(bootstrapCovers / runs).toBeLessThanOrEqual(0.985);
  });

  const arms = [
    { key: "control", weight: 1 },
    { key: "personal", weight: 1 },
  ];
  const planned = { control: 0.45, personal: 0.45, holdout: 0.1 };

  it("the SRM check stays quiet on 400 honest hash-assigned experiments", () => {
    let alarms = 0;
    for (let e = 0; e < 400; e++) {
      const counts: Record<string, number> = { control: 0, personal: 0, holdout: 0 };
      for (let v = 0; v < 2000; v++) {
        const r = assignArm({ shop: "sim.myshopify.com", experimentId: `exp-${e}`, unitId: `v:${v}`, arms });
        if (r.enrolled) counts[r.arm]++;
      }
      if (sampleRatioMismatch(counts, planned).mismatch) alarms++;
    }
    // Expected false alarms: 400 × 0.001 = 0.4; P(≥ 4) under Poisson(0.4) < 0.001.
    expect(alarms).toBeLessThanOrEqual(3);
  });

  it("the SRM check fires when 15% of one arm's visitors are lost", () => {
    const rng = createRng(5);
    let alarms = 0;
    for (let e = 0; e < 100; e++) {
      const counts: Record<string, number> = { control: 0, personal: 0, holdout: 0 };
      for (let v = 0; v < 10_000; v++) {
        const r = assignArm({ shop: "sim.myshopify.com", experimentId: `skew-${e}`, unitId: `v:${v}`, arms });
        // A tracking bug drops 15% of the personalised arm's visitors.
        if (r.enrolled && !(r.arm === "personal" && rng() < 0.15)) counts[r.arm]++;
      }
      if (sampleRatioMismatch(counts, planned).mismatch) alarms++;
    }
    // Non-centrality ≈ 59.7 on 2 df gives power 0.99998 at p < 0.001, so every run should alarm.
    // (At a 10% loss the power is only 0.93, which this test caught when it asked for 97 of 100.)
    expect(alarms).toBeGreaterThanOrEqual(97);
  });
});
