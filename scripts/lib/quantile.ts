/** The value at fraction `q` of ascending `sorted` values (the element at floor(q × n), clamped to the last). */
export function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}
