/** Where a piece of rule text sits: 1-based line and column, 0-based offsets (end exclusive). */
export interface Span {
  line: number;
  column: number;
  offset: number;
  end: number;
}

export type ComparisonOperator = "=" | "!=" | ">" | ">=" | "<" | "<=";
export type Operator =
  | ComparisonOperator
  | "BETWEEN"
  | "CONTAINS"
  | "NOT CONTAINS"
  | "IS NULL"
  | "IS NOT NULL";

export type DateUnit = "d" | "w" | "m" | "y";

export type DateLiteral =
  | { kind: "absolute"; year: number; month: number; day: number }
  | { kind: "relative"; amount: number; unit: DateUnit };

export type ValueNode =
  | { kind: "number"; raw: string; value: number; span: Span }
  | { kind: "string"; value: string; span: Span }
  | { kind: "date"; raw: string; date: DateLiteral; span: Span }
  | { kind: "boolean"; value: boolean; span: Span }
  | { kind: "identifier"; name: string; span: Span };

export interface FunctionArgument {
  name: string;
  values: ValueNode[];
  span: Span;
}

export interface ConditionNode {
  kind: "condition";
  attribute: string;
  args: FunctionArgument[] | null;
  operator: Operator;
  values: ValueNode[];
  span: Span;
  attributeSpan: Span;
  operatorSpan: Span;
}

export interface AndNode {
  kind: "and";
  operands: RuleNode[];
  span: Span;
}

export interface OrNode {
  kind: "or";
  operands: RuleNode[];
  span: Span;
}

export interface NotNode {
  kind: "not";
  operand: RuleNode;
  span: Span;
}

export type RuleNode = AndNode | OrNode | NotNode | ConditionNode;

/** A problem in rule text, positioned for the editor, with an optional "did you mean" hint. */
export interface RuleError {
  message: string;
  line: number;
  column: number;
  offset: number;
  length: number;
  hint?: string;
}

/** Builds a RuleError at a span; the hint is appended to the message so it reads as one sentence. */
export function ruleError(span: Span, message: string, hint?: string): RuleError {
  return {
    message: hint ? `${message}, ${hint}` : message,
    line: span.line,
    column: span.column,
    offset: span.offset,
    length: Math.max(1, span.end - span.offset),
    ...(hint ? { hint } : {}),
  };
}

/** Thrown when an unchecked or invalid rule reaches the compiler or evaluator. */
export class InvalidRuleError extends Error {
  constructor(readonly errors: RuleError[]) {
    super(errors.map((e) => `${e.line}:${e.column} ${e.message}`).join("; "));
    this.name = "InvalidRuleError";
  }
}
