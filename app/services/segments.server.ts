import type { Prisma, Segment } from "@prisma/client";
import { z } from "zod";
import { isUniqueViolation } from "~/db.server";
import {
  assessCustomers,
  compileRule,
  createRuleMatcher,
  describeRule,
  LIFECYCLE_STAGES,
  parseRule,
  RFM_GROUPS,
  scoreRfm,
  type RuleClock,
  type RuleNode,
} from "~/lib/segments";
import { enqueue } from "~/jobs/queues.server";
import { logger, getErrorMessage } from "~/logger.server";
import {
  applyMembershipChanges,
  countCustomers,
  countSegmentChanges,
  createSegment,
  deleteSegment,
  ensureSegment,
  getSegment,
  listCustomerSummaries,
  listMembersPage,
  listMemberships,
  listPendingUntags,
  listSegmentChanges,
  listSegmentCustomers,
  listSegmentRows,
  replaceSegmentMembers,
  sampleCustomers,
  updateSegment,
  writeCustomerScores,
  type CustomerScore,
  type MembershipChange,
  type SegmentData,
} from "~/models/segments.server";

const DAY_MS = 86_400_000;
// Shop time zones are not synced yet; rules resolve dates in UTC until they are.
const SHOP_TIME_ZONE = "UTC";

/** One problem with a segment form field; rule errors carry the position of the offending text. */
export interface SegmentFieldError {
  field: "name" | "rule" | "segment";
  message: string;
  line: number | null;
  column: number | null;
  hint: string | null;
}

export type SaveSegmentResult = { ok: true; segment: Segment } | { ok: false; status: 404 | 422; errors: SegmentFieldError[] };

export interface SegmentInput {
  name: string;
  rule: string;
  syncToShopify: boolean;
}

/** The segment editor's form fields: a name, the rule text and the sync checkbox. */
export const segmentFormSchema = z.object({
  name: z.string().trim().min(1, "Give the segment a name.").max(80, "Keep the name under 80 characters."),
  rule: z.string().trim().min(1, "Write a rule, for example: amount_spent > 100").max(5_000, "Rules are limited to 5,000 characters."),
  syncToShopify: z.preprocess((value) => value === "on" || value === "true" || value === true, z.boolean()),
});

/** Zod issues as form field errors (no rule position: these are about missing or oversized fields). */
export function formErrors(error: z.ZodError): SegmentFieldError[] {
  return error.issues.map((issue) => ({
    field: issue.path[0] === "name" ? "name" : issue.path[0] === "rule" ? "rule" : "segment",
    message: issue.message,
    line: null,
    column: null,
    hint: null,
  }));
}

function clockAt(now: Date): RuleClock {
  return { now, timeZone: SHOP_TIME_ZONE };
}

function titleCase(value: string): string {
  return value
    .toLowerCase()
    .split("_")
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join(" ");
}

/** The built-in segments: one per RFM group and one per lifecycle stage. */
export function builtInSegments(): SegmentData[] {
  return [
    ...RFM_GROUPS.map((group) => ({
      name: `RFM: ${titleCase(group)}`,
      handle: `rfm-${group.toLowerCase().replace(/_/g, "-")}`,
      kind: "rfm" as const,
      rule: `rfm_group = '${group}'`,
      syncToShopify: false,
    })),
    ...LIFECYCLE_STAGES.map((stage) => ({
      name: `Lifecycle: ${titleCase(stage)}`,
      handle: `lifecycle-${stage.replace(/_/g, "-")}`,
      kind: "lifecycle" as const,
      rule: `lifecycle_stage = '${stage}'`,
      syncToShopify: false,
    })),
  ];
}

/** A URL- and tag-safe handle from a segment name ("VIP buyers!" → "vip-buyers"). */
export function handleFromName(name: string): string {
  const slug = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 50)
    .replace(/-+$/, "");
  return slug === "" ? "segment" : slug;
}

/** Parses rule text into the error shape forms show: message, line, column and hint. */
export function checkRuleText(rule: string): { ok: true; ast: RuleNode } | { ok: false; errors: SegmentFieldError[] } {
  const parsed = parseRule(rule);
  if (parsed.ok) return parsed;
  return {
    ok: false,
    errors: parsed.errors.map((error) => ({ field: "rule", message: error.message, line: error.line, column: error.column, hint: error.hint ?? null })),
  };
}

async function enqueueSafely(run: () => Promise<void>, context: Record<string, unknown>) {
  // The change is saved either way; the nightly recompute re-queues any sync this misses.
  try {
    await run();
  } catch (error) {
    logger.warn({ ...context, err: getErrorMessage(error) }, "could not enqueue segment job");
  }
}

