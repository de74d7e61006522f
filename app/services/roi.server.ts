import {
  HOLDOUT_ARM,
  conversionUplift,
  experimentProgress,
  experimentVerdict,
  incrementalRevenue,
  meanUplift,
  plannedArmShares,
  probabilityBestConversion,
  returnOnInvestment,
  sampleRatioMismatch,
  summaryFromSums,
  type Estimate,
  type IncrementalRevenue,
  type MeanSummary,
  type UpliftResult,
  type Verdict,
} from "~/lib/experiments";
import { isWithinAttributionWindow, type Touch } from "~/lib/storefront/attribution";

// Attribution and estimation for the dashboard. Everything here is plain data in, plain data out
// (no database), so the seeded simulation tests run the exact code the dashboard runs.
//
// ATTRIBUTION RULES (read with MetricDaily in prisma/schema.prisma):
// - A shopper (unit) is the customer id when an event carries one, else the visitor id; a visitor
//   id seen with a customer id on any event in the range is merged into that customer, so events
//   before log-in count for the same shopper.
// - Daily rows (MetricDaily) are keyed by UTC day, surface, strategy, segment and arm (missing
//   values read "none"). visitors = distinct shoppers with any event in the group that day.
// - An order belongs to a group on its UTC day when (a) its customer had an event in the group
//   that day, or (b) one of its lines carries attribution (_shopkeeper surface|strategy|arm) for
//   the group's surface, strategy and arm. Order revenue = total − refunds; cancelled orders
//   count for nothing.
// - A line is attributed by decision 060 (docs/decisions/060-attribution.md): it carries the
//   property AND the order's customer (or a visitor id seen with that customer) clicked or added
//   that product within the shop's attribution window before the order.
// - attributedCents = Σ price × (quantity − refundedQuantity) over attributed lines; it is
//   revenue *on lines a recommendation led to*, not revenue the app caused.
// - Experiment and incremental-revenue estimates use one unit per shopper over the whole range:
//   the shopper's arm is the arm of their first event (on the experiment's surface), and their
//   revenue is every order of theirs (by customer id) from that first event to the end of the
//   range. Anonymous shoppers count as visitors but their orders can only be linked through
//   attribution lines, which the unit analysis does not use, so both arms are diluted alike.

export type ExposureEvent = {
  type: string;
  visitorId: string | null;
  customerId: string | null;
  surface: string;
  strategy: string | null;
  arm: string | null;
  segmentId: string | null;
  productId: string | null;
  occurredAt: Date;
};

export type AttributionLine = {
  productId: string | null;
  recSurface: string | null;
  recStrategy: string | null;
  recArm: string | null;
  priceCents: number;
  quantity: number;
  refundedQuantity: number;
};

export type AttributionOrder = {
  id: string;
  customerId: string | null;
  createdAt: Date;
  totalCents: number;
  totalRefundedCents: number;
  cancelledAt: Date | null;
  lines: AttributionLine[];
};

export type MetricRow = {
  day: string;
  surface: string;
  strategy: string;
  segment: string;
  arm: string;
  visitors: number;
  impressions: number;
  clicks: number;
  addToCarts: number;
  orders: number;
  revenueCents: number;
  attributedCents: number;
};

/** Per-arm unit totals: shoppers, shoppers who ordered, and Σ / Σ² of revenue per shopper in currency units. */
export type ArmStats = { visitors: number; converters: number; revenueSum: number; revenueSumSq: number };

const NONE = "none";
const dayOf = (at: Date) => at.toISOString().slice(0, 10);
const netCents = (order: AttributionOrder) => (order.cancelledAt ? 0 : Math.max(0, order.totalCents - order.totalRefundedCents));

/** Maps each event to its shopper key, merging visitor ids into the customer they logged in as. */
export function unitKeys(events: readonly ExposureEvent[]): (string | null)[] {
  const alias = new Map<string, string>();
  for (const e of events) if (e.visitorId && e.customerId) alias.set(e.visitorId, e.customerId);
  return events.map((e) => {
    const customer = e.customerId ?? (e.visitorId ? alias.get(e.visitorId) : undefined);
    if (customer) return `c:${customer}`;
    return e.visitorId ? `v:${e.visitorId}` : null;
  });
}

/**
 * Daily aggregates per day, surface, strategy, segment and arm, by the rules at the top of this file.
 * Pass events from `windowDays` before the first order so earlier touches can credit its lines.
 */
