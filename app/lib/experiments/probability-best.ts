import { createRng, sampleBeta, sampleNormal } from "~/lib/experiments/random";
import type { MeanSummary, ProportionSample } from "~/lib/experiments/types";

/** Monte Carlo probability that each arm has the highest conversion rate, under Beta(1 + conversions, 1 + misses) posteriors. */
export function probabilityBestConversion(
  arms: Readonly<Record<string, ProportionSample>>,
  { seed, draws = 10_000, priorAlpha = 1, priorBeta = 1 }: { seed: number; draws?: number; priorAlpha?: number; priorBeta?: number },
): Record<string, number> {
  const rng = createRng(seed);
  const keys = Object.keys(arms);
  return countWins(keys, draws, () =>
    keys.map((key) => {
      const { visitors, conversions } = arms[key];
      return sampleBeta(rng, priorAlpha + conversions, priorBeta + visitors - conversions);
    }),
  );
}

/** Probability that each arm has the highest mean (e.g. revenue per visitor), using a normal approximation to each mean. */
export function probabilityBestMean(
  arms: Readonly<Record<string, MeanSummary>>,
  { seed, draws = 10_000 }: { seed: number; draws?: number },
): Record<string, number> {
  const rng = createRng(seed);
  const keys = Object.keys(arms);
  const errors = keys.map((key) => Math.sqrt(arms[key].variance / Math.max(1, arms[key].n)));
  return countWins(keys, draws, () => keys.map((key, i) => arms[key].mean + errors[i] * sampleNormal(rng)));
}

function countWins(keys: string[], draws: number, drawAll: () => number[]): Record<string, number> {
  const wins = new Array<number>(keys.length).fill(0);
  for (let d = 0; d < draws; d++) {
    const values = drawAll();
    let best = 0;
    for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
    wins[best]++;
  }
  return Object.fromEntries(keys.map((key, i) => [key, wins[i] / draws]));
}
