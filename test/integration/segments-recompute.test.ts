import { beforeAll, describe, expect, it } from "vitest";
import { createRuleMatcher, parseRule } from "~/lib/segments";
import { createSegment, listSegmentCustomers, listSegmentRows, markTagged, replaceSegmentMembers } from "~/models/segments.server";
import { recomputeShopSegments } from "~/services/segments.server";
import { testDb } from "../support/context";

const SHOP = "segments-recompute.myshopify.com";
const OTHER = "segments-recompute-other.myshopify.com";
const DAY_MS = 86_400_000;
const T0 = new Date("2026-03-01T12:00:00Z");
const T1 = new Date(T0.getTime() + 40 * DAY_MS);
const IDS = Array.from({ length: 240 }, (_, i) => `c${String(i).padStart(3, "0")}`);

function customerRow(shop: string, id: string, i: number) {
  const orders = i % 7;
  return {
    shop,
    id,
    numberOfOrders: orders,
    amountSpentCents: orders === 0 ? 0 : ((i * 37) % 300) * 100,
    averageOrderValueCents: orders === 0 ? 0 : Math.round((((i * 37) % 300) * 100) / orders),
    firstOrderAt: orders === 0 ? null : new Date(T0.getTime() - ((i % 60) + orders * 20) * DAY_MS),
    lastOrderAt: orders === 0 ? null : new Date(T0.getTime() - (i % 60) * DAY_MS),
    tags: i % 5 === 0 ? ",vip," : ",",
    countryCode: ["GB", "US", null][i % 3],
    createdAt: T0,
    updatedAt: T0,
  };
}

type Memberships = Map<string, Set<string>>;

async function storedMembers(shop: string): Promise<Memberships> {
  const rows = await testDb().prisma.segmentMember.findMany({ where: { shop }, select: { segmentId: true, customerId: true } });
  const out: Memberships = new Map();
  for (const row of rows) out.set(row.segmentId, (out.get(row.segmentId) ?? new Set()).add(row.customerId));
  return out;
}

/** Each parsable segment's members as the pure evaluator gives them at `now`. */
async function expectedMembers(shop: string, now: Date): Promise<Memberships> {
  const customers = await listSegmentCustomers({ shop, ids: IDS });
  const out: Memberships = new Map();
  for (const segment of await listSegmentRows({ shop })) {
    const parsed = parseRule(segment.rule);
    if (!parsed.ok) continue;
    const matches = createRuleMatcher(parsed.ast, { now, timeZone: "UTC" });
    out.set(segment.id, new Set(customers.filter((customer) => matches(customer)).map((customer) => customer.id)));
  }
  return out;
}

const sorted = (set: Set<string> | undefined) => [...(set ?? [])].sort();
const minus = (a: Set<string> | undefined, b: Set<string> | undefined) => [...(a ?? [])].filter((id) => !(b ?? new Set()).has(id)).sort();

