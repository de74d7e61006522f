import type { Prisma } from "@prisma/client";
import { z } from "zod";
import prisma from "~/db.server";
import { auditQuery, recordAudit, searchAuditLog } from "~/models/audit.server";
import { readShopSettings } from "~/lib/settings/shop-settings";
import { ethicsSettingsSchema, type EthicsSettings } from "~/lib/ethics/settings";

export type FieldErrors = Record<string, string>;

/** Turns zod issues into one message per field path ("surfaces.home", "sensitiveTags.2"). */
function fieldErrors(issues: { path: (string | number)[]; message: string }[]): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) {
    const key = issue.path.join(".") || "settings";
    errors[key] ??= issue.message;
  }
  return errors;
}

/**
 * Validates and saves the shop's ethics settings together with an audit row (before/after) in one
 * transaction. Invalid input writes nothing and returns the merchant-facing messages per field.
 */
export async function saveEthicsSettings({ shop, input, actor }: { shop: string; input: unknown; actor: string }) {
  const parsed = ethicsSettingsSchema.safeParse(input);
  if (!parsed.success) return { ok: false as const, errors: fieldErrors(parsed.error.issues) };
  const row = await prisma.shop.findUnique({ where: { domain: shop }, select: { settings: true } });
  if (!row) throw new Response("Shop not found", { status: 404 });
  const stored = (typeof row.settings === "object" && row.settings !== null ? row.settings : {}) as Record<string, unknown>;
  const before = readShopSettings(stored).ethics;
  const after: EthicsSettings = parsed.data;
  const settings = { ...stored, ethics: after } as Prisma.InputJsonValue;
  await prisma.$transaction([
    prisma.shop.update({ where: { domain: shop }, data: { settings } }),
    auditQuery({ shop, actor, action: "settings.update", entityType: "ethics_settings", entityId: shop, before, after }),
  ]);
  return { ok: true as const, settings: after };
}

/** Pending merchandising rules and pending segment-targeted strategies: nothing here reaches the storefront yet. */
export async function listApprovalQueue({ shop }: { shop: string }) {
  const [rules, strategies] = await Promise.all([
    prisma.merchRule.findMany({ where: { shop, status: "pending" }, orderBy: { createdAt: "asc" } }),
    prisma.segment.findMany({
      where: { shop, strategyStatus: "pending" },
      orderBy: { updatedAt: "asc" },
      select: { id: true, handle: true, name: true, strategy: true, memberCount: true, updatedAt: true },
    }),
  ]);
  return { rules, strategies };
}

export type Decision = "approve" | "reject";

/**
 * Approves or rejects a pending merchandising rule and records who decided. Only approved rules are
 * applied by the recommendations engine, so a pending rule changes nothing on the storefront.
 */
export async function decideMerchRule({
  shop,
  id,
  decision,
  actor,
  rolloutPct,
  now = new Date(),
}: {
  shop: string;
  id: string;
  decision: Decision;
  actor: string;
  rolloutPct?: number;
  now?: Date;
}) {
  const rule = await prisma.merchRule.findFirst({ where: { shop, id } });
  if (!rule) throw new Response("Rule not found", { status: 404 });
  if (rule.status !== "pending") return { ok: false as const, error: `This rule was already ${rule.status}.` };
  const data =
    decision === "approve"
      ? { status: "approved", approvedBy: actor, approvedAt: now, ...(rolloutPct === undefined ? {} : { rolloutPct }) }
      : { status: "rejected", approvedBy: actor, approvedAt: now };
  const [updated] = await prisma.$transaction([
    // The status condition makes a concurrent second decision a no-op instead of a silent overwrite.
    prisma.merchRule.updateMany({ where: { shop, id, status: "pending" }, data }),
    auditQuery({
      shop,
      actor,
      action: decision === "approve" ? "rule.approve" : "rule.reject",
      entityType: "merch_rule",
      entityId: id,
      before: { status: rule.status, rolloutPct: rule.rolloutPct },
      after: { status: data.status, rolloutPct: "rolloutPct" in data ? data.rolloutPct : rule.rolloutPct },
    }),
  ]);
  return { ok: updated.count === 1 ? (true as const) : (false as const), error: updated.count === 1 ? undefined : "This rule was decided by someone else just now." };
}

