import { describe, expect, it } from "vitest";
import {
  chiSquareCdf,
  chiSquareSurvival,
  logGamma,
  normalCdf,
  normalQuantile,
  regularizedBeta,
  regularizedGammaP,
  studentTCdf,
  studentTQuantile,
  studentTTwoSidedP,
} from "~/lib/experiments/distributions";

describe("special functions", () => {
  it("logGamma matches factorials and Γ(½) = √π", () => {
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(logGamma(11)).toBeCloseTo(Math.log(3628800), 11);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 12);
  });

  it("regularised gamma and beta reduce to closed forms", () => {
    // P(1, x) = 1 − e^−x; I_x(1, 1) = x; I_x(a, 1) = x^a; I_½(a, a) = ½ by symmetry.
    expect(regularizedGammaP(1, 2)).toBeCloseTo(1 - Math.exp(-2), 14);
    expect(regularizedGammaP(1, 0.3)).toBeCloseTo(1 - Math.exp(-0.3), 14);
    expect(regularizedBeta(0.37, 1, 1)).toBeCloseTo(0.37, 14);
    expect(regularizedBeta(0.6, 3, 1)).toBeCloseTo(0.216, 14);
    expect(regularizedBeta(0.5, 7.5, 7.5)).toBeCloseTo(0.5, 14);
  });
});

describe("normal distribution", () => {
  it("matches standard normal table values", () => {
    expect(normalCdf(0)).toBe(0.5);
    expect(normalCdf(1.96)).toBeCloseTo(0.9750021, 7);
    expect(normalCdf(-1)).toBeCloseTo(0.1586553, 7);
    // Far tail: Φ(−5) = 2.8665157e−7 (Abramowitz & Stegun table 26.1).
    expect(normalCdf(-5) / 2.8665157e-7).toBeCloseTo(1, 6);
  });

  it("quantiles match the usual critical values and invert the CDF", () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 6);
    expect(normalQuantile(0.95)).toBeCloseTo(1.644854, 6);
    expect(normalQuantile(0.995)).toBeCloseTo(2.575829, 6);
    expect(normalQuantile(0.8)).toBeCloseTo(0.841621, 6);
    expect(normalQuantile(0.5)).toBe(0);
    for (const p of [1e-12, 1e-6, 0.01, 0.2, 0.42, 0.7, 0.99, 1 - 1e-9]) {
      const z = normalQuantile(p);
      expect(Math.abs(normalCdf(z) - p) / Math.min(p, 1 - p)).toBeLessThan(1e-8);
    }
  });
});

describe("Student t distribution", () => {
  // Critical values from the NIST/SEMATECH e-Handbook, table 1.3.6.7.2.
  it.each([
    [0.975, 1, 12.706],
    [0.975, 10, 2.228],
    [0.975, 30, 2.042],
    [0.95, 5, 2.015],
    [0.995, 20, 2.845],
  ])("quantile(%s, df=%s) = %s", (p, df, expected) => {
    expect(studentTQuantile(p, df)).toBeCloseTo(expected, 3);
    expect(studentTQuantile(1 - p, df)).toBeCloseTo(-expected, 3);
    expect(studentTCdf(studentTQuantile(p, df), df)).toBeCloseTo(p, 12);
  });

  it("the Cauchy case (df = 1) has CDF ½ + atan(t)/π", () => {
    for (const t of [-3, -0.5, 0.2, 4]) expect(studentTCdf(t, 1)).toBeCloseTo(0.5 + Math.atan(t) / Math.PI, 12);
  });

  it("two-sided p at the 97.5% critical value is 0.05, and large df approaches the normal", () => {
    expect(studentTTwoSidedP(2.228139, 10)).toBeCloseTo(0.05, 6);
    expect(studentTCdf(1.96, 1e7)).toBeCloseTo(normalCdf(1.96), 6);
  });
});

describe("chi-square distribution", () => {
  // Upper critical values from the NIST/SEMATECH e-Handbook, table 1.3.6.7.4.
  it.each([
    [1, 0.05, 3.841],
    [1, 0.01, 6.635],
    [1, 0.001, 10.828],
    [2, 0.05, 5.991],
    [2, 0.001, 13.816],
    [3, 0.05, 7.815],
    [3, 0.001, 16.266],
  ])("df=%s: P(X ≥ critical) = %s", (df, alpha, critical) => {
    expect(chiSquareSurvival(critical, df)).toBeCloseTo(alpha, alpha < 0.01 ? 5 : 4);
    expect(chiSquareCdf(critical, df)).toBeCloseTo(1 - alpha, 4);
  });

  it("df=2 is exponential: P(X ≥ x) = e^(−x/2)", () => {
    expect(chiSquareSurvival(40, 2)).toBeCloseTo(Math.exp(-20), 18);
  });
});
