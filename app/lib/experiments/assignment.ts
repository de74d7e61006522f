import { hashToUnit } from "~/lib/experiments/hash";

/** The reserved arm that sees non-personal bestsellers, used as the baseline for incremental revenue. */
export const HOLDOUT_ARM = "holdout";

export type ArmSpec = { key: string; weight: number };

export type AssignmentInput = {
  shop: string;
  experimentId: string;
  /** Customer id when logged in, otherwise the visitor id; pass the same one every time. */
  unitId: string;
  arms: readonly ArmSpec[];
  /** Percentage (0–100) of enrolled traffic put in the holdout arm. */
  holdoutPct?: number;
  /** Percentage (0–100) of all traffic enrolled in the experiment. */
  rolloutPct?: number;
};

export type Assignment = { enrolled: false } | { enrolled: true; arm: string };

/** Builds the key a shopper is hashed on: customer id when known, else visitor id. */
export function assignmentUnitId({ customerId, visitorId }: { customerId?: string | null; visitorId?: string | null }): string | null {
  if (customerId) return `c:${customerId}`;
  if (visitorId) return `v:${visitorId}`;
  return null;
}

/** Deterministically assigns a shopper to an arm: the same inputs always give the same arm. */
export function assignArm(input: AssignmentInput): Assignment {
  const { shop, experimentId, unitId, arms } = input;
  const holdoutPct = clampPct(input.holdoutPct ?? 10);
  const rolloutPct = clampPct(input.rolloutPct ?? 100);
  validateArms(arms);
  const base = `${shop}\u0000${experimentId}\u0000${unitId}`;
  // Three independent hashes (different salts) so enrolment, holdout and arm choice are uncorrelated.
  // Each is a threshold on a fixed number, so raising a percentage only ever adds shoppers: nobody
  // already enrolled or held out changes group when the merchant widens the rollout.
  if (hashToUnit(`${base}\u0000rollout`) * 100 >= rolloutPct) return { enrolled: false };
  if (hashToUnit(`${base}\u0000holdout`) * 100 < holdoutPct) return { enrolled: true, arm: HOLDOUT_ARM };
  return { enrolled: true, arm: pickWeighted(arms, hashToUnit(`${base}\u0000arm`)) };
}

/** Planned share of enrolled traffic for every arm, holdout included; weights sum to 1. */
export function plannedArmShares(arms: readonly ArmSpec[], holdoutPct = 10): Record<string, number> {
  validateArms(arms);
  const holdout = clampPct(holdoutPct) / 100;
  const total = arms.reduce((sum, arm) => sum + arm.weight, 0);
  const shares: Record<string, number> = {};
  for (const arm of arms) shares[arm.key] = ((1 - holdout) * arm.weight) / total;
  if (holdout > 0) shares[HOLDOUT_ARM] = holdout;
  return shares;
}

function pickWeighted(arms: readonly ArmSpec[], unit: number): string {
  const total = arms.reduce((sum, arm) => sum + arm.weight, 0);
  let cumulative = 0;
  for (const arm of arms) {
    cumulative += arm.weight / total;
    if (unit < cumulative) return arm.key;
  }
  return arms[arms.length - 1].key;
}

function validateArms(arms: readonly ArmSpec[]): void {
  if (arms.length === 0) throw new RangeError("An experiment needs at least one arm");
  const keys = new Set<string>();
  for (const arm of arms) {
    if (arm.key === HOLDOUT_ARM) throw new RangeError(`"${HOLDOUT_ARM}" is reserved for the holdout arm`);
    if (keys.has(arm.key)) throw new RangeError(`Arm "${arm.key}" is listed twice`);
    if (!(arm.weight > 0) || !Number.isFinite(arm.weight)) throw new RangeError(`Arm "${arm.key}" needs a positive weight`);
    keys.add(arm.key);
  }
}

function clampPct(pct: number): number {
  if (!Number.isFinite(pct)) throw new RangeError("Percentages must be numbers between 0 and 100");
  return Math.min(100, Math.max(0, pct));
}