export function dailyMetrics(events: readonly ExposureEvent[], orders: readonly AttributionOrder[], { windowDays }: { windowDays: number }): MetricRow[] {
  const keys = unitKeys(events);
  const touches = new Map<string, Touch[]>();
  events.forEach((e, i) => {
    const unit = keys[i];
    if ((e.type !== "click" && e.type !== "add_to_cart") || !e.productId || !unit?.startsWith("c:")) return;
    const list = touches.get(unit.slice(2)) ?? [];
    list.push({ productId: e.productId, at: e.occurredAt });
    touches.set(unit.slice(2), list);
  });
  const rows = new Map<string, MetricRow & { units: Set<string>; orderIds: Set<string> }>();
  const row = (day: string, surface: string, strategy: string, segment: string, arm: string) => {
    const key = [day, surface, strategy, segment, arm].join("\u0000");
    let found = rows.get(key);
    if (!found) {
      found = { day, surface, strategy, segment, arm, visitors: 0, impressions: 0, clicks: 0, addToCarts: 0, orders: 0, revenueCents: 0, attributedCents: 0, units: new Set(), orderIds: new Set() };
      rows.set(key, found);
    }
    return found;
  };
  // Groups each customer was exposed in, per day, to link their orders.
  const exposure = new Map<string, Set<ReturnType<typeof row>>>();
  events.forEach((e, i) => {
    const r = row(dayOf(e.occurredAt), e.surface, e.strategy ?? NONE, e.segmentId ?? NONE, e.arm ?? NONE);
    if (e.type === "impression") r.impressions++;
    else if (e.type === "click") r.clicks++;
    else if (e.type === "add_to_cart") r.addToCarts++;
    const unit = keys[i];
    if (!unit) return;
    r.units.add(unit);
    if (unit.startsWith("c:")) {
      const k = `${r.day}\u0000${unit}`;
      let set = exposure.get(k);
      if (!set) exposure.set(k, (set = new Set()));
      set.add(r);
    }
  });
  const countOrder = (r: ReturnType<typeof row>, order: AttributionOrder) => {
    if (r.orderIds.has(order.id)) return;
    r.orderIds.add(order.id);
    r.orders++;
    r.revenueCents += netCents(order);
  };
  for (const order of orders) {
    if (order.cancelledAt) continue;
    const day = dayOf(order.createdAt);
    const exposed = order.customerId ? [...(exposure.get(`${day}\u0000c:${order.customerId}`) ?? [])] : [];
    for (const r of exposed) countOrder(r, order);
    const attributed = new Map<string, { surface: string; strategy: string; arm: string; cents: number }>();
    for (const line of order.lines) {
      if (!line.recSurface || !line.productId || !order.customerId) continue;
      const credited = isWithinAttributionWindow({ productId: line.productId, orderAt: order.createdAt, windowDays, touches: touches.get(order.customerId) ?? [] });
      if (!credited) continue;
      const strategy = line.recStrategy ?? NONE;
      const arm = line.recArm ?? NONE;
      const k = `${line.recSurface}\u0000${strategy}\u0000${arm}`;
      const entry = attributed.get(k) ?? { surface: line.recSurface, strategy, arm, cents: 0 };
      entry.cents += line.priceCents * Math.max(0, line.quantity - line.refundedQuantity);
      attributed.set(k, entry);
    }
    for (const a of attributed.values()) {
      // The shopper's segment for that surface/arm that day, when we saw them; else "none".
      const match = exposed.find((r) => r.surface === a.surface && r.strategy === a.strategy && r.arm === a.arm);
      const r = match ?? row(day, a.surface, a.strategy, NONE, a.arm);
      r.attributedCents += a.cents;
      countOrder(r, order);
    }
  }
  return [...rows.values()]
    .map(({ units, orderIds: _orderIds, ...r }) => ({ ...r, visitors: units.size }))
    .sort((a, b) => compareRows(a, b));
}

function compareRows(a: MetricRow, b: MetricRow): number {
  for (const k of ["day", "surface", "strategy", "segment", "arm"] as const) {
    if (a[k] !== b[k]) return a[k] < b[k] ? -1 : 1;
  }
  return 0;
}

