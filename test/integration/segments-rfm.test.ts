import { createReadStream } from "node:fs";
import { createGunzip } from "node:zlib";
import { parse } from "csv-parse";
import { beforeAll, describe, expect, it } from "vitest";
import { recomputeShopSegments } from "~/services/segments.server";
import { testDb } from "../support/context";

const DATA = process.env.SHOPKEEPER_DATA_DIR ?? new URL("../../../shared/data/", import.meta.url).pathname;
const SHOP = "rfm-retail.myshopify.com";
const DAY_MS = 86_400_000;

interface Aggregate {
  id: string;
  orders: Set<string>;
  spentCents: number;
  first: number;
  last: number;
}

/** Per-customer order count, spend and first/last order, straight from the normalised order lines. */
async function aggregateOrders(file: string) {
  const byCustomer = new Map<string, Aggregate>();
  const rows = createReadStream(file).pipe(createGunzip()).pipe(parse({ columns: true }));
  for await (const row of rows as AsyncIterable<Record<string, string>>) {
    if (!row.customer_id) continue;
    const at = Date.parse(row.created_at);
    const entry = byCustomer.get(row.customer_id) ?? { id: row.customer_id, orders: new Set<string>(), spentCents: 0, first: at, last: at };
    entry.orders.add(row.order_id);
    entry.spentCents += Number(row.quantity) * Math.round(Number(row.unit_price) * 100);
    entry.first = Math.min(entry.first, at);
    entry.last = Math.max(entry.last, at);
    byCustomer.set(row.customer_id, entry);
  }
  return [...byCustomer.values()];
}

// Reference quintiles, written independently of app/lib: count the strictly worse values by walking
// the sorted distinct values once, then score = min(5, 1 + floor(5 × worse / n)).
function referenceScores(values: number[]): number[] {
  const sorted = [...values].sort((a, b) => a - b);
  const worseThan = new Map<number, number>();
  sorted.forEach((value, index) => {
    if (!worseThan.has(value)) worseThan.set(value, index);
  });
  return values.map((value) => Math.min(5, 1 + Math.floor((5 * worseThan.get(value)!) / values.length)));
}

// docs/decisions/021: rows R = 5 … 1, columns FM bands [1,2) [2,3) [3,4) [4,5].
const TABLE: Record<number, string[]> = {
  5: ["NEW", "PROMISING", "ACTIVE", "CHAMPIONS"],
  4: ["PROMISING", "PROMISING", "ACTIVE", "LOYAL"],
  3: ["ALMOST_LOST", "NEEDS_ATTENTION", "NEEDS_ATTENTION", "LOYAL"],
  2: ["ALMOST_LOST", "ALMOST_LOST", "AT_RISK", "PREVIOUSLY_LOYAL"],
  1: ["DORMANT", "DORMANT", "AT_RISK", "PREVIOUSLY_LOYAL"],
};
function referenceGroup(r: number, f: number, m: number): string {
  const fm = (f + m) / 2;
  const band = fm < 2 ? 0 : fm < 3 ? 1 : fm < 4 ? 2 : 3;
  return TABLE[r][band];
}

