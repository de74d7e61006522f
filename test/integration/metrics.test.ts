import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import type { Job } from "bullmq";
import { beforeAll, describe, expect, it } from "vitest";
import { processors } from "~/jobs/processors/index.server";
import { getArmStats, listMetricDaily, rebuildMetrics } from "~/models/metrics.server";
import { action as dashboardAction, loader as dashboardLoader } from "~/routes/app._index";
import { armStats, dailyMetrics, estimateIncrementalRevenue } from "~/services/roi.server";
import { testDb } from "../support/context";
import { RequestType, adminRequest, storeOfflineSession } from "../support/shopify";
import { simulateTraffic } from "../unit/experiments/simulation-traffic";

const SHOP = "metrics-shop.myshopify.com";
const OTHER = "other-metrics-shop.myshopify.com";
const prisma = () => testDb().prisma;
const sim = simulateTraffic({ seed: 11, shop: SHOP, visitors: 1_500, baseline: 0.05, uplift: 0.08, start: new Date("2026-03-02T00:00:00Z"), days: 7 });

async function call(fn: (args: LoaderFunctionArgs | ActionFunctionArgs) => Promise<unknown>, path: string, init: RequestInit = {}) {
  const request = await adminRequest(SHOP, path, init, undefined, RequestType.Bearer);
  try {
    return (await fn({ request, params: {}, context: {} })) as Response;
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

const post = (fields: Record<string, string>) => ({ method: "POST", body: new URLSearchParams(fields) });

async function seed(shop: string, traffic: typeof sim) {
  await prisma().shop.create({ data: { domain: shop, settings: { ethics: {}, roi: { grossMarginPct: 40, appCostCents: 0 } }, installedAt: traffic.start } });
  await prisma().event.createMany({ data: traffic.events.map((e) => ({ shop, ...e })) });
  await prisma().order.createMany({
    data: traffic.orders.map((o) => ({ shop, id: o.id, name: `#${o.id}`, customerId: o.customerId, createdAt: o.createdAt, updatedAt: o.createdAt, totalCents: o.totalCents, subtotalCents: o.totalCents, totalRefundedCents: o.totalRefundedCents })),
  });
  await prisma().orderLine.createMany({
    data: traffic.orders.flatMap((o) => o.lines.map((l, i) => ({ shop, id: `${o.id}-${i}`, orderId: o.id, title: "Item", ...l }))),
  });
}

const strip = <T extends { shop: string }>(rows: T[]) => rows.map(({ shop: _shop, ...rest }) => rest);

describe("metrics pipeline on the database", () => {
  beforeAll(async () => {
    await storeOfflineSession(SHOP);
    await seed(SHOP, sim);
    // A second shop with its own traffic must never leak into the first one's figures.
    await seed(OTHER, simulateTraffic({ seed: 12, shop: OTHER, visitors: 300, baseline: 0.05, uplift: 0, start: sim.start, days: 7 }));
  });

  it("rebuild-metrics writes exactly the pure daily aggregates, and a second rebuild gives identical rows", async () => {
    const first = await rebuildMetrics({ shop: SHOP, from: "2026-03-01", to: "2026-03-10" });
    expect(first.events).toBe(sim.events.length);
    expect(first.orders).toBe(sim.orders.length);
    const rowsOnce = await listMetricDaily({ shop: SHOP, from: "2026-03-01", to: "2026-03-10" });
    expect(strip(rowsOnce)).toEqual(dailyMetrics(sim.events, sim.orders, { windowDays: 7 }));
    await rebuildMetrics({ shop: SHOP, from: "2026-03-01", to: "2026-03-10" });
    const rowsTwice = await listMetricDaily({ shop: SHOP, from: "2026-03-01", to: "2026-03-10" });
    expect(rowsTwice).toEqual(rowsOnce);
    expect(await prisma().metricDaily.count({ where: { shop: OTHER } })).toBe(0);
  });

  it("a rebuild recomputes its range: rows for a deleted day's events disappear, other days stay", async () => {
    await rebuildMetrics({ shop: SHOP, from: "2026-03-01", to: "2026-03-10" });
    const before = await listMetricDaily({ shop: SHOP, from: "2026-03-01", to: "2026-03-10" });
    const day = "2026-03-03";
    const stale = await prisma().metricDaily.create({ data: { shop: SHOP, day, surface: "stale", strategy: "x", segment: "x", arm: "x", visitors: 99 } });
    expect(stale.visitors).toBe(99);
    await rebuildMetrics({ shop: SHOP, from: day, to: day });
    const after = await listMetricDaily({ shop: SHOP, from: "2026-03-01", to: "2026-03-10" });
    expect(after).toEqual(before);
  });

  it("a one-day rebuild links a visitor who logs in just after midnight to the order placed before it", async () => {
    const at = (iso: string) => new Date(iso);
    const base = { shop: SHOP, surface: "home", strategy: "trending", arm: "treatment", segmentId: null, productId: null };
    await prisma().event.createMany({
      data: [
        { ...base, id: "mid-1", type: "impression", visitorId: "mid-v", customerId: null, occurredAt: at("2026-03-03T23:50:00Z") },
        { ...base, id: "mid-2", type: "click", visitorId: "mid-v", customerId: "mid-c", occurredAt: at("2026-03-04T00:10:00Z") },
      ],
    });
    await prisma().order.create({ data: { shop: SHOP, id: "mid-o", name: "#M", customerId: "mid-c", createdAt: at("2026-03-03T23:55:00Z"), updatedAt: at("2026-03-03T23:55:00Z"), totalCents: 4_200 } });
    await rebuildMetrics({ shop: SHOP, from: "2026-03-03", to: "2026-03-03" });
    const row = await prisma().metricDaily.findFirstOrThrow({ where: { shop: SHOP, day: "2026-03-03", surface: "home" } });
    expect(row).toMatchObject({ visitors: 1, impressions: 1, clicks: 0, orders: 1, revenueCents: 4_200, attributedCents: 0 });
    await prisma().event.deleteMany({ where: { shop: SHOP, id: { startsWith: "mid-" } } });
    await prisma().order.deleteMany({ where: { shop: SHOP, id: "mid-o" } });
    await rebuildMetrics({ shop: SHOP, from: "2026-03-01", to: "2026-03-10" });
    expect(await prisma().metricDaily.count({ where: { shop: SHOP, surface: "home" } })).toBe(0);
  });

  it("the rebuild-metrics job runs through its processor for an installed shop", async () => {
    await prisma().metricDaily.deleteMany({ where: { shop: SHOP } });
    const job = { data: { shop: SHOP, from: "2026-03-01", to: "2026-03-10" }, timestamp: Date.parse("2026-03-11T02:30:00Z") } as Job;
    const result = (await processors["rebuild-metrics"](job)) as { rows: number };
    expect(result.rows).toBe(dailyMetrics(sim.events, sim.orders, { windowDays: 7 }).length);
    await expect(processors["rebuild-metrics"]({ data: { shop: SHOP, from: "2026-3-1" } } as Job)).rejects.toThrow(/YYYY-MM-DD/);
  });

  it("arm statistics from the database equal the pure computation, and feed the dashboard's estimate", async () => {
    const fromDb = await getArmStats({ shop: SHOP, from: sim.start, to: sim.end });
    const pure = armStats({ events: sim.events, orders: sim.orders, to: sim.end });
    expect(fromDb).toEqual(pure);
    expect(fromDb.holdout.visitors + fromDb.treatment.visitors).toBe(sim.assigned.holdout + sim.assigned.treatment);

    await rebuildMetrics({ shop: SHOP, from: "2026-03-01", to: "2026-03-10" });
    const response = await call(dashboardLoader, "/app?from=2026-03-02&to=2026-03-08&breakdown=arm");
    expect(response.status).toBe(200);
    const body = await response.json();
    const expected = estimateIncrementalRevenue(pure);
    expect(body.incremental).toEqual(JSON.parse(JSON.stringify(expected)));
    expect(body.hasMetrics).toBe(true);
    expect(body.trends.attributedRevenue.map((s: { name: string }) => s.name)).toEqual(["holdout", "treatment"]);
    expect(body.trends.ctr[0].data).toHaveLength(7);
    // App cost is 0, so ROI says plainly what is missing instead of a number.
    expect(body.roi).toEqual({ available: false, reason: "Enter what the app costs you per month to see the return on it." });
    // The baseline window is before install: the simulated orders are all after it.
    expect(body.baseline).toBeNull();

    const csv = await call(dashboardLoader, "/app?from=2026-03-02&to=2026-03-08&format=csv");
    expect(csv.headers.get("Content-Type")).toMatch(/text\/csv/);
    const text = await csv.text();
    const daily = text.trim().split("\r\n").filter((line) => /^2026-03-0\d,/.test(line));
    expect(daily).toHaveLength((await listMetricDaily({ shop: SHOP, from: "2026-03-02", to: "2026-03-08" })).length);
    expect(text).toContain(`incremental_revenue,total,${expected.available ? expected.total.estimate : ""}`);
  });

  it("the install baseline uses the orders in an equal window before Shop.installedAt", async () => {
    // Installed 2026-03-02; the range shows 7 days after it, so the baseline is 2026-02-23..2026-03-01.
    const at = (iso: string) => new Date(iso);
    await prisma().order.createMany({
      data: [
        { shop: SHOP, id: "pre-1", name: "#P1", createdAt: at("2026-02-24T10:00:00Z"), updatedAt: at("2026-02-24T10:00:00Z"), totalCents: 3_000, totalRefundedCents: 500 },
        { shop: SHOP, id: "pre-2", name: "#P2", createdAt: at("2026-03-01T23:59:00Z"), updatedAt: at("2026-03-01T23:59:00Z"), totalCents: 7_000 },
        { shop: SHOP, id: "pre-3", name: "#P3", createdAt: at("2026-02-25T10:00:00Z"), updatedAt: at("2026-02-25T10:00:00Z"), totalCents: 9_900, cancelledAt: at("2026-02-25T11:00:00Z") },
        // Outside the 7-day window: ignored.
        { shop: SHOP, id: "pre-4", name: "#P4", createdAt: at("2026-02-22T23:00:00Z"), updatedAt: at("2026-02-22T23:00:00Z"), totalCents: 1_000 },
      ],
    });
    const body = await (await call(dashboardLoader, "/app?from=2026-03-02&to=2026-03-08")).json();
    // (3,000 − 500) + 7,000 = 9,500 cents over 2 live orders in 7 days.
    expect(body.baseline).toEqual({ from: "2026-02-23", to: "2026-03-01", days: 7, orders: 2, revenueCents: 9_500, aovCents: 4_750, ordersPerDay: 2 / 7, installedAt: "2026-03-02T00:00:00.000Z" });
    expect(body.period).toMatchObject({ from: "2026-03-02", to: "2026-03-08", days: 7, orders: sim.orders.length });
    await prisma().order.deleteMany({ where: { shop: SHOP, id: { startsWith: "pre-" } } });
  });

  it("the dashboard shows an honest empty state (no invented figures) for a range without activity", async () => {
    const response = await call(dashboardLoader, "/app?from=2025-01-01&to=2025-01-28");
    const body = await response.json();
    expect(body.hasMetrics).toBe(false);
    expect(body.incremental).toMatchObject({ available: false, treatedVisitors: 0, holdoutVisitors: 0 });
    expect(body.trends.ctr).toEqual([]);
  });

  it("ROI settings: bad input is refused with 422 and merchant-readable messages; good input is saved with an audit row", async () => {
    const bad = await call(dashboardAction, "/app", post({ intent: "roi", grossMarginPct: "140", appCost: "-5" }));
    expect(bad.status).toBe(422);
    expect((await bad.json()).errors).toEqual({ grossMarginPct: ["Gross margin is a percentage up to 100"], appCost: ["App cost can't be negative"] });
    const empty = await call(dashboardAction, "/app", post({ intent: "roi", grossMarginPct: "", appCost: "abc" }));
    expect(empty.status).toBe(422);
    expect(Object.keys((await empty.json()).errors).sort()).toEqual(["appCost", "grossMarginPct"]);
    expect(await prisma().auditLog.count({ where: { shop: SHOP, action: "settings.roi.update" } })).toBe(0);

    const good = await call(dashboardAction, "/app", post({ intent: "roi", grossMarginPct: "35.5", appCost: "49.99" }));
    expect(good.status).toBe(200);
    const row = await prisma().shop.findUniqueOrThrow({ where: { domain: SHOP } });
    expect(row.settings).toEqual({ ethics: {}, roi: { grossMarginPct: 35.5, appCostCents: 4999 } });
    const audit = await prisma().auditLog.findMany({ where: { shop: SHOP, action: "settings.roi.update" } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ entityType: "shop", entityId: SHOP, before: { grossMarginPct: 40, appCostCents: 0 }, after: { grossMarginPct: 35.5, appCostCents: 4999 } });

    // With a cost, ROI = (incremental × 35.5% − 49.99 × 7/30) / (49.99 × 7/30), carried through the interval.
    const response = await call(dashboardLoader, "/app?from=2026-03-02&to=2026-03-08");
    const body = await response.json();
    const cost = (49.99 * 7) / 30;
    expect(body.roi.appCost).toBeCloseTo(cost, 9);
    expect(body.roi.roi.estimate).toBeCloseTo((body.incremental.total.estimate * 0.355 - cost) / cost, 9);
    expect(body.roi.roi.ci.lower).toBeCloseTo((body.incremental.total.ci.lower * 0.355 - cost) / cost, 9);
  });
});
