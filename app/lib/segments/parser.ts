import {
  ruleError,
  type ConditionNode,
  type FunctionArgument,
  type Operator,
  type RuleError,
  type RuleNode,
  type Span,
  type ValueNode,
} from "~/lib/segments/ast";
import { tokenize, type Token } from "~/lib/segments/lexer";
import { didYouMean } from "~/lib/segments/suggest";

const KEYWORDS = ["AND", "OR", "NOT", "BETWEEN", "CONTAINS", "IS", "NULL"];
const OPERATOR_WORDS = ["CONTAINS", "BETWEEN", "IS", "NOT"];

class RuleSyntaxError extends Error {
  constructor(readonly error: RuleError) {
    super(error.message);
  }
}

function describeToken(token: Token): string {
  return token.type === "eof" ? "the end of the rule" : `\`${token.text}\``;
}

function join(a: Span, b: Span): Span {
  return { line: a.line, column: a.column, offset: a.offset, end: b.end };
}

/** Deeper nesting is a positioned error rather than a stack overflow; no useful rule comes close. */
export const MAX_RULE_NESTING = 100;

class Parser {
  private index = 0;
  private depth = 0;
  constructor(private readonly tokens: Token[]) {}

  private enter(token: Token): void {
    this.depth += 1;
    if (this.depth > MAX_RULE_NESTING) this.fail(token, `the rule nests parentheses or NOT more than ${MAX_RULE_NESTING} levels deep`);
  }

  private peek(): Token {
    return this.tokens[this.index];
  }

  private previousEnd(): Span {
    return this.tokens[Math.max(0, this.index - 1)].span;
  }

  private isKeyword(word: string, token: Token = this.peek()): boolean {
    return token.type === "identifier" && token.text.toUpperCase() === word;
  }

  private fail(token: Token, message: string, hint?: string): never {
    throw new RuleSyntaxError(ruleError(token.span, message, hint));
  }

  parseRule(): RuleNode {
    if (this.peek().type === "eof") this.fail(this.peek(), "the rule is empty: add a condition such as `number_of_orders > 1`");
    const node = this.parseOr();
    if (this.peek().type !== "eof") {
      const token = this.peek();
      if (token.type === "rparen") this.fail(token, "unexpected `)` with no matching `(`");
      const hint = token.type === "identifier" ? didYouMean(token.text.toUpperCase(), ["AND", "OR"]) : undefined;
      this.fail(token, `expected AND, OR or the end of the rule, found ${describeToken(token)}`, hint);
    }
    return node;
  }

  private parseOr(): RuleNode {
    const first = this.parseAnd();
    const operands = [first];
    while (this.isKeyword("OR")) {
      this.index++;
      operands.push(this.parseAnd());
    }
    if (operands.length === 1) return first;
    return { kind: "or", operands, span: join(first.span, operands[operands.length - 1].span) };
  }

  private parseAnd(): RuleNode {
    const first = this.parseNot();
    const operands = [first];
    while (this.isKeyword("AND")) {
      this.index++;
      operands.push(this.parseNot());
    }
    if (operands.length === 1) return first;
    return { kind: "and", operands, span: join(first.span, operands[operands.length - 1].span) };
  }

  private parseNot(): RuleNode {
    if (this.isKeyword("NOT")) {
      const start = this.peek().span;
      this.enter(this.peek());
      this.index++;
      const operand = this.parseNot();
      this.depth -= 1;
      return { kind: "not", operand, span: join(start, operand.span) };
    }
    return this.parsePrimary();
  }

  private parsePrimary(): RuleNode {
    const token = this.peek();
    if (token.type === "lparen") {
      this.enter(token);
      this.index++;
      const inner = this.parseOr();
      this.depth -= 1;
      if (this.peek().type !== "rparen") {
        this.fail(this.peek(), `expected \`)\` to close the \`(\` at line ${token.span.line}, column ${token.span.column}, found ${describeToken(this.peek())}`);
      }
      this.index++;
      return inner;
    }
    return this.parseCondition();
  }