/** Approves or rejects the storefront strategy a segment is waiting to use, with an audit row. */
export async function decideSegmentStrategy({ shop, id, decision, actor }: { shop: string; id: string; decision: Decision; actor: string }) {
  const segment = await prisma.segment.findFirst({ where: { shop, id }, select: { id: true, strategy: true, strategyStatus: true } });
  if (!segment) throw new Response("Segment not found", { status: 404 });
  if (segment.strategyStatus !== "pending") return { ok: false as const, error: "This strategy is no longer waiting for approval." };
  const strategyStatus = decision === "approve" ? "approved" : "rejected";
  await prisma.$transaction([
    prisma.segment.updateMany({ where: { shop, id, strategyStatus: "pending" }, data: { strategyStatus } }),
    auditQuery({
      shop,
      actor,
      action: decision === "approve" ? "strategy.approve" : "strategy.reject",
      entityType: "segment_strategy",
      entityId: id,
      before: { strategy: segment.strategy, strategyStatus: segment.strategyStatus },
      after: { strategy: segment.strategy, strategyStatus },
    }),
  ]);
  return { ok: true as const };
}

const DAY_MS = 86_400_000;

/** The first instant that is kept: rows strictly older are purged. */
export function retentionCutoff(now: Date, retentionDays: number): Date {
  return new Date(now.getTime() - retentionDays * DAY_MS);
}

/**
 * Deletes browsing events older than the retention period (and anonymous daily counts for days
 * before the cutoff's day, and finished webhook deliveries), then records the counts in the audit log as "retention.purge".
 */
export async function purgeExpiredEvents({ shop, now, retentionDays }: { shop: string; now: Date; retentionDays: number }) {
  const cutoff = retentionCutoff(now, retentionDays);
  const cutoffDay = cutoff.toISOString().slice(0, 10);
  const [events, anonymous, deliveries] = await prisma.$transaction([
    prisma.event.deleteMany({ where: { shop, occurredAt: { lt: cutoff } } }),
    // Days are "YYYY-MM-DD" strings, which sort like dates.
    prisma.anonymousCount.deleteMany({ where: { shop, day: { lt: cutoffDay } } }),
    // Finished webhook deliveries only serve de-duplication of Shopify's retries (48 hours) and
    // debugging, so they go with the events but never within a week. Deliveries still waiting to
    // be applied are never purged.
    prisma.webhookDelivery.deleteMany({
      where: { shop, receivedAt: { lt: retentionCutoff(now, Math.max(retentionDays, 7)) }, status: { not: "received" } },
    }),
  ]);
  const result = { events: events.count, anonymousCounts: anonymous.count, webhookDeliveries: deliveries.count, cutoff: cutoff.toISOString(), retentionDays };
  await recordAudit({ shop, actor: "system", action: "retention.purge", entityType: "event", entityId: null, after: result });
  return result;
}

/** The most recent retention purge's recorded counts, or null if none has run. */
export async function getLastPurge({ shop }: { shop: string }) {
  const row = await prisma.auditLog.findFirst({ where: { shop, action: "retention.purge" }, orderBy: { at: "desc" } });
  if (!row) return null;
  const after = (row.after ?? {}) as { events?: number; anonymousCounts?: number; cutoff?: string; retentionDays?: number };
  return { at: row.at, events: after.events ?? 0, anonymousCounts: after.anonymousCounts ?? 0, cutoff: after.cutoff ?? null, retentionDays: after.retentionDays ?? null };
}

/** Impressions shown in [from, to), with what is needed to group them into lists and segments. */
export async function listImpressions({ shop, from, to }: { shop: string; from: Date; to: Date }) {
  return prisma.event.findMany({
    where: { shop, type: "impression", occurredAt: { gte: from, lt: to }, productId: { not: null } },
    select: { productId: true, segmentId: true, visitorId: true, customerId: true, surface: true, occurredAt: true },
    orderBy: { occurredAt: "asc" },
  });
}

/** The live catalogue's fields the exposure measures use. */
export async function listCatalogueForFairness({ shop }: { shop: string }) {
  return prisma.product.findMany({
    where: { shop, deletedAt: null },
    select: { id: true, vendor: true, productType: true, collections: true, createdAt: true },
  });
}

/** Preferences of the given shopper keys ("c:<customer>", "v:<visitor>"). */
export async function listShopperPreferences({ shop, keys }: { shop: string; keys: string[] }) {
  const rows: { shopperKey: string; personalisationOff: boolean; notInterested: string }[] = [];
  // Chunked so the IN list stays well under both databases' parameter limits.
  for (let i = 0; i < keys.length; i += 5_000) {
    rows.push(
      ...(await prisma.shopperPreference.findMany({
        where: { shop, shopperKey: { in: keys.slice(i, i + 5_000) } },
        select: { shopperKey: true, personalisationOff: true, notInterested: true },
      })),
    );
  }
  return rows;
}

