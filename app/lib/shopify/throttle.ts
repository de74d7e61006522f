/** The `extensions.cost` block of an Admin GraphQL response. */
export interface QueryCost {
  requestedQueryCost?: number;
  actualQueryCost?: number | null;
  throttleStatus?: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number };
}

/**
 * How long to wait before a query of `nextCost` points can run without being throttled, given the
 * bucket reported by the last response. Zero when the bucket already holds enough.
 */
export function waitForPoints(cost: QueryCost | undefined, nextCost: number): number {
  const status = cost?.throttleStatus;
  if (!status || status.restoreRate <= 0) return 0;
  const needed = Math.min(nextCost, status.maximumAvailable) - status.currentlyAvailable;
  return needed <= 0 ? 0 : Math.ceil((needed / status.restoreRate) * 1000);
}

/** Exponential backoff with a cap, for transient failures (5xx, timeouts, resets). */
export function backoffMs(attempt: number, baseMs = 500, capMs = 15_000): number {
  return Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
}
