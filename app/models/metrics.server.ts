import prisma from "~/db.server";
import { auditQuery } from "~/models/audit.server";
import { getShopSettings } from "~/models/shop.server";
import {
  armStats,
  dailyMetrics,
  orderFigures,
  type ArmStats,
  type AttributionOrder,
  type BaselineFigures,
  type ExposureEvent,
  type MetricRow,
} from "~/services/roi.server";

// Daily metrics: a delete-and-recompute of whole UTC days, so a rebuild is idempotent and a
// late event or refund is picked up by rebuilding its day. Attribution rules: app/services/roi.server.ts.

const DAY_MS = 86_400_000;

/** UTC midnight of a YYYY-MM-DD day. */
export function dayStart(day: string): Date {
  return new Date(`${day}T00:00:00.000Z`);
}

/** YYYY-MM-DD of a date, in UTC. */
export function dayKey(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** Events and orders (with lines) of the shop in [from, to). */
export async function loadAttributionInputs({ shop, from, to }: { shop: string; from: Date; to: Date }) {
  const [events, orders] = await Promise.all([
    prisma.event.findMany({
      where: { shop, occurredAt: { gte: from, lt: to } },
      select: { type: true, visitorId: true, customerId: true, surface: true, strategy: true, arm: true, segmentId: true, productId: true, occurredAt: true },
      orderBy: [{ occurredAt: "asc" }, { id: "asc" }],
    }),
    prisma.order.findMany({
      where: { shop, createdAt: { gte: from, lt: to } },
      select: {
        id: true,
        customerId: true,
        createdAt: true,
        totalCents: true,
        totalRefundedCents: true,
        cancelledAt: true,
        lines: { select: { productId: true, recSurface: true, recStrategy: true, recArm: true, priceCents: true, quantity: true, refundedQuantity: true } },
      },
      orderBy: { id: "asc" },
    }),
  ]);
  return { events: events as ExposureEvent[], orders: orders as AttributionOrder[] };
}

/** The days a rebuild covers by default: from the first event (or 90 days back) to today. */
async function defaultRange({ shop, now }: { shop: string; now: Date }) {
  const first = await prisma.event.findFirst({ where: { shop }, orderBy: { occurredAt: "asc" }, select: { occurredAt: true } });
  const floor = new Date(now.getTime() - 90 * DAY_MS);
  const start = first && first.occurredAt > floor ? first.occurredAt : floor;
  return { from: dayKey(start), to: dayKey(now) };
}

/** Recomputes MetricDaily for the days from..to (inclusive, YYYY-MM-DD) in one transaction; running it twice gives the same rows. */
export async function rebuildMetrics({ shop, from, to, now = new Date() }: { shop: string; from?: string; to?: string; now?: Date }) {
  const range = from && to ? { from, to } : { ...(await defaultRange({ shop, now })), ...(from ? { from } : {}), ...(to ? { to } : {}) };
  if (range.from > range.to) throw new RangeError(`Rebuild range is empty: ${range.from} is after ${range.to}`);
  const start = dayStart(range.from);
  const end = new Date(dayStart(range.to).getTime() + DAY_MS);
  const windowDays = (await getShopSettings({ shop })).ethics.attributionWindowDays;
  // Padding: touches up to the attribution window before the range can credit its orders, and a day
  // either side lets a log-in across midnight link a visitor to its customer, so rebuilding one day
  // gives the same rows as rebuilding a longer range around it.
  const padded = await loadAttributionInputs({ shop, from: new Date(start.getTime() - Math.max(1, windowDays) * DAY_MS), to: new Date(end.getTime() + DAY_MS) });
  const rows = dailyMetrics(padded.events, padded.orders, { windowDays }).filter((r) => r.day >= range.from && r.day <= range.to);
  const events = padded.events.filter((e) => e.occurredAt >= start && e.occurredAt < end);
  const orders = padded.orders.filter((o) => o.createdAt >= start && o.createdAt < end);
  const chunks: MetricRow[][] = [];
  for (let i = 0; i < rows.length; i += 500) chunks.push(rows.slice(i, i + 500));
  await prisma.$transaction([
    prisma.metricDaily.deleteMany({ where: { shop, day: { gte: range.from, lte: range.to } } }),
    ...chunks.map((chunk) => prisma.metricDaily.createMany({ data: chunk.map((r) => ({ shop, ...r })) })),
  ]);
  return { from: range.from, to: range.to, rows: rows.length, events: events.length, orders: orders.length };
}

/** MetricDaily rows of the shop for days from..to inclusive, in key order. */
export async function listMetricDaily({ shop, from, to }: { shop: string; from: string; to: string }) {
  return prisma.metricDaily.findMany({
    where: { shop, day: { gte: from, lte: to } },
    orderBy: [{ day: "asc" }, { surface: "asc" }, { strategy: "asc" }, { segment: "asc" }, { arm: "asc" }],
  });
}

/** Unit-level arm totals for [from, to), optionally for one surface (an experiment's). */
export async function getArmStats({ shop, from, to, surface }: { shop: string; from: Date; to: Date; surface?: string }): Promise<Record<string, ArmStats>> {
  const { events, orders } = await loadAttributionInputs({ shop, from, to });
  return armStats({ events, orders, surface, to });
}

/**
 * The baseline captured at install: orders created in the equal-length window just before
 * Shop.installedAt (e.g. the 28 days before install when the dashboard shows 28 days), so the
 * period shown can be compared with the shop's own history before the app. Null when the shop
 * row is missing or no order predates the install.
 */
export async function getInstallBaseline({ shop, days }: { shop: string; days: number }): Promise<(BaselineFigures & { installedAt: string }) | null> {
  const row = await prisma.shop.findUnique({ where: { domain: shop }, select: { installedAt: true } });
  if (!row) return null;
  const to = row.installedAt;
  const from = new Date(to.getTime() - days * DAY_MS);
  const orders = await prisma.order.findMany({
    where: { shop, createdAt: { gte: from, lt: to } },
    select: { totalCents: true, totalRefundedCents: true, cancelledAt: true },
  });
  if (orders.length === 0) return null;
  return { ...orderFigures(orders, from, to), installedAt: to.toISOString() };
}

/** Net order figures of the shop over [from, to), for comparison with the baseline. */
export async function getPeriodOrderFigures({ shop, from, to }: { shop: string; from: Date; to: Date }): Promise<BaselineFigures> {
  const orders = await prisma.order.findMany({
    where: { shop, createdAt: { gte: from, lt: to } },
    select: { totalCents: true, totalRefundedCents: true, cancelledAt: true },
  });
  return orderFigures(orders, from, to);
}

/** Installed shops, for the nightly fan-out. */
export async function listInstalledShopDomains(): Promise<string[]> {
  const rows = await prisma.shop.findMany({ where: { installState: "installed" }, select: { domain: true }, orderBy: { domain: "asc" } });
  return rows.map((r) => r.domain);
}

/** Saves the ROI inputs into Shop.settings.roi, keeping the other sections, with an audit row in the same transaction. */
export async function saveRoiSettings({ shop, actor, roi }: { shop: string; actor: string; roi: { grossMarginPct: number; appCostCents: number } }) {
  const row = await prisma.shop.findUnique({ where: { domain: shop }, select: { settings: true } });
  if (!row) throw new Response("Shop not found", { status: 404 });
  const stored = (typeof row.settings === "object" && row.settings !== null && !Array.isArray(row.settings) ? row.settings : {}) as Record<string, unknown>;
  const before = stored.roi ?? null;
  await prisma.$transaction([
    prisma.shop.update({ where: { domain: shop }, data: { settings: { ...stored, roi } as object } }),
    auditQuery({ shop, actor, action: "settings.roi.update", entityType: "shop", entityId: shop, before, after: roi }),
  ]);
  return roi;
}