/** Recomputes segments' members with their compiled rules and records the diffs; unparsable stored rules are skipped. */
export async function recomputeSegments({ shop, segments, now }: { shop: string; segments: Pick<Segment, "id" | "rule">[]; now: Date }) {
  const compiled: { id: string; where: Prisma.CustomerWhereInput }[] = [];
  for (const segment of segments) {
    const parsed = parseRule(segment.rule);
    if (!parsed.ok) {
      logger.warn({ shop, segmentId: segment.id, errors: parsed.errors.map((e) => e.message) }, "stored segment rule no longer parses; skipped");
      continue;
    }
    compiled.push({ id: segment.id, where: compileRule(parsed.ast, clockAt(now)) });
  }
  return replaceSegmentMembers({ shop, segments: compiled, at: now });
}

/** Recomputes one segment's members; null when its rule no longer parses or it no longer exists. */
export async function recomputeSegment({ shop, segment, now }: { shop: string; segment: Pick<Segment, "id" | "rule">; now: Date }) {
  const [result] = await recomputeSegments({ shop, segments: [segment], now });
  return result ?? null;
}

/** Creates or updates a custom segment (built-in ones only toggle sync), then recomputes its members. */
export async function saveSegment({ shop, id, input, now = new Date() }: { shop: string; id?: string; input: SegmentInput; now?: Date }): Promise<SaveSegmentResult> {
  const existing = id ? await getSegment({ shop, id }) : null;
  if (id && !existing) return { ok: false, status: 404, errors: [{ field: "segment", message: "This segment no longer exists.", line: null, column: null, hint: null }] };
  const builtIn = existing !== null && existing.kind !== "custom";
  if (builtIn && (input.rule.trim() !== existing.rule || input.name.trim() !== existing.name)) {
    return {
      ok: false,
      status: 422,
      errors: [{ field: "rule", message: "Automatic RFM and lifecycle segments keep their name and rule; only Shopify sync can change.", line: null, column: null, hint: "Create a new segment to use a different rule." }],
    };
  }
  const checked = checkRuleText(input.rule);
  if (!checked.ok) return { ok: false, status: 422, errors: checked.errors };
  const name = input.name.trim();
  let segment: Segment | null;
  try {
    if (existing) {
      segment = await updateSegment({ shop, id: existing.id, data: { name, rule: input.rule.trim(), syncToShopify: input.syncToShopify } });
    } else {
      segment = await createSegment({ shop, data: { name, handle: handleFromName(name), kind: "custom", rule: input.rule.trim(), syncToShopify: input.syncToShopify } });
    }
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    return {
      ok: false,
      status: 422,
      errors: [{ field: "name", message: `A segment named like “${name}” already exists.`, line: null, column: null, hint: "Choose a different name." }],
    };
  }
  if (!segment) return { ok: false, status: 404, errors: [{ field: "segment", message: "This segment no longer exists.", line: null, column: null, hint: null }] };
  await recomputeSegment({ shop, segment, now });
  if (segment.syncToShopify || existing?.syncToShopify) {
    await enqueueSafely(() => enqueue("segments-sync-tags", { shop }), { shop, segmentId: segment.id });
  }
  return { ok: true, segment: (await getSegment({ shop, id: segment.id })) ?? segment };
}

/** Turns Shopify tag sync on or off for a segment; the sync job adds or removes the tags. */
export async function setSegmentSync({ shop, id, syncToShopify }: { shop: string; id: string; syncToShopify: boolean }) {
  const segment = await updateSegment({ shop, id, data: { syncToShopify } });
  if (segment) await enqueueSafely(() => enqueue("segments-sync-tags", { shop }), { shop, segmentId: id });
  return segment;
}

/** Deletes a segment; customers it had tagged in Shopify are untagged by the sync job. */
export async function removeSegment({ shop, id }: { shop: string; id: string }) {
  const segment = await deleteSegment({ shop, id });
  if (segment?.syncToShopify) await enqueueSafely(() => enqueue("segments-sync-tags", { shop }), { shop, segmentId: id });
  return segment;
}

/** Live preview: how many customers a rule matches now, out of all, and a sample of them. */
export async function previewSegment({ shop, rule, now = new Date(), sampleSize = 10 }: { shop: string; rule: string; now?: Date; sampleSize?: number }) {
  const checked = checkRuleText(rule);
  if (!checked.ok) return { ok: false as const, errors: checked.errors };
  const where = compileRule(checked.ast, clockAt(now));
  const [count, total, sample] = await Promise.all([
    countCustomers({ shop, where }),
    countCustomers({ shop, where: {} }),
    sampleCustomers({ shop, where, take: sampleSize }),
  ]);
  return { ok: true as const, count, total, sample, description: describeRule(checked.ast) };
}

