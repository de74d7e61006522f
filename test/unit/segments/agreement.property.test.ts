import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { RuleNode } from "~/lib/segments/ast";
import { compileRule } from "~/lib/segments/compiler";
import { evaluateRule } from "~/lib/segments/evaluator";
import { formatRule } from "~/lib/segments/format";
import { parseRule } from "~/lib/segments/rule";
import { ARBITRARY_NOW, arbitraryCustomer, arbitraryRule, arbitraryTimeZone } from "./arbitraries";
import { notOverUnknown, selects } from "./prisma-where-interpreter";

function withoutSpans(node: RuleNode): unknown {
  return JSON.parse(JSON.stringify(node, (key, value) => (key.toLowerCase().endsWith("span") ? undefined : value)));
}

function mustParse(text: string): RuleNode {
  const result = parseRule(text);
  if (!result.ok) throw new Error(`${text}\n${JSON.stringify(result.errors)}`);
  return result.ast;
}

describe("segment rules: evaluator and compiled where agree", () => {
  it("every generated rule parses, type-checks and survives formatRule", () => {
    fc.assert(
      fc.property(arbitraryRule, (text) => {
        const ast = mustParse(text);
        expect(withoutSpans(mustParse(formatRule(ast)))).toEqual(withoutSpans(ast));
      }),
      { numRuns: 1500, seed: 20241115 },
    );
  });

  // Thousands of rules: on a busy shared machine this takes longer than the default 5 s.
  it("evaluateRule matches a SQL-semantics reading of compileRule for random rules and customers", () => {
    let matched = 0;
    let total = 0;
    let negatedUnknowns = 0;
    fc.assert(
      fc.property(arbitraryRule, arbitraryTimeZone, fc.array(arbitraryCustomer, { minLength: 1, maxLength: 8 }), (text, timeZone, customers) => {
        const ast = mustParse(text);
        const clock = { now: ARBITRARY_NOW, timeZone };
        const where = compileRule(ast, clock) as Record<string, unknown>;
        for (const customer of customers) {
          const before = notOverUnknown.where;
          const expected = selects(where, customer as unknown as Record<string, unknown>);
          negatedUnknowns += notOverUnknown.where - before;
          expect(evaluateRule(ast, customer, clock), `${text} @ ${timeZone}\n${JSON.stringify(customer)}`).toBe(expected);
          matched += expected ? 1 : 0;
          total += 1;
        }
      }),
      { numRuns: 3000, seed: 7 },
    );
    // NOT is pushed down to non-null list columns, so Prisma's NOT never meets SQL's UNKNOWN.
    expect(negatedUnknowns).toBe(0);
    // Guards against a generator that only produces empty or universal segments.
    expect(matched / total).toBeGreaterThan(0.15);
    expect(matched / total).toBeLessThan(0.85);
  }, 60_000);
});
