import type { RuleNode } from "~/lib/segments/ast";
import { toInstant, type RuleClock } from "~/lib/segments/dates";
import { resolveCondition, type ResolvedCondition } from "~/lib/segments/resolve";
import { assertCheckedRule } from "~/lib/segments/rule";
import { isEmptyListColumn, likeContains } from "~/lib/segments/values";

/** The Customer columns a rule reads, with the Prisma model's field names. */
export interface SegmentCustomer {
  numberOfOrders: number;
  amountSpentCents: number;
  averageOrderValueCents: number;
  firstOrderAt: Date | string | null;
  lastOrderAt: Date | string | null;
  tags: string;
  purchasedProductIds: string;
  purchasedProductTags: string;
  purchasedCollections: string;
  rfmGroup: string | null;
  lifecycleStage: string | null;
  churnRisk: number | null;
  emailMarketingState: string;
  countryCode: string | null;
}

function compare(x: number, operator: string, values: number[]): boolean {
  const [a, b] = values;
  switch (operator) {
    case "=":
      return x === a;
    case "!=":
      return x !== a;
    case ">":
      return x > a;
    case ">=":
      return x >= a;
    case "<":
      return x < a;
    case "<=":
      return x <= a;
    case "BETWEEN":
      return x >= a && x <= b;
  }
  throw new Error(`unchecked rule: operator ${operator}`);
}

function evaluateResolved(condition: ResolvedCondition, customer: SegmentCustomer): boolean {
  switch (condition.kind) {
    case "number": {
      const x = customer[condition.column];
      if (condition.operator === "IS NULL") return x === null;
      if (condition.operator === "IS NOT NULL") return x !== null;
      // A missing value fails every comparison; != is the complement of =, so it matches.
      if (x === null) return condition.operator === "!=";
      return compare(x, condition.operator, condition.values);
    }
    case "date": {
      const x = toInstant(customer[condition.column]);
      if (condition.operator === "IS NULL") return x === null;
      if (condition.operator === "IS NOT NULL") return x !== null;
      if (x === null) return condition.operator === "!=";
      const [a, b] = condition.days;
      switch (condition.operator) {
        case "=":
          return x >= a.start && x < a.end;
        case "!=":
          return x < a.start || x >= a.end;
        case ">":
          return x >= a.end;
        case ">=":
          return x >= a.start;
        case "<":
          return x < a.start;
        case "<=":
          return x < a.end;
        case "BETWEEN":
          return x >= a.start && x < b.end;
      }
      throw new Error(`unchecked rule: operator ${condition.operator}`);
    }
    case "list": {
      const encoded = customer[condition.column];
      switch (condition.operator) {
        case "IS NULL":
          return isEmptyListColumn(encoded);
        case "IS NOT NULL":
          return !isEmptyListColumn(encoded);
        case "CONTAINS":
          return likeContains(encoded, `,${condition.entry},`);
        case "NOT CONTAINS":
          return !likeContains(encoded, `,${condition.entry},`);
      }
      throw new Error("unreachable");
    }
    case "purchases": {
      const encoded = customer[condition.column];
      const bought =
        condition.anyOf === null
          ? !isEmptyListColumn(encoded)
          : condition.anyOf.some((entry) => likeContains(encoded, `,${entry},`));
      return bought === condition.purchased;
    }
    case "text": {
      const x = customer[condition.column];
      switch (condition.operator) {
        case "IS NULL":
          return x === null;
        case "IS NOT NULL":
          return x !== null;
        case "=":
          return x === condition.value;
        case "!=":
          return x !== condition.value;
      }
    }
  }
}

type Matcher = (customer: SegmentCustomer) => boolean;

function matcherFor(node: RuleNode, clock: RuleClock): Matcher {
  switch (node.kind) {
    case "condition": {
      const resolved = resolveCondition(node, clock);
      return (customer) => evaluateResolved(resolved, customer);
    }
    case "not": {
      const inner = matcherFor(node.operand, clock);
      return (customer) => !inner(customer);
    }
    case "and": {
      const parts = node.operands.map((operand) => matcherFor(operand, clock));
      return (customer) => parts.every((part) => part(customer));
    }
    case "or": {
      const parts = node.operands.map((operand) => matcherFor(operand, clock));
      return (customer) => parts.some((part) => part(customer));
    }
  }
}

/** A reusable membership test for many customers at one clock (dates are resolved once). */
export function createRuleMatcher(ast: RuleNode, clock: RuleClock): Matcher {
  assertCheckedRule(ast);
  return matcherFor(ast, clock);
}

/** Whether one customer matches a checked rule: the same answer the compiled where gives on a database. */
export function evaluateRule(ast: RuleNode, customer: SegmentCustomer, clock: RuleClock): boolean {
  return createRuleMatcher(ast, clock)(customer);
}
