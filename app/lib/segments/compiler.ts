import type { Prisma } from "@prisma/client";
import type { ConditionNode, RuleNode } from "~/lib/segments/ast";
import type { RuleClock } from "~/lib/segments/dates";
import { resolveCondition, type ResolvedCondition } from "~/lib/segments/resolve";
import { assertCheckedRule } from "~/lib/segments/rule";

type Where = Prisma.CustomerWhereInput;
type Bound = "gt" | "gte" | "lt" | "lte";
type Constraint = [Bound, number | Date];

const FLIPPED: Record<Bound, Bound> = { gt: "lte", gte: "lt", lt: "gte", lte: "gt" };
const EMPTY_LIST = [",", ""];

function and(parts: Where[]): Where {
  const flat = parts.flatMap((part) => (part.AND && Object.keys(part).length === 1 ? (part.AND as Where[]) : [part]));
  return flat.length === 1 ? flat[0] : { AND: flat };
}

function or(parts: Where[]): Where {
  const flat = parts.flatMap((part) => (part.OR && Object.keys(part).length === 1 ? (part.OR as Where[]) : [part]));
  return flat.length === 1 ? flat[0] : { OR: flat };
}

function field(column: string, filter: unknown): Where {
  return { [column]: filter } as Where;
}

/**
 * A conjunction of bounds on one column, or its exact complement. The complement spells out
 * `column IS NULL` so that a customer without a value matches `!=` and NOT, as the evaluator
 * says, instead of falling into SQL's UNKNOWN.
 */
function bounded(column: string, nullable: boolean, constraints: Constraint[], negated: boolean): Where {
  if (!negated) return field(column, Object.fromEntries(constraints));
  const branches: Where[] = nullable ? [field(column, null)] : [];
  for (const [bound, value] of constraints) branches.push(field(column, { [FLIPPED[bound]]: value }));
  return or(branches);
}

function orderedConstraints(condition: ResolvedCondition & { kind: "number" | "date" }): Constraint[] {
  if (condition.kind === "number") {
    const [a, b] = condition.values;
    switch (condition.operator) {
      case "=":
      case "!=":
        return [["gte", a], ["lte", a]];
      case ">":
        return [["gt", a]];
      case ">=":
        return [["gte", a]];
      case "<":
        return [["lt", a]];
      case "<=":
        return [["lte", a]];
      case "BETWEEN":
        return [["gte", a], ["lte", b]];
    }
  } else {
    const [a, b] = condition.days;
    const at = (ms: number) => new Date(ms);
    switch (condition.operator) {
      case "=":
      case "!=":
        return [["gte", at(a.start)], ["lt", at(a.end)]];
      case ">":
        return [["gte", at(a.end)]];
      case ">=":
        return [["gte", at(a.start)]];
      case "<":
        return [["lt", at(a.start)]];
      case "<=":
        return [["lt", at(a.end)]];
      case "BETWEEN":
        return [["gte", at(a.start)], ["lt", at(b.end)]];
    }
  }
  throw new Error(`unchecked rule: ${condition.operator} on ${condition.column}`);
}

function contains(column: string, entry: string, negated: boolean): Where {
  const where = field(column, { contains: `,${entry},` });
  return negated ? { NOT: where } : where;
}

function compileResolved(condition: ResolvedCondition, negated: boolean): Where {
  switch (condition.kind) {
    case "number":
    case "date": {
      const { column, operator } = condition;
      if (operator === "IS NULL" || operator === "IS NOT NULL") {
        return field(column, (operator === "IS NULL") !== negated ? null : { not: null });
      }
      const nullable = condition.kind === "date" || condition.nullable;
      return bounded(column, nullable, orderedConstraints(condition), negated !== (operator === "!="));
    }
    case "list": {
      const { column, operator, entry } = condition;
      if (operator === "IS NULL" || operator === "IS NOT NULL") {
        return field(column, (operator === "IS NULL") !== negated ? { in: EMPTY_LIST } : { notIn: EMPTY_LIST });
      }
      return contains(column, entry!, negated !== (operator === "NOT CONTAINS"));
    }
    case "purchases": {
      const purchased = condition.purchased !== negated;
      if (condition.anyOf === null) return field(condition.column, purchased ? { notIn: EMPTY_LIST } : { in: EMPTY_LIST });
      const parts = condition.anyOf.map((entry) => contains(condition.column, entry, !purchased));
      return purchased ? or(parts) : and(parts);
    }
    case "text": {
      const { column, operator, nullable, value } = condition;
      if (operator === "IS NULL" || operator === "IS NOT NULL") {
        return field(column, (operator === "IS NULL") !== negated ? null : { not: null });
      }
      if ((operator === "=") !== negated) return field(column, value);
      const differs = field(column, { not: value });
      return nullable ? or([field(column, null), differs]) : differs;
    }
  }
}

function compileNode(node: RuleNode, negated: boolean, clock: RuleClock): Where {
  switch (node.kind) {
    case "condition":
      return compileResolved(resolveCondition(node as ConditionNode, clock), negated);
    case "not":
      return compileNode(node.operand, !negated, clock);
    case "and": {
      const parts = node.operands.map((operand) => compileNode(operand, negated, clock));
      return negated ? or(parts) : and(parts);
    }
    case "or": {
      const parts = node.operands.map((operand) => compileNode(operand, negated, clock));
      return negated ? and(parts) : or(parts);
    }
  }
}

/**
 * Compiles a checked rule to a Prisma `where` for Customer that behaves identically on SQLite and
 * PostgreSQL. NOT is pushed down to the conditions (De Morgan), so the only `NOT` emitted wraps a
 * `contains` on a non-null list column and SQL's three-valued logic never changes an answer.
 */
export function compileRule(ast: RuleNode, clock: RuleClock): Where {
  assertCheckedRule(ast);
  return compileNode(ast, false, clock);
}