const SCORE_FIELDS = ["rfmRecency", "rfmFrequency", "rfmMonetary", "rfmGroup", "lifecycleStage", "churnRisk", "churnReason", "expectedValue12mCents"] as const;

/** Scores RFM, lifecycle, churn and 12-month value for every customer of the shop and stores them. */
export async function scoreCustomers({ shop, now }: { shop: string; now: Date }) {
  const summaries = await listCustomerSummaries({ shop });
  const rfm = scoreRfm(summaries, now);
  const outlook = assessCustomers(summaries, { now });
  const scores: CustomerScore[] = summaries.map((customer, i) => ({
    id: customer.id,
    rfmRecency: rfm[i].recency,
    rfmFrequency: rfm[i].frequency,
    rfmMonetary: rfm[i].monetary,
    rfmGroup: rfm[i].group,
    lifecycleStage: outlook[i].lifecycleStage,
    churnRisk: outlook[i].churnRisk,
    churnReason: outlook[i].churnReason,
    expectedValue12mCents: outlook[i].expectedValue12mCents,
  }));
  // Only rows whose scores moved are written; on a quiet night that is far fewer than all of them.
  const changed = scores.filter((score, i) => SCORE_FIELDS.some((field) => score[field] !== summaries[i][field]));
  await writeCustomerScores({ shop, scores: changed });
  return { customers: scores.length, written: changed.length };
}

/** Creates any missing built-in RFM and lifecycle segments. */
export async function ensureBuiltInSegments({ shop }: { shop: string }) {
  for (const data of builtInSegments()) await ensureSegment({ shop, data });
}

/**
 * The full nightly (or on-demand) job: rescore every customer, make sure the built-in segments
 * exist, recompute every segment's members, then queue the Shopify tag sync if anything is synced.
 */
export async function recomputeShopSegments({ shop, now = new Date() }: { shop: string; now?: Date }) {
  const started = performance.now();
  const { customers, written } = await scoreCustomers({ shop, now });
  const scoredMs = performance.now() - started;
  await ensureBuiltInSegments({ shop });
  const segments = await listSegmentRows({ shop });
  const results = await recomputeSegments({ shop, segments, now });
  const entered = results.reduce((sum, result) => sum + result.entered, 0);
  const left = results.reduce((sum, result) => sum + result.left, 0);
  const pending = await listPendingUntags({ shop, take: 1 });
  if (segments.some((segment) => segment.syncToShopify) || pending.length > 0) {
    await enqueueSafely(() => enqueue("segments-sync-tags", { shop }), { shop });
  }
  return { customers, scoresWritten: written, segments: segments.length, entered, left, scoredMs: Math.round(scoredMs), totalMs: Math.round(performance.now() - started) };
}

/**
 * Incremental path after a few customers' orders changed: each customer is re-evaluated against
 * every segment with the in-memory evaluator, and only the enter/leave differences are written.
 * RFM and lifecycle columns are relative to the whole shop, so they move with the nightly job.
 */
export async function refreshSegmentsForCustomers({ shop, customerIds, now = new Date() }: { shop: string; customerIds: string[]; now?: Date }) {
  const ids = [...new Set(customerIds)];
  if (ids.length === 0) return { changes: [] as MembershipChange[] };
  const segments = await listSegmentRows({ shop });
  if (segments.length === 0) return { changes: [] as MembershipChange[] };
  const clock = clockAt(now);
  const [customers, memberships] = await Promise.all([listSegmentCustomers({ shop, ids }), listMemberships({ shop, customerIds: ids })]);
  const byId = new Map(customers.map((customer) => [customer.id, customer]));
  const wanted: MembershipChange[] = [];
  for (const segment of segments) {
    const parsed = parseRule(segment.rule);
    if (!parsed.ok) continue;
    const matches = createRuleMatcher(parsed.ast, clock);
    const change: MembershipChange = { segmentId: segment.id, entered: [], left: [] };
    for (const id of ids) {
      const customer = byId.get(id);
      const isMember = memberships.get(id)?.has(segment.id) ?? false;
      const shouldBe = customer !== undefined && matches(customer);
      if (shouldBe && !isMember) change.entered.push(id);
      if (!shouldBe && isMember) change.left.push(id);
    }
    wanted.push(change);
  }
  const changes = await applyMembershipChanges({ shop, changes: wanted, at: now });
  const synced = new Set(segments.filter((segment) => segment.syncToShopify).map((segment) => segment.id));
  if (changes.some((change) => synced.has(change.segmentId))) {
    await enqueueSafely(() => enqueue("segments-sync-tags", { shop }), { shop });
  }
  return { changes };
}