/** Unit-level totals per arm over a range: each shopper's first-seen arm, and their orders from then to `to`. */
export function armStats({
  events,
  orders,
  surface,
  to,
}: {
  events: readonly ExposureEvent[];
  orders: readonly AttributionOrder[];
  /** Only events on this surface decide exposure; all surfaces when omitted. */
  surface?: string;
  to: Date;
}): Record<string, ArmStats> {
  const keys = unitKeys(events);
  const first = new Map<string, { arm: string; at: number }>();
  events.forEach((e, i) => {
    const unit = keys[i];
    if (!unit || !e.arm || (surface && e.surface !== surface)) return;
    const at = e.occurredAt.getTime();
    const seen = first.get(unit);
    if (!seen || at < seen.at) first.set(unit, { arm: e.arm, at });
  });
  const revenue = new Map<string, { cents: number; orders: number }>();
  for (const order of orders) {
    if (!order.customerId || order.cancelledAt) continue;
    const unit = `c:${order.customerId}`;
    const seen = first.get(unit);
    const at = order.createdAt.getTime();
    if (!seen || at < seen.at || at >= to.getTime()) continue;
    const entry = revenue.get(unit) ?? { cents: 0, orders: 0 };
    entry.cents += netCents(order);
    entry.orders++;
    revenue.set(unit, entry);
  }
  // Sums in whole cents are exact, so the result does not depend on the order rows were read in.
  const cents: Record<string, ArmStats> = {};
  for (const [unit, { arm }] of first) {
    const s = (cents[arm] ??= { visitors: 0, converters: 0, revenueSum: 0, revenueSumSq: 0 });
    s.visitors++;
    const r = revenue.get(unit);
    if (r) {
      s.converters++;
      s.revenueSum += r.cents;
      s.revenueSumSq += r.cents * r.cents;
    }
  }
  const stats: Record<string, ArmStats> = {};
  for (const [arm, s] of Object.entries(cents)) stats[arm] = { ...s, revenueSum: s.revenueSum / 100, revenueSumSq: s.revenueSumSq / 10_000 };
  return stats;
}

const summary = (s: ArmStats): MeanSummary => summaryFromSums({ n: s.visitors, sum: s.revenueSum, sumOfSquares: s.revenueSumSq });

/** Sums arm totals, e.g. every treatment arm against the holdout. */
export function mergeArmStats(list: readonly ArmStats[]): ArmStats {
  return list.reduce(
    (acc, s) => ({ visitors: acc.visitors + s.visitors, converters: acc.converters + s.converters, revenueSum: acc.revenueSum + s.revenueSum, revenueSumSq: acc.revenueSumSq + s.revenueSumSq }),
    { visitors: 0, converters: 0, revenueSum: 0, revenueSumSq: 0 },
  );
}

export type IncrementalEstimate =
  | { available: false; reason: string; treatedVisitors: number; holdoutVisitors: number }
  | ({ available: true; treatedVisitors: number; holdoutVisitors: number; conversion?: UpliftResult } & IncrementalRevenue);

/** Incremental revenue of all treated shoppers against the holdout arm, with its 95% interval (Welch). */
export function estimateIncrementalRevenue(stats: Readonly<Record<string, ArmStats>>): IncrementalEstimate {
  const holdout = stats[HOLDOUT_ARM] ?? { visitors: 0, converters: 0, revenueSum: 0, revenueSumSq: 0 };
  const treated = mergeArmStats(Object.entries(stats).filter(([arm]) => arm !== HOLDOUT_ARM && arm !== NONE).map(([, s]) => s));
  const base = { treatedVisitors: treated.visitors, holdoutVisitors: holdout.visitors };
  if (holdout.visitors < 2 || treated.visitors < 2) {
    return { available: false, reason: "Fewer than two shoppers have been seen in the holdout group or in the treated groups.", ...base };
  }
  const result = incrementalRevenue({ treatment: summary(treated), holdout: summary(holdout), treatedVisitors: treated.visitors });
  const conversion =
    holdout.converters > 0
      ? conversionUplift({ visitors: holdout.visitors, conversions: holdout.converters }, { visitors: treated.visitors, conversions: treated.converters })
      : undefined;
  return { available: true, ...base, ...result, conversion };
}

export type RoiEstimate =
  | { available: false; reason: string }
  | { available: true; appCost: number; marginPct: number; incrementalMargin: Estimate; roi: Estimate };

/** ROI over a period: the monthly app cost is prorated by days/30 (document: cost entered per month). */
export function estimateRoi({
  incremental,
  grossMarginPct,
  appCostCentsPerMonth,
  days,
}: {
  incremental: IncrementalEstimate;
  grossMarginPct: number;
  appCostCentsPerMonth: number;
  days: number;
}): RoiEstimate {
  if (!incremental.available) return { available: false, reason: incremental.reason };
  if (!(appCostCentsPerMonth > 0)) return { available: false, reason: "Enter what the app costs you per month to see the return on it." };
  const appCost = ((appCostCentsPerMonth / 100) * days) / 30;
  const result = returnOnInvestment({ incremental: incremental.total, marginPct: grossMarginPct, appCost });
  return { available: true, appCost, marginPct: grossMarginPct, ...result };
}

