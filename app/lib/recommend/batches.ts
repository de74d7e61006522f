/**
 * Bound on ids per `IN (...)` lookup. SQLite allows 32,766 bound parameters per statement and
 * PostgreSQL 65,535; a shop's ids can exceed both, so every id-list lookup is split.
 */
export const MAX_IDS_PER_QUERY = 500;

/** Splits ids into distinct-id batches of at most `size`, in first-seen order. */
export function idBatches(ids: Iterable<string>, size = MAX_IDS_PER_QUERY): string[][] {
  if (!(size >= 1)) throw new Error(`batch size must be at least 1, got ${size}`);
  const out: string[][] = [];
  let current: string[] = [];
  for (const id of new Set(ids)) {
    current.push(id);
    if (current.length === size) {
      out.push(current);
      current = [];
    }
  }
  if (current.length > 0) out.push(current);
  return out;
}
