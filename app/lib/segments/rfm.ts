import type { RfmGroup } from "~/lib/segments/attributes";

const DAY_MS = 86_400_000;

/** The order aggregates RFM needs for one customer. */
export interface RfmInput {
  id: string;
  numberOfOrders: number;
  amountSpentCents: number;
  lastOrderAt: Date | null;
}

/** Scores 1-5 (null for customers without orders) and the resulting group. */
export interface RfmResult {
  id: string;
  recency: number | null;
  frequency: number | null;
  monetary: number | null;
  group: RfmGroup;
}

/**
 * Quintile scores 1-5 where higher values are better: score = 1 + floor(5 × share of all values
 * that are strictly worse), capped at 5. Tied values always share a score, and a score of 5
 * means "better than at least 80% of the shop's customers".
 */
export function quintileScores(values: readonly number[]): number[] {
  const sorted = [...values].sort((a, b) => a - b);
  const n = values.length;
  return values.map((value) => {
    let low = 0;
    let high = n;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (sorted[middle] < value) low = middle + 1;
      else high = middle;
    }
    return Math.min(5, 1 + Math.floor((5 * low) / n));
  });
}

// Rows are recency 5 → 1; columns are FM = (F + M) / 2 in bands [1, 2), [2, 3), [3, 4), [4, 5].
const GROUP_TABLE: Record<number, [RfmGroup, RfmGroup, RfmGroup, RfmGroup]> = {
  5: ["NEW", "PROMISING", "ACTIVE", "CHAMPIONS"],
  4: ["PROMISING", "PROMISING", "ACTIVE", "LOYAL"],
  3: ["ALMOST_LOST", "NEEDS_ATTENTION", "NEEDS_ATTENTION", "LOYAL"],
  2: ["ALMOST_LOST", "ALMOST_LOST", "AT_RISK", "PREVIOUSLY_LOYAL"],
  1: ["DORMANT", "DORMANT", "AT_RISK", "PREVIOUSLY_LOYAL"],
};

/** Maps recency and the average of frequency and monetary scores to a Shopify RFM group (docs/decisions/021). */
export function rfmGroupFor(recency: number, frequency: number, monetary: number): RfmGroup {
  const fm = (frequency + monetary) / 2;
  const band = Math.min(3, Math.floor(fm) - 1);
  return GROUP_TABLE[recency][band];
}

/** Scores every customer of one shop against each other at `now`; customers without orders are PROSPECTS. */
export function scoreRfm(customers: readonly RfmInput[], now: Date): RfmResult[] {
  const buyers = customers.filter((customer) => customer.numberOfOrders > 0 && customer.lastOrderAt !== null);
  // Whole days, so that two orders on the same day tie on recency; fewer days is better.
  const recency = quintileScores(buyers.map((c) => -Math.floor((now.getTime() - c.lastOrderAt!.getTime()) / DAY_MS)));
  const frequency = quintileScores(buyers.map((c) => c.numberOfOrders));
  const monetary = quintileScores(buyers.map((c) => c.amountSpentCents));
  let i = 0;
  return customers.map((customer): RfmResult => {
    if (!(customer.numberOfOrders > 0 && customer.lastOrderAt !== null)) {
      return { id: customer.id, recency: null, frequency: null, monetary: null, group: "PROSPECTS" };
    }
    const [r, f, m] = [recency[i], frequency[i], monetary[i]];
    i++;
    return { id: customer.id, recency: r, frequency: f, monetary: m, group: rfmGroupFor(r, f, m) };
  });
}
