import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileRule, parseRule } from "~/lib/segments";
import { MAX_RULE_NESTING } from "~/lib/segments/parser";
import { ARBITRARY_NOW, arbitraryRule, arbitraryTimeZone } from "./arbitraries";

// Whatever a merchant types, the rule language answers with a compiled where or with positioned
// errors; it never throws. Mutations of valid rules hit the parser's edge cases far more often
// than random text does.

type Outcome = { compiled: true } | { compiled: false; errors: { message: string; line: number; column: number; offset: number; length: number }[] };

function outcome(text: string, timeZone = "UTC"): Outcome {
  const parsed = parseRule(text);
  if (!parsed.ok) return { compiled: false, errors: parsed.errors };
  compileRule(parsed.ast, { now: ARBITRARY_NOW, timeZone });
  return { compiled: true };
}

/** Line and column of an offset, counted the way an editor shows them (1-based). */
function position(text: string, offset: number) {
  const before = text.slice(0, offset).split("\n");
  return { line: before.length, column: before[before.length - 1].length + 1 };
}

function expectPositioned(text: string, result: Outcome) {
  if (result.compiled) return;
  expect(result.errors.length).toBeGreaterThan(0);
  for (const error of result.errors) {
    expect(error.message.trim().length).toBeGreaterThan(0);
    expect(error.offset).toBeGreaterThanOrEqual(0);
    expect(error.offset).toBeLessThanOrEqual(text.length);
    expect(error.length).toBeGreaterThanOrEqual(1);
    expect({ line: error.line, column: error.column }).toEqual(position(text, error.offset));
  }
}

const TOKENS = ["AND", "OR", "NOT", "(", ")", "'", "\\", "=", "!=", ">=", "<", "BETWEEN", "IS NULL", "CONTAINS", "NOT CONTAINS", "-", ".", ",", "\n", "  ", "\u0000", "é", "💥", "9".repeat(40), "1e309", "-30d", "2024-02-30", "customer_tags", "amount_spent", "product_purchased(id: '1')", "'unterminated"];

const mutation = fc.oneof(
  fc.record({ kind: fc.constant("delete" as const), at: fc.nat(), length: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ kind: fc.constant("insert" as const), at: fc.nat(), text: fc.oneof(fc.constantFrom(...TOKENS), fc.string({ maxLength: 6 })) }),
  fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("duplicate" as const), at: fc.nat(), length: fc.integer({ min: 1, max: 20 }) }),
);

type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;

function mutate(text: string, mutations: Mutation[]): string {
  let out = text;
  for (const m of mutations) {
    const at = out.length === 0 ? 0 : m.at % (out.length + 1);
    if (m.kind === "delete") out = out.slice(0, at) + out.slice(at + m.length);
    else if (m.kind === "insert") out = out.slice(0, at) + m.text + out.slice(at);
    else if (m.kind === "truncate") out = out.slice(0, at);
    else out = out.slice(0, at) + out.slice(at, at + m.length) + out.slice(at);
  }
  return out;
}

describe("segment rule language under fuzzing", () => {
  it("random strings (400 runs, incl. unicode and control characters): a compiled where or positioned errors, never a throw", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 80 }), fc.string({ unit: "grapheme", maxLength: 40 }), fc.string({ unit: "binary", maxLength: 40 })), (text) => {
        expectPositioned(text, outcome(text));
      }),
      { numRuns: 400 },
    );
  }, 20_000);

  it("random token soups (400 runs): never a throw, every error positioned", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...TOKENS, " ", "vip", "5", "'a'"), { maxLength: 25 }), (tokens) => {
        const text = tokens.join(" ");
        expectPositioned(text, outcome(text));
      }),
      { numRuns: 400 },
    );
  });

  it("valid rules compile in every time zone, and 1–4 random mutations of them (600 runs) still never throw", () => {
    let compiledAfterMutation = 0;
    let rejectedAfterMutation = 0;
    fc.assert(
      fc.property(arbitraryRule, arbitraryTimeZone, fc.array(mutation, { minLength: 1, maxLength: 4 }), (rule, timeZone, mutations) => {
        expect(outcome(rule, timeZone).compiled).toBe(true);
        const mutated = mutate(rule, mutations);
        const result = outcome(mutated, timeZone);
        expectPositioned(mutated, result);
        if (result.compiled) compiledAfterMutation += 1;
        else rejectedAfterMutation += 1;
      }),
      { numRuns: 600 },
    );
    // Both branches were exercised, so the property is not vacuous.
    expect(compiledAfterMutation).toBeGreaterThan(0);
    expect(rejectedAfterMutation).toBeGreaterThan(0);
  });

  it(`nesting is capped at ${MAX_RULE_NESTING} levels with a positioned error, not a stack overflow (5,000 "(", 5,000 NOT); 2,000 ORs compile`, () => {
    const atLimit = `${"(".repeat(MAX_RULE_NESTING)}amount_spent > 1${")".repeat(MAX_RULE_NESTING)}`;
    expect(outcome(atLimit).compiled).toBe(true);
    for (const text of ["(".repeat(5_000), `${"(".repeat(5_000)}amount_spent > 1${")".repeat(5_000)}`, `${"NOT ".repeat(5_000)}amount_spent > 1`]) {
      const result = outcome(text);
      expect(result.compiled).toBe(false);
      expectPositioned(text, result);
      if (!result.compiled) expect(result.errors[0].message).toContain(`more than ${MAX_RULE_NESTING} levels deep`);
    }
    const wide = Array.from({ length: 2_000 }, (_, i) => `amount_spent > ${i}`).join(" OR ");
    expect(outcome(wide).compiled).toBe(true);
  });
});
