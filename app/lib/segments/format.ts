import { ATTRIBUTES } from "~/lib/segments/attributes";
import type { ConditionNode, DateLiteral, Operator, RuleNode, ValueNode } from "~/lib/segments/ast";
import { centsToMoney } from "~/lib/segments/values";

function quote(text: string): string {
  return `'${text.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

function formatValue(node: ValueNode): string {
  switch (node.kind) {
    case "number":
    case "date":
      return node.raw;
    case "string":
      return quote(node.value);
    case "boolean":
      return String(node.value);
    case "identifier":
      return node.name;
  }
}

function formatCondition(node: ConditionNode): string {
  let text = node.attribute;
  if (node.args !== null) {
    const args = node.args.map((arg) => {
      const values = arg.values.map(formatValue);
      return `${arg.name}: ${values.length === 1 ? values[0] : `(${values.join(", ")})`}`;
    });
    text += `(${args.join(", ")})`;
  }
  if (node.operator === "BETWEEN") return `${text} BETWEEN ${formatValue(node.values[0])} AND ${formatValue(node.values[1])}`;
  if (node.operator === "IS NULL" || node.operator === "IS NOT NULL") return `${text} ${node.operator}`;
  return `${text} ${node.operator} ${formatValue(node.values[0])}`;
}

/** Prints a rule tree as canonical rule text; parsing the result gives the same tree. */
export function formatRule(node: RuleNode): string {
  switch (node.kind) {
    case "condition":
      return formatCondition(node);
    case "not": {
      const inner = formatRule(node.operand);
      return node.operand.kind === "and" || node.operand.kind === "or" ? `NOT (${inner})` : `NOT ${inner}`;
    }
    case "and":
      return node.operands.map((child) => (child.kind === "and" || child.kind === "or" ? `(${formatRule(child)})` : formatRule(child))).join(" AND ");
    case "or":
      return node.operands.map((child) => (child.kind === "or" ? `(${formatRule(child)})` : formatRule(child))).join(" OR ");
  }
}

/** One row of the visual builder; BETWEEN takes a [low, high] value, IS NULL none. */
export interface BuilderCondition {
  attribute: string;
  operator: Operator;
  value?: string | number | boolean | Date | readonly [string | number | Date, string | number | Date];
  /** products_purchased parameter, e.g. { tag: "sale" } or { id: [1, 2] }. */
  args?: Record<string, string | number | readonly (string | number)[]>;
}

const DATE_TEXT = /^(\d{4}-\d{2}-\d{2}|[+-]\d+[dwmy]|\d+_(days?|weeks?|months?|years?)_ago|today|yesterday)$/i;
const NUMBER_TEXT = /^-?\d+(\.\d+)?$/;

function builderValue(attribute: string, value: string | number | boolean | Date): string {
  const type = ATTRIBUTES[attribute]?.type;
  if (typeof value === "boolean") return String(value);
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === "number") {
    return type === "money" ? centsToMoney(Math.round(value * 100)) : String(value);
  }
  const text = value.trim();
  if ((type === "money" || type === "integer" || type === "float") && NUMBER_TEXT.test(text)) return text;
  if (type === "date" && DATE_TEXT.test(text)) return text;
  return quote(value);
}

function argumentText(value: string | number): string {
  return typeof value === "number" ? String(value) : /^\d+$/.test(value) ? value : quote(value);
}

/** Turns visual-builder rows into rule text joined by AND or OR, e.g. for the admin segment editor. */
export function ruleFromConditions(conditions: readonly BuilderCondition[], join: "AND" | "OR"): string {
  return conditions
    .map((condition) => {
      let text = condition.attribute;
      if (condition.args) {
        const args = Object.entries(condition.args).map(([name, value]) =>
          Array.isArray(value)
            ? `${name}: (${value.map(argumentText).join(", ")})`
            : `${name}: ${argumentText(value as string | number)}`,
        );
        text += `(${args.join(", ")})`;
      }
      const { operator, value } = condition;
      if (operator === "IS NULL" || operator === "IS NOT NULL") return `${text} ${operator}`;
      if (operator === "BETWEEN") {
        const [low, high] = Array.isArray(value) ? value : [value, value];
        return `${text} BETWEEN ${builderValue(condition.attribute, low)} AND ${builderValue(condition.attribute, high)}`;
      }
      const single = value === undefined ? (ATTRIBUTES[condition.attribute]?.type === "purchases" ? true : "") : value;
      return `${text} ${operator} ${builderValue(condition.attribute, single as string | number | boolean | Date)}`;
    })
    .join(` ${join} `);
}

function describeDate(date: DateLiteral, raw: string): string {
  if (date.kind === "absolute") return raw;
  const { amount, unit } = date;
  if (amount === 0) return "today";
  if (amount === -1 && unit === "d") return "yesterday";
  const names = { d: "day", w: "week", m: "month", y: "year" };
  const count = Math.abs(amount);
  const span = `${count} ${names[unit]}${count === 1 ? "" : "s"}`;
  return amount < 0 ? `${span} ago` : `${span} from now`;
}

function describeValue(node: ValueNode): string {
  switch (node.kind) {
    case "date":
      return describeDate(node.date, node.raw);
    case "string":
      return `'${node.value}'`;
    case "number":
      return node.raw;
    case "boolean":
      return String(node.value);
    case "identifier":
      return node.name;
  }
}

const ORDER_WORDS: Record<string, [string, string]> = {
  "=": ["is", "is on"],
  "!=": ["is not", "is not on"],
  ">": ["is more than", "is after"],
  ">=": ["is at least", "is on or after"],
  "<": ["is less than", "is before"],
  "<=": ["is at most", "is on or before"],
};

function describeCondition(node: ConditionNode): string {
  const definition = ATTRIBUTES[node.attribute];
  const label = definition?.label ?? node.attribute;
  const described = node.values.map(describeValue);
  const second = described[1];
  let first = described[0];
  if (definition?.enumValues && node.values.length === 1) {
    const raw = node.values[0].kind === "string" ? node.values[0].value : node.values[0].kind === "identifier" ? node.values[0].name : "";
    first = definition.enumValues.find((value) => value.toLowerCase() === raw.toLowerCase()) ?? first;
  }
  if (node.operator === "IS NULL") return `has no ${label}`;
  if (node.operator === "IS NOT NULL") return `has a ${label}`;
  switch (definition?.type) {
    case "purchases": {
      const purchased = (node.operator === "=") === (node.values[0].kind === "boolean" && node.values[0].value);
      const arg = node.args?.[0];
      let what = "any product";
      if (arg) {
        const values = arg.values.map(describeValue);
        const list = values.length === 1 ? values[0] : `any of ${values.join(", ")}`;
        if (arg.name === "id") what = values.length === 1 ? `product ${list}` : `any of products ${values.join(", ")}`;
        else what = arg.name === "tag" ? `a product tagged ${list}` : `a product from collection ${list}`;
      }
      return `${purchased ? "has purchased" : "has not purchased"} ${what}`;
    }
    case "list":
      return node.operator === "CONTAINS" ? `${label} include ${first}` : `${label} do not include ${first}`;
    case "country":
      return node.operator === "CONTAINS" ? `${label} is ${first}` : `${label} is not ${first}`;
    default: {
      if (node.operator === "BETWEEN") return `${label} is between ${first} and ${second}`;
      const words = ORDER_WORDS[node.operator];
      return `${label} ${words ? words[definition?.type === "date" ? 1 : 0] : node.operator} ${first}`;
    }
  }
}

function describeNode(node: RuleNode): string {
  switch (node.kind) {
    case "condition":
      return describeCondition(node);
    case "not":
      return `not (${describeNode(node.operand)})`;
    case "and":
      return node.operands.map((child) => (child.kind === "or" ? `(${describeNode(child)})` : describeNode(child))).join(" and ");
    case "or":
      return node.operands.map((child) => (child.kind === "and" ? `(${describeNode(child)})` : describeNode(child))).join(" or ");
  }
}

/** Plain-English reading of a rule for the admin UI, e.g. "amount spent is more than 100 and tags include 'vip'". */
export function describeRule(ast: RuleNode): string {
  const text = describeNode(ast);
  return text.charAt(0).toUpperCase() + text.slice(1);
}