export type ExperimentDefinition = {
  id: string;
  name: string;
  surface: string;
  arms: { key: string; strategy: string; weight: number }[];
  holdoutPct: number;
  rolloutPct: number;
  targetSampleSize: number | null;
  startedAt: Date | null;
  stoppedAt: Date | null;
};

export type ArmResult = {
  arm: string;
  strategy: string;
  plannedShare: number;
  visitors: number;
  converters: number;
  conversionRate: number;
  revenuePerVisitor: number;
  conversionUplift: UpliftResult | null;
  revenueUplift: UpliftResult | null;
  probabilityBest: number | null;
};

export type ExperimentAnalysis = {
  arms: ArmResult[];
  srm: { pValue: number; mismatch: boolean } | null;
  progress: { complete: boolean; fractionComplete: number; daysRemaining: number | null; requiredPerArm: Record<string, number> };
  verdict: Verdict;
  daysElapsed: number;
};

/** Per-arm effect sizes against the holdout, SRM check, progress to the planned sample and the verdict. */
export function analyseExperiment({ experiment, stats, now }: { experiment: ExperimentDefinition; stats: Readonly<Record<string, ArmStats>>; now: Date }): ExperimentAnalysis {
  const shares = plannedArmShares(experiment.arms.map((a) => ({ key: a.key, weight: a.weight })), experiment.holdoutPct);
  const end = experiment.stoppedAt ?? now;
  const daysElapsed = experiment.startedAt ? Math.max(0, (end.getTime() - experiment.startedAt.getTime()) / 86_400_000) : 0;
  const control = stats[HOLDOUT_ARM];
  const strategyOf = new Map(experiment.arms.map((a) => [a.key, a.strategy]));
  const observed: Record<string, number> = {};
  for (const arm of Object.keys(shares)) observed[arm] = stats[arm]?.visitors ?? 0;
  const total = Object.values(observed).reduce((a, b) => a + b, 0);
  const srmResult = total > 0 ? sampleRatioMismatch(observed, shares) : null;
  // The planned total is split by the planned shares, so each arm has its own target.
  const target = experiment.targetSampleSize ?? 0;
  const requiredPerArm: Record<string, number> = {};
  for (const [arm, share] of Object.entries(shares)) requiredPerArm[arm] = Math.ceil(target * share);
  const progress = experimentProgress({ required: requiredPerArm, observed, daysElapsed });
  const proportions: Record<string, { visitors: number; conversions: number }> = {};
  for (const arm of Object.keys(shares)) proportions[arm] = { visitors: observed[arm], conversions: stats[arm]?.converters ?? 0 };
  const best = total > 0 ? probabilityBestConversion(proportions, { seed: 20_301, draws: 4_000 }) : null;
  const arms: ArmResult[] = Object.keys(shares).map((arm) => {
    const s = stats[arm] ?? { visitors: 0, converters: 0, revenueSum: 0, revenueSumSq: 0 };
    const canCompare = arm !== HOLDOUT_ARM && control && control.visitors >= 2 && s.visitors >= 2;
    return {
      arm,
      strategy: arm === HOLDOUT_ARM ? "bestsellers (non-personal)" : (strategyOf.get(arm) ?? arm),
      plannedShare: shares[arm],
      visitors: s.visitors,
      converters: s.converters,
      conversionRate: s.visitors > 0 ? s.converters / s.visitors : 0,
      revenuePerVisitor: s.visitors > 0 ? s.revenueSum / s.visitors : 0,
      conversionUplift:
        canCompare && control.converters > 0
          ? conversionUplift({ visitors: control.visitors, conversions: control.converters }, { visitors: s.visitors, conversions: s.converters })
          : null,
      revenueUplift: canCompare && control.revenueSum > 0 ? meanUplift(summary(control), summary(s)) : null,
      probabilityBest: best ? best[arm] : null,
    };
  });
  const primary = arms.find((a) => a.arm !== HOLDOUT_ARM && a.conversionUplift);
  const verdict = experimentVerdict({
    treatmentLabel: experiment.arms.length > 1 ? `Arm "${primary?.arm ?? experiment.arms[0].key}"` : "Personalised recommendations",
    metricLabel: "conversion",
    progress,
    uplift: primary?.conversionUplift ?? undefined,
    srm: srmResult ?? undefined,
  });
  return {
    arms,
    srm: srmResult ? { pValue: srmResult.pValue, mismatch: srmResult.mismatch } : null,
    progress: { complete: progress.complete, fractionComplete: progress.fractionComplete, daysRemaining: progress.daysRemaining, requiredPerArm },
    verdict,
    daysElapsed,
  };
}

