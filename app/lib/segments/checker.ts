import {
  ATTRIBUTE_NAMES,
  ATTRIBUTES,
  PURCHASE_ARGUMENTS,
  type AttributeDefinition,
} from "~/lib/segments/attributes";
import { ruleError, type ConditionNode, type DateLiteral, type RuleError, type RuleNode, type ValueNode } from "~/lib/segments/ast";
import { isCalendarDate } from "~/lib/segments/dates";
import { didYouMean } from "~/lib/segments/suggest";
import { moneyToCents } from "~/lib/segments/values";

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
// Customer's Int columns are 32-bit on both databases; Prisma rejects larger query values outright.
const INT_LIMIT = 2_147_483_647;
const RELATIVE_LIMIT = { d: 36_500, w: 5_200, m: 1_200, y: 100 };

/** The date a value node denotes: a date token, or a quoted 'YYYY-MM-DD' string. */
export function dateLiteralOf(node: ValueNode): DateLiteral | null {
  if (node.kind === "date") return node.date;
  if (node.kind === "string") {
    const match = node.value.match(ISO_DATE);
    if (match) return { kind: "absolute", year: +match[1], month: +match[2], day: +match[3] };
  }
  return null;
}

/** The text of a string, bare word or number value, for list, enum and country attributes. */
export function textOf(node: ValueNode): string | null {
  if (node.kind === "string") return node.value;
  if (node.kind === "identifier") return node.name;
  if (node.kind === "number") return node.raw;
  return null;
}

function shown(node: ValueNode): string {
  switch (node.kind) {
    case "string":
      return `'${node.value}'`;
    case "number":
    case "date":
      return node.raw;
    case "boolean":
      return String(node.value);
    case "identifier":
      return node.name;
  }
}

function operatorList(definition: AttributeDefinition): string {
  return definition.operators.join(", ");
}

function checkListEntry(node: ValueNode, what: string, errors: RuleError[]): void {
  const text = node.kind === "string" || node.kind === "number" ? textOf(node) : null;
  if (text === null) {
    errors.push(ruleError(node.span, `${what} must be quoted text such as 'vip', got ${shown(node)}`));
    return;
  }
  const trimmed = text.trim();
  if (trimmed === "") errors.push(ruleError(node.span, `${what} must not be empty`));
  else if (/[,%\\]/.test(trimmed)) errors.push(ruleError(node.span, `${what} cannot contain a comma, % or backslash`));
}

function checkValue(definition: AttributeDefinition, node: ValueNode, errors: RuleError[]): void {
  const name = definition.name;
  switch (definition.type) {
    case "money":
      if (node.kind !== "number") {
        errors.push(ruleError(node.span, `\`${name}\` compares with an amount such as 100 or 99.95, got ${shown(node)}`));
      } else if (moneyToCents(node.raw) === null) {
        errors.push(ruleError(node.span, `\`${name}\` amounts take at most 2 decimal places, got ${node.raw}`));
      } else if (Math.abs(moneyToCents(node.raw)!) > INT_LIMIT) {
        errors.push(ruleError(node.span, `${node.raw} is too large an amount`));
      }
      return;
    case "integer":
      if (node.kind !== "number" || !/^-?\d+$/.test(node.raw)) {
        errors.push(ruleError(node.span, `\`${name}\` compares with a whole number such as 3, got ${shown(node)}`));
      } else if (Math.abs(node.value) > INT_LIMIT) {
        errors.push(ruleError(node.span, `${node.raw} is too large a number`));
      }
      return;
    case "float":
      if (node.kind !== "number") {
        errors.push(ruleError(node.span, `\`${name}\` compares with a number between 0 and 1 such as 0.7, got ${shown(node)}`));
      } else if (node.value < 0 || node.value > 1) {
        errors.push(ruleError(node.span, `\`${name}\` is between 0 and 1, got ${node.raw}`));
      }
      return;
    case "date": {
      const date = dateLiteralOf(node);
      if (date === null) {
        const hint = node.kind === "identifier" ? didYouMean(node.name.toLowerCase(), ["today", "yesterday"]) : undefined;
        errors.push(ruleError(node.span, `\`${name}\` compares with a date such as 2024-01-31, -30d, -12m or today, got ${shown(node)}`, hint));
      } else if (date.kind === "absolute" && !isCalendarDate(date.year, date.month, date.day)) {
        errors.push(ruleError(node.span, `${shown(node)} is not a calendar date`));
      } else if (date.kind === "relative" && Math.abs(date.amount) > RELATIVE_LIMIT[date.unit]) {
        errors.push(ruleError(node.span, `${shown(node)} is too far away; relative dates reach at most 100 years`));
      }
      return;
    }
    case "list":
      checkListEntry(node, "a tag", errors);
      return;
    case "enum": {
      const text = node.kind === "string" || node.kind === "identifier" ? textOf(node)! : null;
      const allowed = definition.enumValues!;
      if (text === null || !allowed.some((value) => value.toLowerCase() === text.toLowerCase())) {
        const hint = text === null ? undefined : didYouMean(text, allowed, "'");
        errors.push(ruleError(node.span, `\`${name}\` is one of ${allowed.map((v) => `'${v}'`).join(", ")}; got ${shown(node)}`, hint));
      }
      return;
    }
    case "country": {
      const text = node.kind === "string" || node.kind === "identifier" ? textOf(node)! : null;
      if (text === null || !/^[A-Za-z]{2}$/.test(text.trim())) {
        errors.push(ruleError(node.span, `\`${name}\` takes a two-letter country code such as 'US', got ${shown(node)}`));
      }
      return;
    }
    case "purchases":
      if (node.kind !== "boolean") {
        errors.push(ruleError(node.span, `\`${name}\` compares with true or false, got ${shown(node)}`));
      }
      return;
  }
}

