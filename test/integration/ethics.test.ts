import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { beforeAll, describe, expect, it } from "vitest";
import { action as ethicsAction, loader as ethicsLoader } from "~/routes/app.ethics";
import { loader as auditCsvLoader } from "~/routes/app.ethics.audit[.csv]";
import { getShopSettings } from "~/models/shop.server";
import { listApprovalQueue, purgeExpiredEvents } from "~/models/ethics.server";
import { runFairnessReport } from "~/services/fairness.server";
import { ethicsPurge } from "~/jobs/processors/ethics.server";
import { defaultEthicsSettings } from "~/lib/ethics/settings";
import { DATA_INVENTORY, inventoryColumns } from "~/lib/ethics/data-inventory";
import { Prisma } from "@prisma/client";
import { testDb } from "../support/context";
import { RequestType, adminRequest, storeOfflineSession } from "../support/shopify";

const SHOP = "ethics-shop.myshopify.com";
const OTHER = "ethics-other.myshopify.com";
const prisma = () => testDb().prisma;
// The test helpers sign session tokens for this staff user id.
const ACTOR = "user:12345";

async function call(fn: (args: ActionFunctionArgs | LoaderFunctionArgs) => Promise<unknown>, path: string, form?: Record<string, string>) {
  const init: RequestInit = form ? { method: "POST", body: new URLSearchParams(form) } : {};
  const request = await adminRequest(SHOP, path, init, undefined, RequestType.Bearer);
  try {
    return (await fn({ request, params: {}, context: {} })) as Response;
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

const saveSettings = (settings: Record<string, unknown>) =>
  call(ethicsAction, "/app/ethics", { intent: "save-settings", settings: JSON.stringify(settings) });

/** The settings as the form sends them: numbers as text, lists as comma-separated text. */
function formSettings(overrides: Record<string, unknown> = {}) {
  const d = defaultEthicsSettings;
  return {
    ...d,
    sensitiveTags: d.sensitiveTags.join(", "),
    sensitiveCollections: d.sensitiveCollections.join(", "),
    minPairOrders: String(d.minPairOrders),
    eventRetentionDays: String(d.eventRetentionDays),
    diversity: String(d.diversity),
    ...overrides,
  };
}

describe(`ethics settings, approvals, retention and fairness (${testDb().flavour})`, () => {
  beforeAll(async () => {
    await storeOfflineSession(SHOP);
    await prisma().shop.create({ data: { domain: SHOP, settings: { roi: { grossMarginPct: 55 } } } });
    await prisma().shop.create({ data: { domain: OTHER, settings: {} } });
  });

  it("saves a settings change and writes one audit row with before and after, in the same transaction", async () => {
    const auditsBefore = await prisma().auditLog.count({ where: { shop: SHOP } });
    const response = await saveSettings(formSettings({ personalisationEnabled: false, sensitiveTags: "health, intimate, baby, Adult ", eventRetentionDays: "30" }));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ saved: true });

    const { ethics, roi } = await getShopSettings({ shop: SHOP });
    expect(ethics.personalisationEnabled).toBe(false);
    expect(ethics.sensitiveTags).toEqual(["health", "intimate", "baby", "adult"]);
    expect(ethics.eventRetentionDays).toBe(30);
    // The rest of the settings document is kept.
    expect(roi.grossMarginPct).toBe(55);

    const audits = await prisma().auditLog.findMany({ where: { shop: SHOP }, orderBy: { at: "asc" } });
    expect(audits).toHaveLength(auditsBefore + 1);
    const row = audits.at(-1)!;
    expect(row).toMatchObject({ action: "settings.update", entityType: "ethics_settings", entityId: SHOP, actor: ACTOR });
    const before = row.before as Record<string, unknown>;
    const after = row.after as Record<string, unknown>;
    expect(before.personalisationEnabled).toBe(true);
    expect(after.personalisationEnabled).toBe(false);
    expect(before.eventRetentionDays).toBe(90);
    expect(after.eventRetentionDays).toBe(30);
    expect(after.sensitiveTags).toEqual(["health", "intimate", "baby", "adult"]);
  });

  it("every save is audited: a second change records the first change's result as its before", async () => {
    const response = await saveSettings(formSettings({ personalisationEnabled: false, sensitiveTags: "health", eventRetentionDays: "45" }));
    expect(response.status).toBe(200);
    const row = await prisma().auditLog.findFirst({ where: { shop: SHOP, action: "settings.update" }, orderBy: { at: "desc" } });
    expect((row!.before as Record<string, unknown>).eventRetentionDays).toBe(30);
    expect((row!.after as Record<string, unknown>).eventRetentionDays).toBe(45);
    expect(await prisma().auditLog.count({ where: { shop: SHOP, action: "settings.update" } })).toBe(2);
  });

  it("rejects invalid settings with 422 and a message per field, and writes nothing", async () => {
    const settingsBefore = (await prisma().shop.findUnique({ where: { domain: SHOP } }))!.settings;
    const auditsBefore = await prisma().auditLog.count({ where: { shop: SHOP } });
    const response = await saveSettings(
      formSettings({ eventRetentionDays: "0", diversity: "2", minPairOrders: "", maxPersonalBlocksPerPage: "2.5", optOutAlertRate: "abc", surfaces: { home: "yes" } }),
    );
    expect(response.status).toBe(422);
    const { errors } = (await response.json()) as { errors: Record<string, string> };
    expect(errors).toEqual({
      eventRetentionDays: "Days to keep browsing events must be at least 1. Older events are deleted; 90 days is usual.",
      diversity: "Diversity must be between 0 (rank by relevance only) and 1 (most varied).",
      minPairOrders: "Minimum orders per product pair must be a number.",
      maxPersonalBlocksPerPage: "Personal blocks per page must be a whole number.",
      optOutAlertRate: "Opt-out alert rate must be a number.",
      "surfaces.home": "Choose whether personalised blocks may appear on the home page.",
    });
    expect((await prisma().shop.findUnique({ where: { domain: SHOP } }))!.settings).toEqual(settingsBefore);
    expect(await prisma().auditLog.count({ where: { shop: SHOP } })).toBe(auditsBefore);
  });

  it("answers 400 to an unreadable settings body without writing", async () => {
    const auditsBefore = await prisma().auditLog.count({ where: { shop: SHOP } });
    const response = await call(ethicsAction, "/app/ethics", { intent: "save-settings", settings: "{not json" });
    expect(response.status).toBe(400);
    expect(await prisma().auditLog.count({ where: { shop: SHOP } })).toBe(auditsBefore);
  });

  it("keeps a merchandising rule pending until someone approves it, and audits the approval with the roll-out", async () => {
    const pending = await prisma().merchRule.create({ data: { shop: SHOP, action: "pin", targetType: "product", targetValue: "101", position: 1, createdBy: "ann@example.com" } });
    const other = await prisma().merchRule.create({ data: { shop: SHOP, action: "exclude", targetType: "vendor", targetValue: "Acme" } });
    const foreign = await prisma().merchRule.create({ data: { shop: OTHER, action: "pin", targetType: "product", targetValue: "1" } });

    // Other work on the page (a settings save, a report) leaves the rule pending.
    await saveSettings(formSettings());
    await call(ethicsAction, "/app/ethics", { intent: "run-fairness" });
    expect((await prisma().merchRule.findUnique({ where: { id: pending.id } }))!.status).toBe("pending");
    const queue = await listApprovalQueue({ shop: SHOP });
    expect(queue.rules.map((r) => r.id).sort()).toEqual([pending.id, other.id].sort());

    const auditsBefore = await prisma().auditLog.count({ where: { shop: SHOP, entityType: "merch_rule" } });
    const approve = await call(ethicsAction, "/app/ethics", { intent: "decide-rule", id: pending.id, decision: "approve", rolloutPct: "25" });
    expect(approve.status).toBe(200);
    const approved = (await prisma().merchRule.findUnique({ where: { id: pending.id } }))!;
    expect(approved).toMatchObject({ status: "approved", rolloutPct: 25, approvedBy: ACTOR });
    expect(approved.approvedAt).toBeInstanceOf(Date);
    const audit = await prisma().auditLog.findMany({ where: { shop: SHOP, entityType: "merch_rule" } });
    expect(audit).toHaveLength(auditsBefore + 1);
    expect(audit.at(-1)).toMatchObject({ action: "rule.approve", entityId: pending.id, actor: ACTOR, before: { status: "pending", rolloutPct: 100 }, after: { status: "approved", rolloutPct: 25 } });

    const reject = await call(ethicsAction, "/app/ethics", { intent: "decide-rule", id: other.id, decision: "reject" });
    expect(reject.status).toBe(200);
    expect((await prisma().merchRule.findUnique({ where: { id: other.id } }))!.status).toBe("rejected");
    expect(await prisma().auditLog.count({ where: { shop: SHOP, action: "rule.reject", entityId: other.id } })).toBe(1);

    // Deciding twice is refused and audits nothing more; another shop's rule is not found.
    const again = await call(ethicsAction, "/app/ethics", { intent: "decide-rule", id: pending.id, decision: "reject" });
    expect(again.status).toBe(409);
    expect((await prisma().merchRule.findUnique({ where: { id: pending.id } }))!.status).toBe("approved");
    expect(await prisma().auditLog.count({ where: { shop: SHOP, entityType: "merch_rule" } })).toBe(auditsBefore + 2);
    const cross = await call(ethicsAction, "/app/ethics", { intent: "decide-rule", id: foreign.id, decision: "approve" });
    expect(cross.status).toBe(404);
    expect((await prisma().merchRule.findUnique({ where: { id: foreign.id } }))!.status).toBe("pending");

    const badRollout = await prisma().merchRule.create({ data: { shop: SHOP, action: "boost", targetType: "tag", targetValue: "new", weight: 1.5 } });
    const bad = await call(ethicsAction, "/app/ethics", { intent: "decide-rule", id: badRollout.id, decision: "approve", rolloutPct: "150" });
    expect(bad.status).toBe(422);
    expect((await bad.json()) as unknown).toMatchObject({ errors: { [badRollout.id]: "Roll-out must be between 1% and 100%." } });
    expect((await prisma().merchRule.findUnique({ where: { id: badRollout.id } }))!.status).toBe("pending");
  });

  it("approves a segment-targeted strategy only through the queue, with an audit row", async () => {
    const segment = await prisma().segment.create({ data: { shop: SHOP, handle: "vip", name: "VIP", rule: "orders >= 5", strategy: "buy_again", strategyStatus: "pending" } });
    expect((await listApprovalQueue({ shop: SHOP })).strategies.map((s) => s.id)).toEqual([segment.id]);
    const response = await call(ethicsAction, "/app/ethics", { intent: "decide-strategy", id: segment.id, decision: "approve" });
    expect(response.status).toBe(200);
    expect((await prisma().segment.findUnique({ where: { id: segment.id } }))!.strategyStatus).toBe("approved");
    const audit = await prisma().auditLog.findFirst({ where: { shop: SHOP, action: "strategy.approve" } });
    expect(audit).toMatchObject({ entityId: segment.id, actor: ACTOR, before: { strategyStatus: "pending" }, after: { strategy: "buy_again", strategyStatus: "approved" } });
    expect((await listApprovalQueue({ shop: SHOP })).strategies).toEqual([]);
  });

  it("purges exactly the events older than the retention period, for this shop only, and records the counts", async () => {
    const now = new Date("2026-03-31T12:00:00.000Z");
    const cutoff = new Date("2026-03-01T12:00:00.000Z"); // 30 days before now
    const at = (ms: number) => new Date(cutoff.getTime() + ms);
    const event = (shop: string, occurredAt: Date) => ({ shop, type: "impression", surface: "product", visitorId: "v1", productId: "1", occurredAt });
    await prisma().event.createMany({
      data: [
        event(SHOP, new Date("2025-01-01T00:00:00Z")),
        event(SHOP, at(-86_400_000)),
        event(SHOP, at(-1)), // one millisecond too old
        event(SHOP, at(0)), // exactly at the cutoff: kept
        event(SHOP, at(1)),
        event(SHOP, now),
        event(OTHER, new Date("2025-01-01T00:00:00Z")),
      ],
    });
    const count = (shop: string, day: string) => ({ shop, day, surface: "product", type: "impression", count: 4 });
    await prisma().anonymousCount.createMany({
      data: [count(SHOP, "2026-01-15"), count(SHOP, "2026-02-28"), count(SHOP, "2026-03-01"), count(SHOP, "2026-03-02"), count(OTHER, "2026-01-15")],
    });

    const delivery = (shop: string, eventId: string, receivedAt: Date, status: string) => ({ shop, eventId, topic: "orders/create", payload: "", receivedAt, status });
    await prisma().webhookDelivery.createMany({
      data: [
        delivery(SHOP, "old-processed", at(-1), "processed"),
        delivery(SHOP, "old-failed", at(-86_400_000), "failed"),
        delivery(SHOP, "old-pending", at(-86_400_000), "received"), // never applied: kept
        delivery(SHOP, "recent", at(1), "processed"),
        delivery(OTHER, "other-shop", at(-86_400_000), "processed"),
      ],
    });

    const result = await purgeExpiredEvents({ shop: SHOP, now, retentionDays: 30 });
    expect(result).toEqual({ events: 3, anonymousCounts: 2, webhookDeliveries: 2, cutoff: cutoff.toISOString(), retentionDays: 30 });
    expect((await prisma().webhookDelivery.findMany({ where: { shop: { in: [SHOP, OTHER] } }, orderBy: { eventId: "asc" } })).map((d) => d.eventId)).toEqual([
      "old-pending",
      "other-shop",
      "recent",
    ]);
    const left = await prisma().event.findMany({ where: { shop: SHOP }, orderBy: { occurredAt: "asc" } });
    expect(left.map((e) => e.occurredAt.toISOString())).toEqual([at(0).toISOString(), at(1).toISOString(), now.toISOString()]);
    expect((await prisma().anonymousCount.findMany({ where: { shop: SHOP }, orderBy: { day: "asc" } })).map((c) => c.day)).toEqual(["2026-03-01", "2026-03-02"]);
    expect(await prisma().event.count({ where: { shop: OTHER } })).toBe(1);
    expect(await prisma().anonymousCount.count({ where: { shop: OTHER } })).toBe(1);
    const audit = await prisma().auditLog.findFirst({ where: { shop: SHOP, action: "retention.purge" }, orderBy: { at: "desc" } });
    expect(audit).toMatchObject({ actor: "system", entityType: "event", after: { events: 3, anonymousCounts: 2, retentionDays: 30 } });

    // A second run finds nothing more to delete.
    expect(await purgeExpiredEvents({ shop: SHOP, now, retentionDays: 30 })).toMatchObject({ events: 0, anonymousCounts: 0 });
    await prisma().event.deleteMany({ where: { shop: { in: [SHOP, OTHER] } } });
    await prisma().anonymousCount.deleteMany({ where: { shop: { in: [SHOP, OTHER] } } });
    await prisma().webhookDelivery.deleteMany({ where: { shop: { in: [SHOP, OTHER] } } });
  });

  it("the purge job uses the shop's saved retention period", async () => {
    await saveSettings(formSettings({ eventRetentionDays: "10" }));
    const daysAgo = (d: number) => new Date(Date.now() - d * 86_400_000);
    await prisma().event.createMany({
      data: [11, 10.5, 9, 1].map((d) => ({ shop: SHOP, type: "click", surface: "cart", customerId: "c1", occurredAt: daysAgo(d) })),
    });
    const result = await ethicsPurge({ data: { shop: SHOP } } as never);
    expect(result).toMatchObject({ events: 2, retentionDays: 10 });
    expect(await prisma().event.count({ where: { shop: SHOP } })).toBe(2);
    await prisma().event.deleteMany({ where: { shop: SHOP } });
  });

  it("computes the fairness report from stored impressions equal to the hand-computed values", async () => {
    const now = new Date("2026-06-30T00:00:00.000Z");
    const old = new Date("2025-01-01T00:00:00Z");
    const product = (id: string, vendor: string, productType: string, collections: string, createdAt: Date) => ({
      shop: SHOP, id, handle: `p${id}`, title: `P${id}`, vendor, productType, collections, createdAt, updatedAt: createdAt,
    });
    await prisma().product.createMany({
      data: [
        product("1", "A", "shirt", ",tops,", old),
        product("2", "A", "shirt", ",tops,sale,", old),
        product("3", "B", "mug", ",kitchen,", new Date("2026-06-20T00:00:00Z")), // new: 10 days old
        product("4", "C", "", ",", old), // never shown
        { ...product("5", "D", "hat", ",", old), deletedAt: old }, // deleted: not in the catalogue
      ],
    });
    const segment = await prisma().segment.create({ data: { shop: SHOP, handle: "loyal", name: "Loyal", rule: "orders >= 2" } });
    const imp = (productId: string, occurredAt: string, who: { visitorId?: string; customerId?: string }, surface: string, segmentId: string | null, type = "impression") => ({
      shop: SHOP, type, productId, surface, segmentId, occurredAt: new Date(occurredAt), ...who,
    });
    await prisma().event.createMany({
      data: [
        // List 1: visitor v1 on a product page, one minute, segment Loyal → P1, P2, P3
        imp("1", "2026-06-20T10:00:05Z", { visitorId: "v1" }, "product", segment.id),
        imp("2", "2026-06-20T10:00:06Z", { visitorId: "v1" }, "product", segment.id),
        imp("3", "2026-06-20T10:00:40Z", { visitorId: "v1" }, "product", segment.id),
        // List 2: visitor v2 on the home page → P1, P3
        imp("1", "2026-06-21T09:00:00Z", { visitorId: "v2" }, "home", null),
        imp("3", "2026-06-21T09:00:01Z", { visitorId: "v2" }, "home", null),
        // List 3: customer c3 (no visitor id) in the cart → P1 alone
        imp("1", "2026-06-22T08:00:00Z", { customerId: "c3" }, "cart", null),
        // Not counted: outside the period, a click, and another shop.
        imp("4", "2026-05-01T00:00:00Z", { visitorId: "v1" }, "product", null),
        imp("4", "2026-06-25T00:00:00Z", { visitorId: "v1" }, "product", null, "click"),
        { ...imp("4", "2026-06-25T00:00:00Z", { visitorId: "v1" }, "product", null), shop: OTHER },
      ],
    });
    await prisma().shopperPreference.createMany({
      data: [
        { shop: SHOP, shopperKey: "v:v2", personalisationOff: true },
        { shop: SHOP, shopperKey: "c:c3", notInterested: ",9,8," },
        { shop: SHOP, shopperKey: "v:v9", personalisationOff: true }, // not seen in the period
      ],
    });

    const { id, metrics } = await runFairnessReport({ shop: SHOP, now, periodDays: 30 });
    const close = (value: number | null, expected: number) => expect(value).toBeCloseTo(expected, 10);
    const o = metrics.overall;
    expect(o.impressions).toBe(6);
    close(o.coverage, 3 / 4);
    close(o.giniByProduct, 5 / 12); // counts [3, 1, 2, 0]
    close(o.giniByVendor, 4 / 9); // A 4, B 2, C 0
    close(o.newProductShare, 2 / 6);
    close(o.newCatalogueShare, 1 / 4);
    expect(o.lists).toBe(3);
    // List 1: d(1,2) = 1 − 2/3, d(1,3) = d(2,3) = 1 → 7/9; list 2: 1; list 3 has one product.
    close(o.intraListDiversity, (7 / 9 + 1) / 2);

    expect(Object.keys(metrics.bySegment).sort()).toEqual([segment.id, "_none"].sort());
    const loyal = metrics.bySegment[segment.id];
    expect(loyal.name).toBe("Loyal");
    expect(loyal.impressions).toBe(3);
    close(loyal.giniByProduct, 1 / 4); // counts [1, 1, 1, 0]
    close(loyal.intraListDiversity, 7 / 9);
    const none = metrics.bySegment._none;
    expect(none.name).toBe("No segment");
    close(none.coverage, 2 / 4);
    close(none.intraListDiversity, 1);

    expect(metrics.impressionsByVendor).toEqual([{ vendor: "A", impressions: 4 }, { vendor: "B", impressions: 2 }]);
    expect(metrics).toMatchObject({ shoppersSeen: 3, optOuts: 1, shoppersNotInterested: 1, notInterestedMarks: 2, alerts: [] });
    close(metrics.optOutRate, 1 / 3);
    close(metrics.notInterestedRate, 2 / 6);

    const stored = await prisma().fairnessReport.findUnique({ where: { id } });
    expect(stored!.periodEnd.toISOString()).toBe(now.toISOString());
    expect((stored!.metrics as { overall: { impressions: number } }).overall.impressions).toBe(6);

    const page = (await (await call(ethicsLoader, "/app/ethics")).json()) as { reports: { id: string }[] };
    expect(page.reports[0].id).toBe(id);
  });

  it("raises the opt-out and not-interested alerts once the rates pass the shop's thresholds", async () => {
    const shop = "ethics-alerts.myshopify.com";
    await prisma().shop.create({ data: { domain: shop, settings: { ethics: { optOutAlertRate: 0.05, notInterestedAlertRate: 0.02 } } } });
    const now = new Date("2026-06-30T00:00:00.000Z");
    await prisma().product.create({ data: { shop, id: "1", handle: "p1", title: "P1", createdAt: now, updatedAt: now } });
    // 120 shoppers, 5 impressions each = 600 impressions: above both minimum bases.
    await prisma().event.createMany({
      data: Array.from({ length: 600 }, (_, i) => ({
        shop, type: "impression", surface: "product", productId: "1", visitorId: `visitor-${Math.floor(i / 5)}`, occurredAt: new Date(now.getTime() - 86_400_000 - i * 1000),
      })),
    });
    // 7 of 120 opted out (5.8% > 5%); 13 distinct dismissals over 600 impressions (2.2% > 2%).
    await prisma().shopperPreference.createMany({
      data: [
        ...Array.from({ length: 7 }, (_, i) => ({ shop, shopperKey: `v:visitor-${i}`, personalisationOff: true })),
        { shop, shopperKey: "v:visitor-50", notInterested: ",1,2,3,4,5,6,7," },
        { shop, shopperKey: "v:visitor-51", notInterested: ",8,9,10,11,12,13," },
      ],
    });
    const { metrics } = await runFairnessReport({ shop, now });
    expect(metrics.shoppersSeen).toBe(120);
    expect(metrics.optOuts).toBe(7);
    expect(metrics.notInterestedMarks).toBe(13);
    expect(metrics.alerts.map((a) => a.kind)).toEqual(["opt_out_rate", "not_interested_rate"]);
    expect(metrics.alerts[0].rate).toBeCloseTo(7 / 120, 10);
    expect(metrics.alerts[1].rate).toBeCloseTo(13 / 600, 10);

    // At 6 opt-outs (5.0%) the rate no longer passes the threshold.
    await prisma().shopperPreference.update({ where: { shop_shopperKey: { shop, shopperKey: "v:visitor-0" } }, data: { personalisationOff: false } });
    expect((await runFairnessReport({ shop, now })).metrics.alerts.map((a) => a.kind)).toEqual(["not_interested_rate"]);
  });

  it("searches the audit log by text, type and date and exports the same rows as CSV", async () => {
    await prisma().auditLog.create({ data: { shop: SHOP, actor: "bob@example.com", action: "rule.approve", entityType: "merch_rule", entityId: "r-old", at: new Date("2020-05-05T10:00:00Z"), after: { note: 'say "hi", =1+1' } } });
    const page = (await (await call(ethicsLoader, "/app/ethics?q=bob&type=merch_rule&from=2020-05-05&to=2020-05-05")).json()) as {
      audit: { rows: { entityId: string }[]; total: number };
    };
    expect(page.audit.total).toBe(1);
    expect(page.audit.rows[0].entityId).toBe("r-old");

    const csv = await call(auditCsvLoader, "/app/ethics/audit.csv?q=bob&to=2020-05-05");
    expect(csv.status).toBe(200);
    expect(csv.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    expect(await csv.text()).toBe(
      'at,actor,action,entityType,entityId,before,after\r\n2020-05-05T10:00:00.000Z,bob@example.com,rule.approve,merch_rule,r-old,,"{""note"":""say \\""hi\\"", =1+1""}"\r\n',
    );
    const none = (await (await call(ethicsLoader, "/app/ethics?q=bob&from=2020-05-06")).json()) as { audit: { total: number } };
    expect(none.audit.total).toBe(0);
    const bad = await call(auditCsvLoader, "/app/ethics/audit.csv?from=yesterday");
    expect(bad.status).toBe(400);
  });

  it("the data inventory explains every column of every table", () => {
    const models = Prisma.dmmf.datamodel.models;
    const missing: string[] = [];
    for (const model of models) {
      const listed = new Set(inventoryColumns(model.name));
      for (const field of model.fields) {
        if (field.kind === "object" || field.name === "shop") continue;
        if (!listed.has(field.name)) missing.push(`${model.name}.${field.name}`);
      }
    }
    expect(missing).toEqual([]);
    expect(new Set(DATA_INVENTORY.map((e) => e.table))).toEqual(new Set(models.map((m) => m.name)));
  });
});