describe(`full recompute diffs every segment at once (${testDb().flavour})`, () => {
  const segmentIds: Record<string, string> = {};

  beforeAll(async () => {
    const prisma = testDb().prisma;
    for (const shop of [SHOP, OTHER]) {
      await prisma.shop.create({ data: { domain: shop, settings: {} } });
      await prisma.customer.createMany({ data: IDS.map((id, i) => customerRow(shop, id, i)) });
      for (const [handle, rule] of [
        ["spenders", "amount_spent >= 150"],
        ["vip", "customer_tags CONTAINS 'vip'"],
        ["recent", "last_order_date > -30d"],
        // A stored rule that no longer parses is skipped, not fatal.
        ["broken", "amount_spent >>> 5"],
      ]) {
        const segment = await createSegment({ shop, data: { name: handle, handle, kind: "custom", rule, syncToShopify: false } });
        if (shop === SHOP) segmentIds[handle] = segment.id;
      }
    }
  });

  it("first run: every segment (4 custom, 15 built-in) gets exactly the evaluator's members, all recorded as entered", async () => {
    const result = await recomputeShopSegments({ shop: SHOP, now: T0 });
    await recomputeShopSegments({ shop: OTHER, now: T0 });
    const expected = await expectedMembers(SHOP, T0);
    const stored = await storedMembers(SHOP);
    expect(expected.size).toBe(18);
    expect(result.segments).toBe(19);
    let total = 0;
    for (const [id, members] of expected) {
      expect([id, sorted(stored.get(id))]).toEqual([id, sorted(members)]);
      total += members.size;
    }
    expect(stored.has(segmentIds.broken)).toBe(false);
    expect([result.entered, result.left]).toEqual([total, 0]);
    expect(await testDb().prisma.segmentHistory.count({ where: { shop: SHOP, change: "entered", at: T0 } })).toBe(total);
    const counts = new Map((await listSegmentRows({ shop: SHOP })).map((segment) => [segment.id, segment.memberCount]));
    for (const [id, members] of expected) expect([id, counts.get(id)]).toEqual([id, members.size]);
    // The shop's fixture puts people on both sides of every custom rule.
    for (const handle of ["spenders", "vip", "recent"]) {
      expect(expected.get(segmentIds[handle])!.size).toBeGreaterThan(20);
      expect(expected.get(segmentIds[handle])!.size).toBeLessThan(IDS.length - 20);
    }
  });

  it("40 days later with changed customers: entered/left history is the exact diff, tagged leavers are parked, stayers keep since and tag, the other shop is untouched", async () => {
    const prisma = testDb().prisma;
    const before = await storedMembers(SHOP);
    const otherBefore = await storedMembers(OTHER);
    const spenders = sorted(before.get(segmentIds.spenders));
    const tagged = spenders.filter((_, i) => i % 2 === 0);
    await markTagged({ shop: SHOP, segmentId: segmentIds.spenders, customerIds: tagged, at: T0 });
    // 30 spenders drop out (tagged and untagged alike); 12 customers gain the vip tag.
    const dropping = spenders.slice(0, 30);
    await prisma.customer.updateMany({ where: { shop: SHOP, id: { in: dropping } }, data: { amountSpentCents: 0 } });
    const newVips = IDS.filter((id) => !before.get(segmentIds.vip)?.has(id)).slice(0, 12);
    await prisma.customer.updateMany({ where: { shop: SHOP, id: { in: newVips } }, data: { tags: ",vip," } });

    const result = await recomputeShopSegments({ shop: SHOP, now: T1 });
    const expected = await expectedMembers(SHOP, T1);
    const after = await storedMembers(SHOP);
    const history = await prisma.segmentHistory.findMany({ where: { shop: SHOP, at: T1 }, select: { segmentId: true, customerId: true, change: true } });
    let entered = 0;
    let left = 0;
    for (const [id, members] of expected) {
      expect([id, sorted(after.get(id))]).toEqual([id, sorted(members)]);
      const wantLeft = minus(before.get(id), members);
      const wantEntered = minus(members, before.get(id));
      const rows = history.filter((row) => row.segmentId === id);
      expect([id, rows.filter((r) => r.change === "left").map((r) => r.customerId).sort()]).toEqual([id, wantLeft]);
      expect([id, rows.filter((r) => r.change === "entered").map((r) => r.customerId).sort()]).toEqual([id, wantEntered]);
      entered += wantEntered.length;
      left += wantLeft.length;
    }
    expect([result.entered, result.left]).toEqual([entered, left]);
    expect(minus(new Set(dropping), after.get(segmentIds.spenders))).toEqual(dropping);
    expect(sorted(after.get(segmentIds.vip)).filter((id) => newVips.includes(id))).toEqual(newVips);
    expect(minus(before.get(segmentIds.recent), after.get(segmentIds.recent)).length).toBeGreaterThan(0);

    // Parked for untagging: exactly the tagged leavers, keeping when they were tagged.
    const taggedLeavers = tagged.filter((id) => dropping.includes(id));
    expect(taggedLeavers.length).toBe(15);
    const parked = await prisma.segmentMember.findMany({ where: { shop: SHOP, segmentId: { startsWith: "untag:" } }, orderBy: { customerId: "asc" } });
    expect(parked.map((row) => [row.segmentId, row.customerId, row.taggedAt?.toISOString()])).toEqual(
      taggedLeavers.map((id) => ["untag:shopkeeper-spenders", id, T0.toISOString()]),
    );
    const stayers = await prisma.segmentMember.findMany({ where: { shop: SHOP, segmentId: segmentIds.spenders }, select: { customerId: true, since: true, taggedAt: true } });
    for (const row of stayers) {
      expect(row.since.toISOString()).toBe(before.get(segmentIds.spenders)?.has(row.customerId) ? T0.toISOString() : T1.toISOString());
      expect(row.taggedAt?.toISOString() ?? null).toBe(tagged.includes(row.customerId) ? T0.toISOString() : null);
    }
    expect(await storedMembers(OTHER)).toEqual(otherBefore);
  });

  it("a third run with nothing changed writes no history and keeps every member", async () => {
    const prisma = testDb().prisma;
    const before = await storedMembers(SHOP);
    const history = await prisma.segmentHistory.count({ where: { shop: SHOP } });
    const result = await recomputeShopSegments({ shop: SHOP, now: T1 });
    expect([result.entered, result.left]).toEqual([0, 0]);
    expect(await prisma.segmentHistory.count({ where: { shop: SHOP } })).toBe(history);
    expect(await storedMembers(SHOP)).toEqual(before);
  });

  it("evaluates a where outside the SQL subset through Prisma and skips another shop's segment", async () => {
    const prisma = testDb().prisma;
    const otherSegment = await prisma.segment.findFirstOrThrow({ where: { shop: OTHER, handle: "vip" } });
    const otherBefore = await storedMembers(OTHER);
    const results = await replaceSegmentMembers({
      shop: SHOP,
      segments: [
        { id: segmentIds.recent, where: { id: { startsWith: "c01" } } },
        { id: segmentIds.vip, where: { amountSpentCents: { gte: 29_000 } } },
        { id: otherSegment.id, where: {} },
      ],
      at: new Date(T1.getTime() + DAY_MS),
    });
    expect(results.map((r) => r.segmentId).sort()).toEqual([segmentIds.recent, segmentIds.vip].sort());
    const after = await storedMembers(SHOP);
    expect(sorted(after.get(segmentIds.recent))).toEqual(IDS.filter((id) => id.startsWith("c01")));
    const rich = (await prisma.customer.findMany({ where: { shop: SHOP, amountSpentCents: { gte: 29_000 } }, select: { id: true } })).map((row) => row.id).sort();
    expect(rich.length).toBeGreaterThan(0);
    expect(sorted(after.get(segmentIds.vip))).toEqual(rich);
    expect(results.find((r) => r.segmentId === segmentIds.vip)?.members).toBe(rich.length);
    expect(await storedMembers(OTHER)).toEqual(otherBefore);
  });
});