describe(`RFM and lifecycle on the Online Retail customers (${testDb().flavour})`, () => {
  let customers: Aggregate[];
  let now: Date;

  beforeAll(async () => {
    customers = await aggregateOrders(`${DATA}/online_retail.csv.gz`);
    // The day after the last order in the data, so every customer has a recency.
    now = new Date(Math.max(...customers.map((c) => c.last)) + DAY_MS);
    const prisma = testDb().prisma;
    await prisma.shop.create({ data: { domain: SHOP, settings: {} } });
    const rows = customers.map((c) => ({
      shop: SHOP,
      id: c.id,
      numberOfOrders: c.orders.size,
      amountSpentCents: c.spentCents,
      averageOrderValueCents: Math.round(c.spentCents / c.orders.size),
      firstOrderAt: new Date(c.first),
      lastOrderAt: new Date(c.last),
      createdAt: new Date(c.first),
      updatedAt: new Date(c.first),
    }));
    for (let i = 0; i < rows.length; i += 1_000) await prisma.customer.createMany({ data: rows.slice(i, i + 1_000) });
    await prisma.customer.create({ data: { shop: SHOP, id: "prospect", createdAt: now, updatedAt: now } });
  }, 120_000);

  it("stores every customer's R, F, M scores and group exactly as the reference quintiles give", async () => {
    const result = await recomputeShopSegments({ shop: SHOP, now });
    expect(result.customers).toBe(customers.length + 1);

    const recency = referenceScores(customers.map((c) => -Math.floor((now.getTime() - c.last) / DAY_MS)));
    const frequency = referenceScores(customers.map((c) => c.orders.size));
    const monetary = referenceScores(customers.map((c) => c.spentCents));
    const expected = new Map(
      customers.map((c, i) => [c.id, { rfmRecency: recency[i], rfmFrequency: frequency[i], rfmMonetary: monetary[i], rfmGroup: referenceGroup(recency[i], frequency[i], monetary[i]) }]),
    );
    const stored = await testDb().prisma.customer.findMany({
      where: { shop: SHOP },
      select: { id: true, rfmRecency: true, rfmFrequency: true, rfmMonetary: true, rfmGroup: true },
    });
    let mismatches = 0;
    for (const { id, ...scores } of stored) {
      if (id === "prospect") {
        expect(scores).toEqual({ rfmRecency: null, rfmFrequency: null, rfmMonetary: null, rfmGroup: "PROSPECTS" });
        continue;
      }
      if (JSON.stringify(scores) !== JSON.stringify(expected.get(id))) mismatches += 1;
    }
    expect(mismatches).toBe(0);
    expect(stored).toHaveLength(customers.length + 1);

    // The built-in RFM segments hold exactly the reference groups.
    const groupCounts = new Map<string, number>([["PROSPECTS", 1]]);
    for (const value of expected.values()) groupCounts.set(value.rfmGroup, (groupCounts.get(value.rfmGroup) ?? 0) + 1);
    const segments = await testDb().prisma.segment.findMany({ where: { shop: SHOP, kind: "rfm" } });
    expect(segments).toHaveLength(11);
    for (const segment of segments) {
      const group = /rfm_group = '(\w+)'/.exec(segment.rule)![1];
      expect([group, segment.memberCount]).toEqual([group, groupCounts.get(group) ?? 0]);
      expect(await testDb().prisma.segmentMember.count({ where: { shop: SHOP, segmentId: segment.id } })).toBe(segment.memberCount);
    }
  }, 120_000);

  it("puts every buyer in exactly one lifecycle stage, matching a reference of decision 021's rules", async () => {
    const repeatGaps = customers.filter((c) => c.orders.size >= 2).map((c) => Math.max(1, (c.last - c.first) / DAY_MS / (c.orders.size - 1)));
    repeatGaps.sort((a, b) => a - b);
    const mid = repeatGaps.length >> 1;
    const shopGap = repeatGaps.length % 2 ? repeatGaps[mid] : (repeatGaps[mid - 1] + repeatGaps[mid]) / 2;
    const expectedStage = new Map(
      customers.map((c) => {
        const n = c.orders.size;
        const own = n >= 2 ? Math.max(1, (c.last - c.first) / DAY_MS / (n - 1)) : null;
        const gap = own === null ? shopGap : (2 * shopGap + (n - 1) * own) / (2 + n - 1);
        const since = (now.getTime() - c.last) / DAY_MS;
        const stage = n === 1 && since <= gap ? "new" : since <= 2 * gap ? "active" : since <= 4 * gap ? "at_risk" : "lapsed";
        return [c.id, stage];
      }),
    );
    const stored = await testDb().prisma.customer.findMany({ where: { shop: SHOP, NOT: { id: "prospect" } }, select: { id: true, lifecycleStage: true, churnRisk: true, churnReason: true } });
    expect(stored.filter((row) => row.lifecycleStage !== expectedStage.get(row.id))).toEqual([]);
    expect(stored.every((row) => row.churnRisk !== null && row.churnRisk >= 0 && row.churnRisk <= 1 && (row.churnReason ?? "") !== "")).toBe(true);
    const lifecycle = await testDb().prisma.segment.findMany({ where: { shop: SHOP, kind: "lifecycle" } });
    expect(lifecycle.map((s) => s.handle).sort()).toEqual(["lifecycle-active", "lifecycle-at-risk", "lifecycle-lapsed", "lifecycle-new"]);
    expect(lifecycle.reduce((sum, s) => sum + s.memberCount, 0)).toBe(customers.length);
  }, 120_000);

  it("a second run with nothing changed writes no membership changes", async () => {
    const before = await testDb().prisma.segmentHistory.count({ where: { shop: SHOP } });
    const result = await recomputeShopSegments({ shop: SHOP, now });
    expect([result.entered, result.left]).toEqual([0, 0]);
    expect(await testDb().prisma.segmentHistory.count({ where: { shop: SHOP } })).toBe(before);
  }, 120_000);
});
