import {
  exposureReportBySegment,
  preferenceAlerts,
  NO_SEGMENT,
  type ExposureReport,
  type ImpressionRecord,
  type PreferenceAlert,
} from "~/lib/ethics";
import {
  listCatalogueForFairness,
  listImpressions,
  listSegmentNames,
  listShopperPreferences,
  saveFairnessReport,
} from "~/models/ethics.server";
import { getShopSettings } from "~/models/shop.server";

const DAY_MS = 86_400_000;

export type ImpressionRow = {
  productId: string | null;
  segmentId: string | null;
  visitorId: string | null;
  customerId: string | null;
  surface: string;
  occurredAt: Date;
};

/**
 * Event rows carry no request id, so one rendered list is approximated as the impressions of one
 * shopper on one surface within the same clock minute (see docs/decisions/070).
 */
export function approximateListId(row: Pick<ImpressionRow, "visitorId" | "customerId" | "surface" | "occurredAt">): string | null {
  const who = row.visitorId ? `v:${row.visitorId}` : row.customerId ? `c:${row.customerId}` : null;
  if (!who) return null;
  return `${who}|${row.surface}|${Math.floor(row.occurredAt.getTime() / 60_000)}`;
}

/** The preference keys a shopper seen in an event may have stored choices under. */
export function shopperKeys(row: Pick<ImpressionRow, "visitorId" | "customerId">): string[] {
  return [...(row.customerId ? [`c:${row.customerId}`] : []), ...(row.visitorId ? [`v:${row.visitorId}`] : [])];
}

export type FairnessMetrics = {
  periodStart: string;
  periodEnd: string;
  overall: ExposureReport;
  bySegment: Record<string, ExposureReport & { name: string }>;
  /** Impressions per vendor, most shown first (for the chart). */
  impressionsByVendor: { vendor: string; impressions: number }[];
  shoppersSeen: number;
  optOuts: number;
  /** Shoppers seen who marked at least one product "not interested". */
  shoppersNotInterested: number;
  notInterestedMarks: number;
  optOutRate: number;
  notInterestedRate: number;
  alerts: PreferenceAlert[];
  listApproximation: string;
};

/** Computes the exposure & fairness report for the period ending at `now` from stored impressions; pure apart from the loads. */
export async function buildFairnessMetrics({ shop, now, periodDays = 30 }: { shop: string; now: Date; periodDays?: number }): Promise<FairnessMetrics> {
  const from = new Date(now.getTime() - periodDays * DAY_MS);
  const [rows, catalogue, names, { ethics }] = await Promise.all([
    listImpressions({ shop, from, to: now }),
    listCatalogueForFairness({ shop }),
    listSegmentNames({ shop }),
    getShopSettings({ shop }),
  ]);
  const impressions: ImpressionRecord[] = rows.map((row) => ({ productId: row.productId!, segment: row.segmentId, listId: approximateListId(row) }));
  const { overall, bySegment } = exposureReportBySegment({ impressions, catalogue, now });

  const vendorOf = new Map(catalogue.map((p) => [p.id, p.vendor || "(no vendor)"]));
  const byVendor = new Map<string, number>();
  for (const i of impressions) {
    const vendor = vendorOf.get(i.productId);
    if (vendor !== undefined) byVendor.set(vendor, (byVendor.get(vendor) ?? 0) + 1);
  }

  // A shopper is identified by their customer id when known, else the visitor id; either key may hold their preferences.
  const shoppers = new Map<string, Set<string>>();
  for (const row of rows) {
    const keys = shopperKeys(row);
    if (keys.length === 0) continue;
    const set = shoppers.get(keys[0]) ?? new Set<string>();
    for (const key of keys) set.add(key);
    shoppers.set(keys[0], set);
  }
  const allKeys = [...new Set([...shoppers.values()].flatMap((s) => [...s]))];
  const preferences = new Map((await listShopperPreferences({ shop, keys: allKeys })).map((p) => [p.shopperKey, p]));
  let optOuts = 0;
  let shoppersNotInterested = 0;
  let notInterestedMarks = 0;
  for (const keys of shoppers.values()) {
    const prefs = [...keys].map((k) => preferences.get(k)).filter((p) => p !== undefined);
    if (prefs.some((p) => p.personalisationOff)) optOuts++;
    const marks = new Set(prefs.flatMap((p) => p.notInterested.split(",").filter(Boolean)));
    if (marks.size > 0) shoppersNotInterested++;
    notInterestedMarks += marks.size;
  }
  const shoppersSeen = shoppers.size;
  const alerts = preferenceAlerts(
    { shoppersReached: shoppersSeen, optOuts, personalImpressions: impressions.length, notInterested: notInterestedMarks },
    ethics,
  );

  return {
    periodStart: from.toISOString(),
    periodEnd: now.toISOString(),
    overall,
    bySegment: Object.fromEntries(
      Object.entries(bySegment).map(([id, report]) => [id, { ...report, name: id === NO_SEGMENT ? "No segment" : (names.get(id) ?? id) }]),
    ),
    impressionsByVendor: [...byVendor].map(([vendor, n]) => ({ vendor, impressions: n })).sort((a, b) => b.impressions - a.impressions || a.vendor.localeCompare(b.vendor)),
    shoppersSeen,
    optOuts,
    shoppersNotInterested,
    notInterestedMarks,
    optOutRate: shoppersSeen > 0 ? optOuts / shoppersSeen : 0,
    notInterestedRate: impressions.length > 0 ? notInterestedMarks / impressions.length : 0,
    alerts,
    listApproximation: "one shopper, one surface, one clock minute",
  };
}

/** Builds the report for the period ending at `now` and stores it in FairnessReport. */
export async function runFairnessReport({ shop, now = new Date(), periodDays = 30 }: { shop: string; now?: Date; periodDays?: number }) {
  const metrics = await buildFairnessMetrics({ shop, now, periodDays });
  const row = await saveFairnessReport({ shop, periodEnd: now, metrics });
  return { id: row.id, metrics };
}