/** Segment names by id, for labelling the per-segment report. */
export async function listSegmentNames({ shop }: { shop: string }) {
  const rows = await prisma.segment.findMany({ where: { shop }, select: { id: true, name: true } });
  return new Map(rows.map((r) => [r.id, r.name]));
}

export async function saveFairnessReport({ shop, periodEnd, metrics }: { shop: string; periodEnd: Date; metrics: unknown }) {
  return prisma.fairnessReport.create({ data: { shop, periodEnd, metrics: JSON.parse(JSON.stringify(metrics)) as Prisma.InputJsonValue } });
}

/** The latest reports, newest first. */
export async function listFairnessReports({ shop, take = 12 }: { shop: string; take?: number }) {
  return prisma.fairnessReport.findMany({ where: { shop }, orderBy: { createdAt: "desc" }, take });
}

const AUDIT_ENTITY_TYPES = ["ethics_settings", "merch_rule", "segment_strategy", "event", "segment", "shop"] as const;

const auditSearchSchema = z.object({
  q: z.string().trim().max(200, "Search for at most 200 characters.").optional().transform((v) => v || undefined),
  type: z.string().trim().max(60).optional().transform((v) => v || undefined),
  from: z
    .string()
    .optional()
    .transform((v) => v || undefined)
    .refine((v) => v === undefined || !Number.isNaN(Date.parse(v)), "Enter the start date as YYYY-MM-DD."),
  to: z
    .string()
    .optional()
    .transform((v) => v || undefined)
    .refine((v) => v === undefined || !Number.isNaN(Date.parse(v)), "Enter the end date as YYYY-MM-DD."),
  page: z.coerce.number().int().min(1).max(10_000).catch(1).default(1),
});

export type AuditSearch = z.infer<typeof auditSearchSchema>;

/** Reads the audit search from URL parameters; bad dates are reported, not thrown. */
export function parseAuditSearch(params: URLSearchParams) {
  const parsed = auditSearchSchema.safeParse(Object.fromEntries(params));
  if (!parsed.success) return { search: { page: 1 } as AuditSearch, errors: fieldErrors(parsed.error.issues) };
  return { search: parsed.data, errors: {} as FieldErrors };
}

/** The audit search as model arguments; a bare "to" date includes that whole day. */
export function auditSearchArgs(search: AuditSearch) {
  const to = search.to ? new Date(/^\d{4}-\d{2}-\d{2}$/.test(search.to) ? `${search.to}T23:59:59.999Z` : search.to) : undefined;
  return { query: search.q, entityType: search.type, from: search.from ? new Date(search.from) : undefined, to };
}

export const auditEntityTypes = AUDIT_ENTITY_TYPES;

function csvCell(value: unknown): string {
  const text = value === null || value === undefined ? "" : typeof value === "string" ? value : JSON.stringify(value);
  // Leading =,+,-,@ would be run as a formula by spreadsheet apps.
  const safe = /^[=+\-@]/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The audit rows matching a search as CSV (newest first, at most `limit` rows). */
export async function exportAuditCsv({ shop, search, limit = 50_000 }: { shop: string; search: AuditSearch; limit?: number }) {
  const { rows } = await searchAuditLog({ shop, ...auditSearchArgs(search), take: limit });
  const header = ["at", "actor", "action", "entityType", "entityId", "before", "after"];
  const lines = rows.map((r) => [r.at.toISOString(), r.actor, r.action, r.entityType, r.entityId, r.before, r.after].map(csvCell).join(","));
  return [header.join(","), ...lines].join("\r\n") + "\r\n";
}

/** Parses the settings form: numbers arrive as text, lists as comma- or line-separated text. */
export function readSettingsForm(raw: unknown): unknown {
  if (typeof raw !== "object" || raw === null) return raw;
  const input = { ...(raw as Record<string, unknown>) };
  for (const key of NUMBER_FIELDS) {
    const value = input[key];
    // An emptied field must be reported, not silently replaced by the default, so it becomes NaN ("must be a number").
    if (typeof value === "string") input[key] = value.trim() === "" ? Number.NaN : Number(value.trim());
    else if (value === null) input[key] = Number.NaN;
  }
  for (const key of ["sensitiveTags", "sensitiveCollections"]) {
    const value = input[key];
    if (typeof value === "string") input[key] = value.split(/[,\n]/).map((s) => s.trim()).filter((s) => s.length > 0);
  }
  return input;
}

const NUMBER_FIELDS = [
  "minPairOrders",
  "minCustomerOrders",
  "maxPersonalBlocksPerPage",
  "maxPersonalOffersPerShopperPerWeek",
  "diversity",
  "discoverySlots",
  "eventRetentionDays",
  "attributionWindowDays",
  "optOutAlertRate",
  "notInterestedAlertRate",
] as const;
