import { describe, expect, it } from "vitest";
import { HOLDOUT_ARM } from "~/lib/experiments";
import { analyseExperiment, armStats, dailyMetrics, estimateIncrementalRevenue, type ExperimentDefinition } from "~/services/roi.server";
import { TRUE_ORDER_VALUE, simulateTraffic } from "./simulation-traffic";

// The dashboard's own pipeline (attribution → arm stats → incremental revenue / experiment
// analysis) on seeded shopper traffic with a known +8% conversion uplift. 100 runs: the SE of a 95%
// coverage is about 2.2 points, so ≥ 90% passes a correct interval and fails one ~25% too narrow.
const RUNS = 100;
const VISITORS = 10_000;
const BASELINE = 0.05;
const UPLIFT = 0.08;
const TRUE_PER_VISITOR = BASELINE * UPLIFT * TRUE_ORDER_VALUE;

const experiment = (id: string, start: Date): ExperimentDefinition => ({
  id,
  name: "sim",
  surface: "product",
  arms: [{ key: "treatment", strategy: "for_you", weight: 1 }],
  holdoutPct: 10,
  rolloutPct: 100,
  targetSampleSize: 8_000,
  startedAt: start,
  stoppedAt: null,
});

describe("simulated traffic through the dashboard pipeline", () => {
  it("daily metrics count every simulated shopper, order and attributed cent exactly once", () => {
    const sim = simulateTraffic({ seed: 7, visitors: 3_000, baseline: BASELINE, uplift: UPLIFT });
    const rows = dailyMetrics(sim.events, sim.orders, { windowDays: 7 });
    const sum = (pick: (r: (typeof rows)[number]) => number) => rows.reduce((a, r) => a + pick(r), 0);
    expect(sum((r) => r.impressions + r.clicks)).toBe(sim.events.length);
    expect(sum((r) => r.clicks)).toBe(sim.events.filter((e) => e.type === "click").length);
    const attributed = sim.orders.filter((o) => o.lines[0].recArm).reduce((a, o) => a + o.totalCents, 0);
    expect(sum((r) => r.attributedCents)).toBe(attributed);
    // Every order's customer was exposed the same day in exactly one group in this traffic, or
    // the order is attributed; either way it lands in one row.
    const sameDay = sim.orders.filter((o) => o.createdAt.toISOString().slice(0, 10) === sim.events.find((e) => e.customerId === o.customerId)!.occurredAt.toISOString().slice(0, 10) || o.lines[0].recArm);
    expect(sum((r) => r.orders)).toBe(sameDay.length);
    const stats = armStats({ events: sim.events, orders: sim.orders, to: sim.end });
    expect(stats[HOLDOUT_ARM].visitors + stats.treatment.visitors).toBe(sim.assigned[HOLDOUT_ARM] + sim.assigned.treatment);
    expect(stats[HOLDOUT_ARM].converters + stats.treatment.converters).toBe(sim.orders.length);
    expect(stats.treatment.revenueSum + stats[HOLDOUT_ARM].revenueSum).toBeCloseTo(sim.orders.reduce((a, o) => a + o.totalCents / 100, 0), 6);
  });

  it("attributed revenue follows decision 060: property plus a click or add-to-cart on the product within the window", () => {
    const at = (iso: string) => new Date(iso);
    const event = (type: string, productId: string, iso: string, who: { visitorId?: string; customerId?: string }) => ({
      type, visitorId: who.visitorId ?? null, customerId: who.customerId ?? null, surface: "product", strategy: "for_you", arm: "treatment", segmentId: null, productId, occurredAt: at(iso),
    });
    const line = (productId: string, priceCents: number, quantity = 1, refundedQuantity = 0) => ({ productId, recSurface: "product", recStrategy: "for_you", recArm: "treatment", priceCents, quantity, refundedQuantity });
    const events = [
      // Clicked product A exactly 7 days before the order, anonymously on a device later logged in.
      event("click", "A", "2026-03-01T12:00:00Z", { visitorId: "v1" }),
      event("impression", "B", "2026-03-08T11:00:00Z", { visitorId: "v1", customerId: "c1" }),
      // Product C was added 7 days and 1 minute before: outside the window.
      event("add_to_cart", "C", "2026-03-01T11:59:00Z", { customerId: "c1" }),
    ];
    const order = { id: "o1", customerId: "c1", createdAt: at("2026-03-08T12:00:00Z"), totalCents: 9_000, totalRefundedCents: 1_000, cancelledAt: null, lines: [line("A", 2_500, 3, 1), line("B", 1_000), line("C", 4_000)] };
    const rows = dailyMetrics(events, [order], { windowDays: 7 });
    const day8 = rows.filter((r) => r.day === "2026-03-08");
    // Only A is credited: (3 − 1) × 25.00; B was only seen (an impression is not a touch), C is too old.
    expect(day8).toEqual([
      { day: "2026-03-08", surface: "product", strategy: "for_you", segment: "none", arm: "treatment", visitors: 1, impressions: 1, clicks: 0, addToCarts: 0, orders: 1, revenueCents: 8_000, attributedCents: 5_000 },
    ]);
    expect(dailyMetrics(events, [order], { windowDays: 6 }).find((r) => r.day === "2026-03-08")!.attributedCents).toBe(0);
  });

  it(`95% intervals cover the true +8% conversion uplift and the true incremental revenue in ≥ 90% of ${RUNS} seeded runs`, () => {
    let upliftCovers = 0;
    let revenueCovers = 0;
    let srmAlarms = 0;
    for (let run = 0; run < RUNS; run++) {
      const sim = simulateTraffic({ seed: 1_000 + run, visitors: VISITORS, baseline: BASELINE, uplift: UPLIFT });
      const stats = armStats({ events: sim.events, orders: sim.orders, surface: "product", to: sim.end });
      const estimate = estimateIncrementalRevenue(stats);
      if (!estimate.available) throw new Error("estimate should be available");
      const c = estimate.conversion!.ci;
      if (c.lower <= UPLIFT && UPLIFT <= c.upper) upliftCovers++;
      const r = estimate.perVisitor.ci;
      if (r.lower <= TRUE_PER_VISITOR && TRUE_PER_VISITOR <= r.upper) revenueCovers++;
      // The total is the per-visitor interval scaled by the treated visitors.
      expect(estimate.total.estimate).toBeCloseTo(estimate.perVisitor.estimate * stats.treatment.visitors, 6);
      const analysis = analyseExperiment({ experiment: experiment(sim.experimentId, sim.start), stats, now: sim.end });
      if (analysis.srm?.mismatch) srmAlarms++;
    }
    expect(upliftCovers / RUNS).toBeGreaterThanOrEqual(0.9);
    expect(upliftCovers / RUNS).toBeLessThanOrEqual(0.99);
    expect(revenueCovers / RUNS).toBeGreaterThanOrEqual(0.9);
    expect(revenueCovers / RUNS).toBeLessThanOrEqual(0.99);
    // A healthy split raises the p < 0.001 alarm about once in 1,000 views (these seeds: once in 100).
    expect(srmAlarms).toBeLessThanOrEqual(2);
    console.info(`coverage: uplift ${upliftCovers}/${RUNS}, incremental revenue ${revenueCovers}/${RUNS}; SRM alarms ${srmAlarms}`);
  }, 120_000);

  it("the SRM check fires and overrides the verdict when holdout traffic is lost", () => {
    let alarms = 0;
    for (let run = 0; run < 10; run++) {
      const sim = simulateTraffic({ seed: 5_000 + run, visitors: VISITORS, baseline: BASELINE, uplift: UPLIFT, dropHoldoutShare: 0.25 });
      const stats = armStats({ events: sim.events, orders: sim.orders, surface: "product", to: sim.end });
      const analysis = analyseExperiment({ experiment: experiment(sim.experimentId, sim.start), stats, now: sim.end });
      if (analysis.srm?.mismatch && analysis.verdict.status === "sample_ratio_mismatch") alarms++;
    }
    // Losing a quarter of a 10% holdout of ~12,000 shoppers is a skew of about 9 standard errors.
    expect(alarms).toBe(10);
  }, 60_000);

  it("with the planned sample reached after 14 days the verdict reports the direction with its interval", () => {
    const sim = simulateTraffic({ seed: 42, visitors: VISITORS, baseline: BASELINE, uplift: 0.6 });
    const stats = armStats({ events: sim.events, orders: sim.orders, surface: "product", to: sim.end });
    const analysis = analyseExperiment({ experiment: experiment(sim.experimentId, sim.start), stats, now: sim.end });
    expect(analysis.progress.complete).toBe(true);
    expect(analysis.verdict.status).toBe("positive");
    expect(analysis.verdict.message).toMatch(/^Personalised recommendations raised conversion by \d+\.\d% \(95% CI \d+\.\d% to \d+\.\d%\)\.$/);
  });
});