export type BaselineFigures = { from: string; to: string; days: number; orders: number; revenueCents: number; aovCents: number | null; ordersPerDay: number };

/** Order figures over a window (the baseline before install, or the period shown), from net order revenue. */
export function orderFigures(orders: readonly { totalCents: number; totalRefundedCents: number; cancelledAt: Date | null }[], from: Date, to: Date): BaselineFigures {
  const live = orders.filter((o) => !o.cancelledAt);
  const revenueCents = live.reduce((sum, o) => sum + Math.max(0, o.totalCents - o.totalRefundedCents), 0);
  const days = Math.max(1, Math.round((to.getTime() - from.getTime()) / 86_400_000));
  return {
    from: dayOf(from),
    to: dayOf(new Date(to.getTime() - 1)),
    days,
    orders: live.length,
    revenueCents,
    aovCents: live.length > 0 ? Math.round(revenueCents / live.length) : null,
    ordersPerDay: live.length / days,
  };
}

/** Quotes a value for CSV (RFC 4180) and neutralises spreadsheet formulas. */
export function csvCell(value: unknown): string {
  let text = value === null || value === undefined ? "" : String(value);
  if (/^[=+\-@]/.test(text) && !/^-?\d/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Rows to CSV text. */
export function toCsv(rows: readonly (readonly unknown[])[]): string {
  return rows.map((r) => r.map(csvCell).join(",")).join("\r\n") + "\r\n";
}

export type Breakdown = "surface" | "strategy" | "segment" | "arm";
type TrendPoint = { key: string; value: number | null };

/** Daily trend series (attributed revenue, CTR, conversion, AOV) per breakdown value over every day in the range. */
export function trendSeries(rows: readonly MetricRow[], breakdown: Breakdown, days: readonly string[]) {
  const groups = new Map<string, Map<string, MetricRow>>();
  for (const r of rows) {
    const name = r[breakdown];
    const byDay = groups.get(name) ?? new Map<string, MetricRow>();
    const acc = byDay.get(r.day) ?? { ...r, visitors: 0, impressions: 0, clicks: 0, addToCarts: 0, orders: 0, revenueCents: 0, attributedCents: 0 };
    acc.visitors += r.visitors;
    acc.impressions += r.impressions;
    acc.clicks += r.clicks;
    acc.addToCarts += r.addToCarts;
    acc.orders += r.orders;
    acc.revenueCents += r.revenueCents;
    acc.attributedCents += r.attributedCents;
    byDay.set(r.day, acc);
    groups.set(name, byDay);
  }
  const ratio = (a: number, b: number) => (b > 0 ? a / b : null);
  const series = (pick: (r: MetricRow) => number | null) =>
    [...groups.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([name, byDay]) => ({
        name,
        data: days.map((day): TrendPoint => {
          const r = byDay.get(day);
          return { key: day, value: r ? pick(r) : null };
        }),
      }));
  return {
    attributedRevenue: series((r) => r.attributedCents / 100),
    ctr: series((r) => ratio(r.clicks, r.impressions)),
    conversion: series((r) => ratio(r.orders, r.visitors)),
    aov: series((r) => (r.orders > 0 ? r.revenueCents / 100 / r.orders : null)),
  };
}

/** Totals of MetricDaily rows. */
export function metricTotals(rows: readonly MetricRow[]) {
  const t = rows.reduce(
    (acc, r) => ({
      visitors: acc.visitors + r.visitors,
      impressions: acc.impressions + r.impressions,
      clicks: acc.clicks + r.clicks,
      addToCarts: acc.addToCarts + r.addToCarts,
      orders: acc.orders + r.orders,
      revenueCents: acc.revenueCents + r.revenueCents,
      attributedCents: acc.attributedCents + r.attributedCents,
    }),
    { visitors: 0, impressions: 0, clicks: 0, addToCarts: 0, orders: 0, revenueCents: 0, attributedCents: 0 },
  );
  return { ...t, ctr: t.impressions > 0 ? t.clicks / t.impressions : null, conversion: t.visitors > 0 ? t.orders / t.visitors : null, aovCents: t.orders > 0 ? t.revenueCents / t.orders : null };
}

/** Every YYYY-MM-DD day from `from` to `to` inclusive. */
export function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`), end = Date.parse(`${to}T00:00:00Z`); t <= end && out.length < 1000; t += 86_400_000) {
    out.push(new Date(t).toISOString().slice(0, 10));
  }
  return out;
}
