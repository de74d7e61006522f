/** A seeded source of uniform numbers in [0, 1). */
export type Rng = () => number;

/** Creates a seeded mulberry32 generator; the same seed always gives the same stream. */
export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 0x1_0000_0000;
  };
}

/** Draws a standard normal variate (Box–Muller). */
export function sampleNormal(rng: Rng): number {
  let u = rng();
  while (u === 0) u = rng();
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Draws Gamma(shape, 1) by Marsaglia and Tsang's method. */
export function sampleGamma(rng: Rng, shape: number): number {
  if (!(shape > 0)) throw new RangeError("Gamma shape must be positive");
  if (shape < 1) {
    // Boost a shape below 1 to shape + 1, then scale back by U^(1/shape).
    let u = rng();
    while (u === 0) u = rng();
    return sampleGamma(rng, shape + 1) * Math.pow(u, 1 / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = sampleNormal(rng);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng();
    if (u < 1 - 0.0331 * x ** 4) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** Draws Beta(a, b) as a ratio of gammas. */
export function sampleBeta(rng: Rng, a: number, b: number): number {
  const x = sampleGamma(rng, a);
  const y = sampleGamma(rng, b);
  return x / (x + y);
}

/** Draws Binomial(n, p) exactly; expected cost is proportional to n·min(p, 1−p), not n. */
export function sampleBinomial(rng: Rng, n: number, p: number): number {
  if (p <= 0 || n <= 0) return 0;
  if (p >= 1) return n;
  if (p > 0.5) return n - sampleBinomial(rng, n, 1 - p);
  // Count successes by jumping over geometric gaps of failures.
  const logQ = Math.log1p(-p);
  let successes = 0;
  let position = 0;
  for (;;) {
    let u = rng();
    while (u === 0) u = rng();
    position += Math.floor(Math.log(u) / logQ) + 1;
    if (position > n) return successes;
    successes++;
  }
}