/** Daily member counts for the last `days` days, rebuilt backwards from today's count and the history. */
export function sizeSeries(memberCount: number, changes: { at: Date; change: string; count: number }[], days: number, now: Date) {
  const today = Math.floor(now.getTime() / DAY_MS);
  const net = new Array<number>(days).fill(0);
  for (const row of changes) {
    const index = days - 1 - (today - Math.floor(row.at.getTime() / DAY_MS));
    if (index < 0 || index >= days) continue;
    net[index] += row.change === "entered" ? row.count : row.change === "left" ? -row.count : 0;
  }
  const series: { day: string; members: number }[] = [];
  let size = memberCount;
  for (let i = days - 1; i >= 0; i -= 1) {
    series.unshift({ day: new Date((today - (days - 1 - i)) * DAY_MS).toISOString().slice(0, 10), members: size });
    size -= net[i];
  }
  return series;
}

/** The segments list: every segment with its count, 30-day trend and a readable rule. */
export async function listSegments({ shop, now = new Date() }: { shop: string; now?: Date }) {
  const [segments, trends] = await Promise.all([listSegmentRows({ shop }), countSegmentChanges({ shop, since: new Date(now.getTime() - 30 * DAY_MS) })]);
  return segments.map((segment) => {
    const trend = trends.get(segment.id) ?? { entered: 0, left: 0 };
    const parsed = parseRule(segment.rule);
    return {
      id: segment.id,
      name: segment.name,
      handle: segment.handle,
      kind: segment.kind,
      rule: segment.rule,
      description: parsed.ok ? describeRule(parsed.ast) : "This rule needs fixing",
      memberCount: segment.memberCount,
      computedAt: segment.computedAt,
      syncToShopify: segment.syncToShopify,
      entered30d: trend.entered,
      left30d: trend.left,
    };
  });
}

/** Everything the segment page shows: the segment, one page of members and 90 days of size. */
export async function getSegmentPage({ shop, id, after, now = new Date() }: { shop: string; id: string; after?: string; now?: Date }) {
  const segment = await getSegment({ shop, id });
  if (!segment) return null;
  const days = 90;
  const [members, changes] = await Promise.all([
    listMembersPage({ shop, segmentId: id, after, take: 50 }),
    listSegmentChanges({ shop, segmentId: id, since: new Date((Math.floor(now.getTime() / DAY_MS) - days + 1) * DAY_MS) }),
  ]);
  const parsed = parseRule(segment.rule);
  return {
    segment,
    description: parsed.ok ? describeRule(parsed.ast) : "This rule needs fixing",
    members,
    series: sizeSeries(segment.memberCount, changes, days, now),
  };
}

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  const text = value instanceof Date ? value.toISOString() : String(value);
  // A leading = + - @ would run as a formula in spreadsheet apps.
  const safe = /^[=+\-@]/.test(text) && !/^-?\d/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

const CSV_HEADER = [
  "customer_id",
  "member_since",
  "number_of_orders",
  "amount_spent",
  "last_order_at",
  "rfm_recency",
  "rfm_frequency",
  "rfm_monetary",
  "rfm_group",
  "lifecycle_stage",
  "churn_risk",
  "churn_reason",
  "expected_value_12m",
];

/** The segment's members as CSV (ids and computed fields only; no personal data is stored). */
export async function exportSegmentMembersCsv({ shop, id }: { shop: string; id: string }) {
  const segment = await getSegment({ shop, id });
  if (!segment) return null;
  const lines = [CSV_HEADER.join(",")];
  let after: string | undefined;
  for (;;) {
    const page = await listMembersPage({ shop, segmentId: id, after, take: 5_000 });
    for (const { customerId, since, customer } of page.rows) {
      lines.push(
        [
          customerId,
          since,
          customer?.numberOfOrders,
          customer ? (customer.amountSpentCents / 100).toFixed(2) : null,
          customer?.lastOrderAt,
          customer?.rfmRecency,
          customer?.rfmFrequency,
          customer?.rfmMonetary,
          customer?.rfmGroup,
          customer?.lifecycleStage,
          customer?.churnRisk,
          customer?.churnReason,
          customer?.expectedValue12mCents === null || customer?.expectedValue12mCents === undefined ? null : (customer.expectedValue12mCents / 100).toFixed(2),
        ]
          .map(csvCell)
          .join(","),
      );
    }
    if (!page.nextCursor) break;
    after = page.nextCursor;
  }
  return { filename: `segment-${segment.handle}.csv`, csv: `${lines.join("\n")}\n` };
}
