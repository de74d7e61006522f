import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { compileRule, createRuleMatcher, parseRule } from "~/lib/segments";
import { listMatchingCustomerIds, replaceSegmentMembers } from "~/models/segments.server";
import { testDb } from "../support/context";
import { ARBITRARY_NOW, arbitraryCustomer, arbitraryRule, arbitraryTimeZone } from "../unit/segments/arbitraries";

const SHOP = "agreement.myshopify.com";
const OTHER = "agreement-other.myshopify.com";

describe(`compiled segment rules and the pure evaluator agree on a real database (${testDb().flavour})`, () => {
  const customers = fc.sample(arbitraryCustomer, { numRuns: 300, seed: 20261123 });

  beforeAll(async () => {
    const at = new Date("2024-01-01T00:00:00Z");
    const rows = customers.map((customer, i) => ({
      ...customer,
      shop: SHOP,
      id: `c${i}`,
      firstOrderAt: customer.firstOrderAt as Date | null,
      lastOrderAt: customer.lastOrderAt as Date | null,
      createdAt: at,
      updatedAt: at,
    }));
    await testDb().prisma.customer.createMany({ data: rows });
    // The same customers in another shop: a rule must never reach them.
    await testDb().prisma.customer.createMany({ data: rows.map((row) => ({ ...row, shop: OTHER })) });
  });

  it("gives the same members for 2,000 random rules in random time zones", async () => {
    let checked = 0;
    await fc.assert(
      fc.asyncProperty(arbitraryRule, arbitraryTimeZone, async (text, timeZone) => {
        const parsed = parseRule(text);
        if (!parsed.ok) throw new Error(`arbitrary rule does not parse: ${text}`);
        const clock = { now: ARBITRARY_NOW, timeZone };
        const fromDatabase = new Set(await listMatchingCustomerIds({ shop: SHOP, where: compileRule(parsed.ast, clock) }));
        const matches = createRuleMatcher(parsed.ast, clock);
        const fromEvaluator = new Set(customers.flatMap((customer, i) => (matches(customer) ? [`c${i}`] : [])));
        checked += 1;
        expect([...fromDatabase].sort()).toEqual([...fromEvaluator].sort());
      }),
      { numRuns: 2_000, seed: 7 },
    );
    expect(checked).toBe(2_000);
  }, 300_000);

  it("recomputes 1,000 random rules as segments, 100 per call (one customer scan per 64), with the evaluator's members", async () => {
    const prisma = testDb().prisma;
    const cases = fc.sample(fc.tuple(arbitraryRule, arbitraryTimeZone), { numRuns: 1_000, seed: 11 });
    await prisma.segment.createMany({
      data: cases.map(([rule], i) => ({ shop: SHOP, id: `s${i}`, handle: `s${i}`, name: `s${i}`, rule })),
    });
    const at = new Date("2024-06-16T00:00:00Z");
    let mismatches = 0;
    let memberships = 0;
    for (let start = 0; start < cases.length; start += 100) {
      const batch = cases.slice(start, start + 100).map(([rule, timeZone], k) => {
        const parsed = parseRule(rule);
        if (!parsed.ok) throw new Error(`arbitrary rule does not parse: ${rule}`);
        const clock = { now: ARBITRARY_NOW, timeZone };
        const matches = createRuleMatcher(parsed.ast, clock);
        const expected = customers.flatMap((customer, i) => (matches(customer) ? [`c${i}`] : [])).sort();
        return { id: `s${start + k}`, where: compileRule(parsed.ast, clock), expected };
      });
      const results = await replaceSegmentMembers({ shop: SHOP, segments: batch, at });
      expect(results).toHaveLength(batch.length);
      const rows = await prisma.segmentMember.findMany({ where: { shop: SHOP, segmentId: { in: batch.map((b) => b.id) } }, select: { segmentId: true, customerId: true } });
      for (const { id, expected } of batch) {
        const stored = rows.filter((row) => row.segmentId === id).map((row) => row.customerId).sort();
        const result = results.find((r) => r.segmentId === id);
        if (JSON.stringify(stored) !== JSON.stringify(expected) || result?.members !== expected.length || result.entered !== expected.length) mismatches += 1;
        memberships += expected.length;
      }
    }
    expect(mismatches).toBe(0);
    // Enough rules matched someone for the comparison to mean something.
    expect(memberships).toBeGreaterThan(20_000);
    expect(await prisma.segmentMember.count({ where: { shop: OTHER } })).toBe(0);
  }, 300_000);

  it("finds the hand-picked cases the rule language promises", async () => {
    const prisma = testDb().prisma;
    const at = new Date("2024-01-01T00:00:00Z");
    const base = { shop: "agreement-cases.myshopify.com", createdAt: at, updatedAt: at };
    await prisma.customer.createMany({
      data: [
        { ...base, id: "legacy", purchasedProductIds: ",123,sku:ab-1,", rfmGroup: "LOYAL" },
        { ...base, id: "none", purchasedProductIds: ",", rfmGroup: null },
      ],
    });
    const ids = async (rule: string) => {
      const parsed = parseRule(rule);
      if (!parsed.ok) throw new Error(rule);
      return (await listMatchingCustomerIds({ shop: base.shop, where: compileRule(parsed.ast, { now: ARBITRARY_NOW }) })).sort();
    };
    expect(await ids("products_purchased(id: 123) = true")).toEqual(["legacy"]);
    expect(await ids("products_purchased(id: 'gid://shopify/Product/123') = true")).toEqual(["legacy"]);
    expect(await ids("products_purchased(id: 'SKU:AB-1') = true")).toEqual(["legacy"]);
    expect(await ids("products_purchased(id: 12) = true")).toEqual([]);
    // Two-valued NULLs: != includes customers without a group.
    expect(await ids("rfm_group != 'LOYAL'")).toEqual(["none"]);
  });
});
