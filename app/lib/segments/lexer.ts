import { ruleError, type DateLiteral, type DateUnit, type RuleError, type Span } from "~/lib/segments/ast";

export type TokenType =
  | "identifier"
  | "number"
  | "string"
  | "date"
  | "operator"
  | "lparen"
  | "rparen"
  | "comma"
  | "colon"
  | "eof";

export interface Token {
  type: TokenType;
  text: string;
  span: Span;
  /** Decoded string contents, for "string" tokens. */
  stringValue?: string;
  /** Parsed date, for "date" tokens (absolute, relative and N_days_ago forms). */
  date?: DateLiteral;
}

const NAMED_OFFSET = /^(\d+)_(day|days|week|weeks|month|months|year|years)_ago/;
const RELATIVE = /^([+-])(\d+)([dwmy])(?![A-Za-z0-9_])/;
const ABSOLUTE = /^(\d{4})-(\d{2})-(\d{2})(?![A-Za-z0-9_])/;
const NUMBER = /^-?\d+(\.\d+)?(?![A-Za-z0-9_])/;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*/;
const OPERATORS = ["!=", ">=", "<=", "<>", "=", ">", "<"];

/** Splits rule text into tokens; stops at the first character it cannot read. */
export function tokenize(text: string): { tokens: Token[]; errors: RuleError[] } {
  const tokens: Token[] = [];
  let offset = 0;
  let line = 1;
  let lineStart = 0;

  const spanOf = (start: number, end: number): Span => ({ line, column: start - lineStart + 1, offset: start, end });

  while (offset < text.length) {
    const char = text[offset];
    if (char === "\n") {
      offset++;
      line++;
      lineStart = offset;
      continue;
    }
    if (/\s/.test(char)) {
      offset++;
      continue;
    }
    const rest = text.slice(offset);
    let match: RegExpMatchArray | null;

    if (char === "'" || char === '"') {
      let end = offset + 1;
      let value = "";
      let closed = false;
      while (end < text.length) {
        const c = text[end];
        if (c === "\\" && end + 1 < text.length) {
          value += text[end + 1];
          end += 2;
          continue;
        }
        if (c === char) {
          closed = true;
          end++;
          break;
        }
        if (c === "\n") break;
        value += c;
        end++;
      }
      if (!closed) {
        return { tokens, errors: [ruleError(spanOf(offset, end), `unterminated string: add a closing ${char}`)] };
      }
      tokens.push({ type: "string", text: text.slice(offset, end), span: spanOf(offset, end), stringValue: value });
      offset = end;
      continue;
    }
    if ((match = rest.match(ABSOLUTE))) {
      const date: DateLiteral = { kind: "absolute", year: +match[1], month: +match[2], day: +match[3] };
      tokens.push({ type: "date", text: match[0], span: spanOf(offset, offset + match[0].length), date });
      offset += match[0].length;
      continue;
    }
    if ((match = rest.match(/^\d{4}-\d{1,2}-\d{1,2}(?![\d])/))) {
      const [year, month, day] = match[0].split("-");
      const fixed = `${year}-${month.padStart(2, "0")}-${day.padStart(2, "0")}`;
      return { tokens, errors: [ruleError(spanOf(offset, offset + match[0].length), `write dates as YYYY-MM-DD: \`${match[0]}\``, `did you mean \`${fixed}\`?`)] };
    }
    if ((match = rest.match(RELATIVE))) {
      const amount = (match[1] === "-" ? -1 : 1) * Number(match[2]);
      const date: DateLiteral = { kind: "relative", amount, unit: match[3] as DateUnit };
      tokens.push({ type: "date", text: match[0], span: spanOf(offset, offset + match[0].length), date });
      offset += match[0].length;
      continue;
    }
    if ((match = rest.match(NAMED_OFFSET)) && !/[A-Za-z0-9_]/.test(rest[match[0].length] ?? "")) {
      const unit = match[2][0] as DateUnit;
      const date: DateLiteral = { kind: "relative", amount: -Number(match[1]), unit };
      tokens.push({ type: "date", text: match[0], span: spanOf(offset, offset + match[0].length), date });
      offset += match[0].length;
      continue;
    }
    if ((match = rest.match(NUMBER))) {
      tokens.push({ type: "number", text: match[0], span: spanOf(offset, offset + match[0].length) });
      offset += match[0].length;
      continue;
    }
    if ((match = rest.match(IDENTIFIER))) {
      tokens.push({ type: "identifier", text: match[0], span: spanOf(offset, offset + match[0].length) });
      offset += match[0].length;
      continue;
    }
    const operator = OPERATORS.find((op) => rest.startsWith(op));
    if (operator) {
      if (operator === "<>") {
        return { tokens, errors: [ruleError(spanOf(offset, offset + 2), "unknown operator `<>`", "did you mean `!=`?")] };
      }
      tokens.push({ type: "operator", text: operator, span: spanOf(offset, offset + operator.length) });
      offset += operator.length;
      continue;
    }
    const punctuation: Record<string, TokenType> = { "(": "lparen", ")": "rparen", ",": "comma", ":": "colon" };
    if (punctuation[char]) {
      tokens.push({ type: punctuation[char], text: char, span: spanOf(offset, offset + 1) });
      offset++;
      continue;
    }
    if (/^\d+[dwmy](?![A-Za-z0-9_])/.test(rest)) {
      const word = rest.match(/^\d+[dwmy]/)![0];
      return {
        tokens,
        errors: [ruleError(spanOf(offset, offset + word.length), `a relative date needs a sign: \`${word}\``, `did you mean \`-${word}\`?`)],
      };
    }
    return { tokens, errors: [ruleError(spanOf(offset, offset + 1), `unexpected character \`${char}\``)] };
  }
  tokens.push({ type: "eof", text: "", span: spanOf(offset, offset) });
  return { tokens, errors: [] };
}
