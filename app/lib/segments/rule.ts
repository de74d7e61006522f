import { InvalidRuleError, type RuleError, type RuleNode } from "~/lib/segments/ast";
import { checkRule } from "~/lib/segments/checker";
import { parseSyntax } from "~/lib/segments/parser";

const checkedRules = new WeakSet<RuleNode>();

export type ParseResult = { ok: true; ast: RuleNode } | { ok: false; errors: RuleError[] };

/** Parses and type-checks rule text; errors carry line, column and a "did you mean" hint. */
export function parseRule(text: string): ParseResult {
  const syntax = parseSyntax(text);
  if (syntax.ast === null) return { ok: false, errors: syntax.errors };
  const errors = checkRule(syntax.ast);
  if (errors.length > 0) return { ok: false, errors };
  checkedRules.add(syntax.ast);
  return { ok: true, ast: syntax.ast };
}

/** Throws InvalidRuleError unless the tree came from parseRule or passes checkRule now. */
export function assertCheckedRule(ast: RuleNode): void {
  if (checkedRules.has(ast)) return;
  const errors = checkRule(ast);
  if (errors.length > 0) throw new InvalidRuleError(errors);
  checkedRules.add(ast);
}
