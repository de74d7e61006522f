// Shopify's search syntax, the subset apps use for incremental sync: `field:value`, `field:>value`,
// `field:>=value`, `field:<value`, quoted values, `-field:value`/`NOT field:value`, free text.
// Terms are ANDed (`AND` is accepted); `OR` is not supported and is treated like AND.
export interface SearchTerm {
  field: string | null;
  op: "=" | ">" | ">=" | "<" | "<=";
  value: string;
  negate: boolean;
}

const TERM = /(-|NOT\s+)?(?:(\w+):(>=|<=|>|<)?)?('([^']*)'|"([^"]*)"|[^\s()]+)/g;

/** Parses a Shopify search query string into ANDed terms. */
export function parseSearchQuery(query: string | null | undefined): SearchTerm[] {
  if (!query) return [];
  const terms: SearchTerm[] = [];
  for (const match of query.matchAll(TERM)) {
    const [, negation, field, op, raw, singleQuoted, doubleQuoted] = match;
    const value = singleQuoted ?? doubleQuoted ?? raw;
    if (!field && (value === "AND" || value === "OR")) continue;
    terms.push({ field: field ? field.toLowerCase() : null, op: (op as SearchTerm["op"]) ?? "=", value, negate: Boolean(negation) });
  }
  return terms;
}

export type FieldValue = string | number | boolean | null | string[];
export type FieldKind = "date" | "number" | "text" | "list";
export interface SearchField<T> {
  kind: FieldKind;
  get: (item: T) => FieldValue;
}

/** Builds a predicate for a resource from its searchable fields; unknown fields are ignored, as Shopify does. */
export function searchPredicate<T>(
  query: string | null | undefined,
  fields: Record<string, SearchField<T>>,
  freeText: (item: T) => string,
): (item: T) => boolean {
  const checks: ((item: T) => boolean)[] = [];
  for (const term of parseSearchQuery(query)) {
    let check: ((item: T) => boolean) | null = null;
    if (term.field === null) {
      const needle = term.value.toLowerCase();
      check = (item) => freeText(item).toLowerCase().includes(needle);
    } else {
      const field = fields[term.field];
      if (!field) continue;
      check = fieldCheck(field, term);
    }
    checks.push(term.negate ? (item) => !check!(item) : check);
  }
  return (item) => checks.every((check) => check(item));
}

function fieldCheck<T>(field: SearchField<T>, term: SearchTerm): (item: T) => boolean {
  const compare = (a: number | string, b: number | string): boolean => {
    switch (term.op) {
      case ">": return a > b;
      case ">=": return a >= b;
      case "<": return a < b;
      case "<=": return a <= b;
      default: return a === b;
    }
  };
  if (field.kind === "date") {
    const wanted = Date.parse(term.value);
    if (Number.isNaN(wanted)) return () => false;
    return (item) => {
      const value = field.get(item);
      return typeof value === "string" && compare(Date.parse(value), wanted);
    };
  }
  if (field.kind === "number") {
    const wanted = Number(term.value);
    return (item) => {
      const value = field.get(item);
      return typeof value === "number" && compare(value, wanted);
    };
  }
  const wanted = term.value.toLowerCase();
  if (field.kind === "list") {
    return (item) => {
      const value = field.get(item);
      return Array.isArray(value) && value.some((v) => v.toLowerCase() === wanted);
    };
  }
  return (item) => {
    const value = field.get(item);
    if (value === null || value === undefined) return false;
    const text = String(value).toLowerCase();
    if (term.op !== "=") return compare(text, wanted);
    // A trailing * is a prefix search in Shopify's syntax.
    return wanted.endsWith("*") ? text.startsWith(wanted.slice(0, -1)) : text === wanted;
  };
}
