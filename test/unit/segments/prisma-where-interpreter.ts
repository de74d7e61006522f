/**
 * A tiny interpreter for the Prisma `where` operators the segment compiler emits, following SQL
 * semantics: comparisons with NULL are UNKNOWN (null here), NOT UNKNOWN is UNKNOWN, a row is
 * selected only when the whole where is TRUE, and `contains` is LIKE '%x%' with `_` and `%` live.
 * It deliberately shares no code with app/lib/segments.
 */
type Truth = boolean | null;
type Row = Record<string, unknown>;

function not3(value: Truth): Truth {
  return value === null ? null : !value;
}

function and3(values: Truth[]): Truth {
  if (values.some((v) => v === false)) return false;
  if (values.some((v) => v === null)) return null;
  return true;
}

function or3(values: Truth[]): Truth {
  if (values.some((v) => v === true)) return true;
  if (values.some((v) => v === null)) return null;
  return false;
}

function scalar(value: unknown): number | string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.getTime();
  if (typeof value === "number" || typeof value === "string") return value;
  throw new Error(`unsupported value ${String(value)}`);
}

function sqlLike(text: string, pattern: string): boolean {
  let source = "^";
  for (const char of pattern) {
    if (char === "%") source += ".*";
    else if (char === "_") source += ".";
    else source += char.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  }
  return new RegExp(`${source}$`, "su").test(text);
}

function compare(column: unknown, operator: string, operand: unknown): Truth {
  const left = scalar(column);
  const right = scalar(operand);
  if (left === null || right === null) return null;
  switch (operator) {
    case "equals":
      return left === right;
    case "gt":
      return left > right;
    case "gte":
      return left >= right;
    case "lt":
      return left < right;
    case "lte":
      return left <= right;
  }
  throw new Error(`unsupported comparison ${operator}`);
}

function fieldFilter(column: unknown, filter: unknown): Truth {
  if (filter === null) return column === null || column === undefined;
  if (typeof filter !== "object" || filter instanceof Date) return compare(column, "equals", filter);
  const parts: Truth[] = [];
  for (const [operator, operand] of Object.entries(filter as Record<string, unknown>)) {
    switch (operator) {
      case "equals":
      case "gt":
      case "gte":
      case "lt":
      case "lte":
        parts.push(compare(column, operator, operand));
        break;
      case "not":
        if (operand === null) parts.push(column !== null && column !== undefined);
        else {
          const inner = typeof operand === "object" && !(operand instanceof Date) ? fieldFilter(column, operand) : compare(column, "equals", operand);
          if (inner === null) notOverUnknown.field += 1;
          parts.push(not3(inner));
        }
        break;
      case "in":
      case "notIn": {
        if (column === null || column === undefined) {
          parts.push(null);
          break;
        }
        const found = (operand as unknown[]).some((item) => scalar(item) === scalar(column));
        parts.push(operator === "in" ? found : !found);
        break;
      }
      case "contains":
        parts.push(column === null || column === undefined ? null : sqlLike(String(column), `%${String(operand)}%`));
        break;
      default:
        throw new Error(`the interpreter does not know the filter operator ${operator}`);
    }
  }
  return and3(parts);
}

/**
 * Counts negations applied to UNKNOWN, where SQL and two-valued logic part ways: `where` for the
 * NOT key, `field` for a `not:` filter (harmless only inside an explicit `IS NULL OR` branch).
 */
export const notOverUnknown = { where: 0, field: 0 };

/** Three-valued result of a Prisma where on one row. */
export function interpretWhere(where: Record<string, unknown>, row: Row): Truth {
  const parts: Truth[] = [];
  for (const [key, value] of Object.entries(where)) {
    if (key === "AND") {
      const list = Array.isArray(value) ? value : [value];
      parts.push(and3(list.map((item) => interpretWhere(item as Record<string, unknown>, row))));
    } else if (key === "OR") {
      parts.push(or3((value as Record<string, unknown>[]).map((item) => interpretWhere(item, row))));
    } else if (key === "NOT") {
      const list = Array.isArray(value) ? value : [value];
      const inner = list.map((item) => interpretWhere(item as Record<string, unknown>, row));
      if (inner.includes(null)) notOverUnknown.where += 1;
      parts.push(and3(inner.map(not3)));
    } else {
      if (!(key in row)) throw new Error(`unknown column ${key}`);
      parts.push(fieldFilter(row[key], value));
    }
  }
  return and3(parts);
}

/** Whether a database would return the row for this where. */
export function selects(where: Record<string, unknown>, row: Row): boolean {
  return interpretWhere(where, row) === true;
}
