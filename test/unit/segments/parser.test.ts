import { describe, expect, it } from "vitest";
import type { RuleNode } from "~/lib/segments/ast";
import { formatRule } from "~/lib/segments/format";
import { parseSyntax } from "~/lib/segments/parser";
import { parseRule } from "~/lib/segments/rule";

function shape(node: RuleNode): unknown {
  switch (node.kind) {
    case "condition":
      return `${node.attribute} ${node.operator}`;
    case "not":
      return { not: shape(node.operand) };
    case "and":
      return { and: node.operands.map(shape) };
    case "or":
      return { or: node.operands.map(shape) };
  }
}

function parsed(text: string): RuleNode {
  const result = parseRule(text);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.ast;
}

function firstError(text: string) {
  const result = parseRule(text);
  if (result.ok) throw new Error(`expected an error for ${text}`);
  return result.errors[0];
}

describe("parser", () => {
  it("binds NOT tighter than AND, and AND tighter than OR", () => {
    expect(shape(parsed("number_of_orders > 1 OR amount_spent > 5 AND churn_risk > 0.5"))).toEqual({
      or: ["number_of_orders >", { and: ["amount_spent >", "churn_risk >"] }],
    });
    expect(shape(parsed("NOT number_of_orders > 1 AND amount_spent > 5"))).toEqual({
      and: [{ not: "number_of_orders >" }, "amount_spent >"],
    });
    expect(shape(parsed("NOT (number_of_orders > 1 OR amount_spent > 5)"))).toEqual({
      not: { or: ["number_of_orders >", "amount_spent >"] },
    });
    expect(shape(parsed("NOT NOT number_of_orders = 1"))).toEqual({ not: { not: "number_of_orders =" } });
  });

  it("keeps BETWEEN's AND inside the condition", () => {
    const ast = parsed("amount_spent BETWEEN 10 AND 20 AND number_of_orders >= 2");
    expect(shape(ast)).toEqual({ and: ["amount_spent BETWEEN", "number_of_orders >="] });
    const between = (ast as Extract<RuleNode, { kind: "and" }>).operands[0];
    expect(between.kind === "condition" && between.values.map((v) => (v.kind === "number" ? v.raw : null))).toEqual(["10", "20"]);
  });

  it("reads keywords in any case, Shopify's value forms and function parameters", () => {
    const ast = parsed(
      "customer_tags not contains 'vip' and last_order_date is not null and products_purchased(id: (123, 456)) = TRUE and first_order_date >= 30_days_ago",
    );
    expect(shape(ast)).toEqual({
      and: ["customer_tags NOT CONTAINS", "last_order_date IS NOT NULL", "products_purchased =", "first_order_date >="],
    });
    expect(formatRule(ast)).toBe(
      "customer_tags NOT CONTAINS 'vip' AND last_order_date IS NOT NULL AND products_purchased(id: (123, 456)) = true AND first_order_date >= 30_days_ago",
    );
    const dates = parsed("last_order_date BETWEEN -12m AND +7d");
    expect(dates.kind === "condition" && dates.values.map((v) => v.kind === "date" && v.date)).toEqual([
      { kind: "relative", amount: -12, unit: "m" },
      { kind: "relative", amount: 7, unit: "d" },
    ]);
    const today = parsed("last_order_date = today");
    expect(today.kind === "condition" && today.values[0].kind === "date" && today.values[0].date).toEqual({ kind: "relative", amount: 0, unit: "d" });
  });

  it("decodes escaped quotes in strings", () => {
    const ast = parsed("customer_tags CONTAINS 'o\\'brien'");
    expect(ast.kind === "condition" && ast.values[0].kind === "string" && ast.values[0].value).toBe("o'brien");
  });

  it("suggests the attribute name within a small edit distance", () => {
    expect(firstError("amout_spent > 100")).toMatchObject({
      message: "unknown attribute `amout_spent`, did you mean `amount_spent`?",
      hint: "did you mean `amount_spent`?",
      line: 1,
      column: 1,
      length: 11,
    });
    expect(firstError("favourite_colour = 'red'").hint).toBeUndefined();
  });

  it("positions syntax errors by line and column", () => {
    expect(firstError("number_of_orders > 3 AND\n  customer_tags CONTAIN 'vip'")).toMatchObject({
      line: 2,
      column: 17,
      hint: "did you mean `CONTAINS`?",
    });
    expect(firstError("(number_of_orders > 3")).toMatchObject({ line: 1, column: 22 });
    expect(firstError("(number_of_orders > 3").message).toContain("expected `)` to close the `(` at line 1, column 1");
    expect(firstError("number_of_orders > 3 number_of_orders < 5")).toMatchObject({ column: 22 });
    expect(firstError("amount_spent BETWEEN 1 5")).toMatchObject({ column: 24 });
    expect(firstError("amount_spent >")).toMatchObject({ message: "expected a value after `>`, found the end of the rule", column: 15 });
    expect(firstError("number_of_orders > 1)")).toMatchObject({ message: "unexpected `)` with no matching `(`", column: 21 });
    expect(firstError("")).toMatchObject({ line: 1, column: 1 });
  });

  it("reports lexical errors with fixes", () => {
    expect(firstError("customer_tags CONTAINS 'vip")).toMatchObject({ column: 24, message: "unterminated string: add a closing '" });
    expect(firstError("last_order_date > 30d")).toMatchObject({ column: 19, hint: "did you mean `-30d`?" });
    expect(firstError("amount_spent <> 5")).toMatchObject({ column: 14, hint: "did you mean `!=`?" });
    expect(firstError("last_order_date > 2024-1-5")).toMatchObject({ column: 19, length: 8, hint: "did you mean `2024-01-05`?" });
    expect(firstError("amount_spent > 5 & number_of_orders > 1")).toMatchObject({ column: 18, message: "unexpected character `&`" });
  });

  it("leaves semantic problems to the checker", () => {
    expect(parseSyntax("amout_spent CONTAINS 5").errors).toEqual([]);
  });
});