  private parseCondition(): ConditionNode {
    const attributeToken = this.peek();
    if (attributeToken.type !== "identifier" || KEYWORDS.includes(attributeToken.text.toUpperCase())) {
      this.fail(attributeToken, `expected an attribute such as \`amount_spent\`, found ${describeToken(attributeToken)}`);
    }
    this.index++;
    let args: FunctionArgument[] | null = null;
    if (this.peek().type === "lparen") args = this.parseArguments();

    const operatorToken = this.peek();
    let operator: Operator;
    let values: ValueNode[] = [];
    if (operatorToken.type === "operator") {
      operator = operatorToken.text as Operator;
      this.index++;
      values = [this.parseValue(operatorToken)];
    } else if (this.isKeyword("BETWEEN")) {
      operator = "BETWEEN";
      this.index++;
      const low = this.parseValue(operatorToken);
      if (!this.isKeyword("AND")) this.fail(this.peek(), `expected AND between the two BETWEEN values, found ${describeToken(this.peek())}`);
      const andToken = this.peek();
      this.index++;
      values = [low, this.parseValue(andToken)];
    } else if (this.isKeyword("CONTAINS")) {
      operator = "CONTAINS";
      this.index++;
      values = [this.parseValue(operatorToken)];
    } else if (this.isKeyword("NOT") && this.isKeyword("CONTAINS", this.tokens[this.index + 1])) {
      operator = "NOT CONTAINS";
      this.index += 2;
      values = [this.parseValue(this.tokens[this.index - 1])];
    } else if (this.isKeyword("IS")) {
      this.index++;
      let negated = false;
      if (this.isKeyword("NOT")) {
        negated = true;
        this.index++;
      }
      if (!this.isKeyword("NULL")) this.fail(this.peek(), `expected NULL after IS${negated ? " NOT" : ""}, found ${describeToken(this.peek())}`);
      this.index++;
      operator = negated ? "IS NOT NULL" : "IS NULL";
    } else {
      const hint = operatorToken.type === "identifier" ? didYouMean(operatorToken.text.toUpperCase(), OPERATOR_WORDS) : undefined;
      this.fail(
        operatorToken,
        `expected an operator (=, !=, >, >=, <, <=, BETWEEN, CONTAINS, NOT CONTAINS, IS NULL) after \`${attributeToken.text}\`, found ${describeToken(operatorToken)}`,
        hint,
      );
    }
    return {
      kind: "condition",
      attribute: attributeToken.text.toLowerCase(),
      args,
      operator,
      values,
      span: join(attributeToken.span, this.previousEnd()),
      attributeSpan: attributeToken.span,
      operatorSpan: join(operatorToken.span, this.previousEnd()),
    };
  }

  private parseArguments(): FunctionArgument[] {
    const open = this.peek();
    this.index++;
    const args: FunctionArgument[] = [];
    if (this.peek().type === "rparen") {
      this.index++;
      return args;
    }
    for (;;) {
      const name = this.peek();
      if (name.type !== "identifier") this.fail(name, `expected a parameter name such as \`id\`, found ${describeToken(name)}`);
      this.index++;
      if (this.peek().type !== "colon") this.fail(this.peek(), `expected \`:\` after \`${name.text}\`, found ${describeToken(this.peek())}`);
      const colon = this.peek();
      this.index++;
      const values: ValueNode[] = [];
      if (this.peek().type === "lparen") {
        this.index++;
        values.push(this.parseValue(colon));
        while (this.peek().type === "comma") {
          const comma = this.peek();
          this.index++;
          values.push(this.parseValue(comma));
        }
        if (this.peek().type !== "rparen") this.fail(this.peek(), `expected \`,\` or \`)\` in the list of values, found ${describeToken(this.peek())}`);
        this.index++;
      } else {
        values.push(this.parseValue(colon));
      }
      args.push({ name: name.text.toLowerCase(), values, span: join(name.span, this.previousEnd()) });
      if (this.peek().type === "comma") {
        this.index++;
        continue;
      }
      if (this.peek().type === "rparen") {
        this.index++;
        return args;
      }
      this.fail(this.peek(), `expected \`,\` or \`)\` to close the \`(\` at column ${open.span.column}, found ${describeToken(this.peek())}`);
    }
  }

  private parseValue(after: Token): ValueNode {
    const token = this.peek();
    const span = token.span;
    switch (token.type) {
      case "number":
        this.index++;
        return { kind: "number", raw: token.text, value: Number(token.text), span };
      case "string":
        this.index++;
        return { kind: "string", value: token.stringValue ?? "", span };
      case "date":
        this.index++;
        return { kind: "date", raw: token.text, date: token.date!, span };
      case "identifier": {
        const upper = token.text.toUpperCase();
        if (upper === "AND" || upper === "OR" || upper === "NULL") break;
        this.index++;
        if (upper === "TRUE" || upper === "FALSE") return { kind: "boolean", value: upper === "TRUE", span };
        if (upper === "TODAY") return { kind: "date", raw: token.text, date: { kind: "relative", amount: 0, unit: "d" }, span };
        if (upper === "YESTERDAY") return { kind: "date", raw: token.text, date: { kind: "relative", amount: -1, unit: "d" }, span };
        return { kind: "identifier", name: token.text, span };
      }
      default:
        break;
    }
    this.fail(token, `expected a value after \`${after.text}\`, found ${describeToken(token)}`);
  }
}

/** Parses rule text into an unchecked syntax tree, or the first syntax error with its position. */
export function parseSyntax(text: string): { ast: RuleNode; errors: [] } | { ast: null; errors: RuleError[] } {
  const { tokens, errors } = tokenize(text);
  if (errors.length > 0) return { ast: null, errors };
  try {
    return { ast: new Parser(tokens).parseRule(), errors: [] };
  } catch (error) {
    if (error instanceof RuleSyntaxError) return { ast: null, errors: [error.error] };
    throw error;
  }
}
