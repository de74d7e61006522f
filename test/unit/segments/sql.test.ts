import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileRule, parseRule } from "~/lib/segments";
import { whereToSql, UnsupportedWhereError } from "~/lib/segments/sql";
import { ARBITRARY_NOW, arbitraryRule, arbitraryTimeZone } from "./arbitraries";

const encodeDate = (date: Date) => date.toISOString();

function sql(rule: string, dialect: "sqlite" | "postgres" = "sqlite") {
  const parsed = parseRule(rule);
  if (!parsed.ok) throw new Error(rule);
  return whereToSql(compileRule(parsed.ast, { now: ARBITRARY_NOW }), { dialect, params: ["shop"], encodeDate });
}

describe("whereToSql", () => {
  it("writes Prisma's meaning: <> drops NULLs only through the explicit IS NULL branch, contains is LIKE", () => {
    expect(sql("rfm_group != 'LOYAL'")).toEqual({ sql: `("rfmGroup" IS NULL OR "rfmGroup" <> ?)`, params: ["shop", "LOYAL"] });
    expect(sql("customer_tags NOT CONTAINS 'vip' AND number_of_orders BETWEEN 2 AND 4", "postgres")).toEqual({
      sql: `(NOT ("tags" LIKE $2::text) AND ("numberOfOrders" >= $3 AND "numberOfOrders" <= $4))`,
      params: ["shop", "%,vip,%", 2, 4],
    });
    expect(sql("last_order_date > 2024-06-01", "postgres")).toEqual({ sql: `"lastOrderAt" >= $2::timestamp(3)`, params: ["shop", "2024-06-02T00:00:00.000Z"] });
    expect(sql("customer_tags IS NULL")).toEqual({ sql: `"tags" IN (?, ?)`, params: ["shop", ",", ""] });
  });

  it("covers every where compileRule emits (no fallback to row-by-row Prisma)", () => {
    fc.assert(
      fc.property(arbitraryRule, arbitraryTimeZone, (text, timeZone) => {
        const parsed = parseRule(text);
        if (!parsed.ok) throw new Error(text);
        const { sql: out, params } = whereToSql(compileRule(parsed.ast, { now: ARBITRARY_NOW, timeZone }), { dialect: "sqlite", encodeDate });
        expect(out.split("?").length - 1).toBe(params.length);
      }),
      { numRuns: 2_000, seed: 5 },
    );
  });

  it("refuses shapes it does not know", () => {
    expect(() => whereToSql({ tags: { startsWith: "a" } }, { dialect: "sqlite", encodeDate })).toThrow(UnsupportedWhereError);
    expect(() => whereToSql({ ["bad col" as "tags"]: "x" }, { dialect: "sqlite", encodeDate })).toThrow(UnsupportedWhereError);
  });
});
