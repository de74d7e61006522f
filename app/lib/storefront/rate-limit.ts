/** The fixed window a moment falls in, as its index since the epoch. */
export function rateWindow(nowMs: number, windowMs: number): number {
  return Math.floor(nowMs / windowMs);
}

/** Decides a request given how many were counted in the current window (this one included). */
export function rateDecision({ count, limit, nowMs, windowMs }: { count: number; limit: number; nowMs: number; windowMs: number }): {
  allowed: boolean;
  retryAfterSeconds: number;
} {
  if (count <= limit) return { allowed: true, retryAfterSeconds: 0 };
  const windowEnd = (rateWindow(nowMs, windowMs) + 1) * windowMs;
  return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((windowEnd - nowMs) / 1000)) };
}