function checkPurchaseArguments(condition: ConditionNode, errors: RuleError[]): void {
  const args = condition.args ?? [];
  if (args.length > 1) {
    errors.push(
      ruleError(args[1].span, "products_purchased takes one of id, tag or collection; combine several with AND or OR"),
    );
  }
  for (const arg of args) {
    if (!(arg.name in PURCHASE_ARGUMENTS)) {
      if (arg.name === "date") {
        errors.push(ruleError(arg.span, "products_purchased does not filter by date here; add a `last_order_date` condition instead"));
      } else {
        errors.push(ruleError(arg.span, `unknown parameter \`${arg.name}\` for products_purchased`, didYouMean(arg.name, Object.keys(PURCHASE_ARGUMENTS))));
      }
      continue;
    }
    for (const value of arg.values) {
      if (arg.name === "id" && value.kind === "number" && !/^\d+$/.test(value.raw)) {
        errors.push(ruleError(value.span, `a product id is a whole number or quoted text, got ${value.raw}`));
      } else {
        checkListEntry(value, arg.name === "id" ? "a product id" : `a product ${arg.name}`, errors);
      }
    }
  }
}

function checkCondition(condition: ConditionNode, errors: RuleError[]): void {
  const definition = ATTRIBUTES[condition.attribute];
  if (!definition) {
    errors.push(ruleError(condition.attributeSpan, `unknown attribute \`${condition.attribute}\``, didYouMean(condition.attribute, ATTRIBUTE_NAMES)));
    return;
  }
  if (definition.type === "purchases") checkPurchaseArguments(condition, errors);
  else if (condition.args !== null) {
    errors.push(ruleError(condition.attributeSpan, `\`${definition.name}\` takes no parameters`));
  }
  if (!definition.operators.includes(condition.operator)) {
    let hint: string | undefined;
    if (condition.operator === "=" && definition.operators.includes("CONTAINS")) hint = "use CONTAINS";
    else if (condition.operator === "!=" && definition.operators.includes("NOT CONTAINS")) hint = "use NOT CONTAINS";
    else if (condition.operator.startsWith("IS") && !definition.nullable) hint = "it always has a value";
    errors.push(
      ruleError(
        condition.operatorSpan,
        `\`${definition.name}\` cannot use ${condition.operator}; it takes ${operatorList(definition)}`,
        hint,
      ),
    );
    return;
  }
  for (const value of condition.values) checkValue(definition, value, errors);
}

/** Type-checks a syntax tree: attributes, parameters, operators and value types, with positions. */
export function checkRule(ast: RuleNode): RuleError[] {
  const errors: RuleError[] = [];
  const visit = (node: RuleNode): void => {
    if (node.kind === "condition") checkCondition(node, errors);
    else if (node.kind === "not") visit(node.operand);
    else node.operands.forEach(visit);
  };
  visit(ast);
  return errors;
}
