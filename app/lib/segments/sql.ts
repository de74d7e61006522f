import type { Prisma } from "@prisma/client";

type Where = Prisma.CustomerWhereInput;

/** A SQL fragment with its bound values, numbered for the dialect. */
export interface SqlFragment {
  sql: string;
  params: unknown[];
}

export interface SqlOptions {
  dialect: "sqlite" | "postgres";
  /** Bound values are appended here; placeholders number on from its length. */
  params?: unknown[];
  /** How a Date is bound: the text the Prisma SQLite adapter stores, or an ISO string for PostgreSQL. */
  encodeDate: (date: Date) => string;
}

const COLUMN = /^[A-Za-z][A-Za-z0-9]*$/;

/** Thrown for a where this translator does not cover; callers fall back to Prisma. */
export class UnsupportedWhereError extends Error {}

/**
 * Translates the subset of Prisma `CustomerWhereInput` that compileRule emits (AND, OR, NOT,
 * equality, null checks, bounds, `contains`, `in`, `notIn`) into SQL with the meaning Prisma gives
 * it on each database: `not: v` is `<> v` (so NULL rows drop out), `contains` is an unescaped
 * `LIKE '%v%'`. Used to aggregate matching ids inside the database instead of row by row.
 */
export function whereToSql(where: Where, options: SqlOptions): SqlFragment {
  const params = options.params ?? [];
  const bind = (value: unknown, cast?: string): string => {
    if (value instanceof Date) {
      params.push(options.encodeDate(value));
      return options.dialect === "postgres" ? `$${params.length}::timestamp(3)` : "?";
    }
    if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") throw new UnsupportedWhereError(`value ${String(value)}`);
    params.push(value);
    return options.dialect === "postgres" ? `$${params.length}${cast ?? ""}` : "?";
  };

  const column = (name: string) => {
    if (!COLUMN.test(name)) throw new UnsupportedWhereError(`column ${name}`);
    return `"${name}"`;
  };

  const filter = (name: string, value: unknown): string[] => {
    const col = column(name);
    if (value === null) return [`${col} IS NULL`];
    if (typeof value !== "object" || value instanceof Date) return [`${col} = ${bind(value)}`];
    const parts: string[] = [];
    for (const [op, operand] of Object.entries(value as Record<string, unknown>)) {
      switch (op) {
        case "equals":
          parts.push(operand === null ? `${col} IS NULL` : `${col} = ${bind(operand)}`);
          break;
        case "not":
          if (operand !== null && typeof operand === "object" && !(operand instanceof Date)) throw new UnsupportedWhereError("nested not");
          parts.push(operand === null ? `${col} IS NOT NULL` : `${col} <> ${bind(operand)}`);
          break;
        case "gt":
        case "gte":
        case "lt":
        case "lte": {
          const symbol = { gt: ">", gte: ">=", lt: "<", lte: "<=" }[op];
          parts.push(`${col} ${symbol} ${bind(operand)}`);
          break;
        }
        case "contains":
          if (typeof operand !== "string") throw new UnsupportedWhereError("contains");
          parts.push(`${col} LIKE ${bind(`%${operand}%`, "::text")}`);
          break;
        case "in":
        case "notIn": {
          if (!Array.isArray(operand)) throw new UnsupportedWhereError(op);
          if (operand.length === 0) {
            parts.push(op === "in" ? "1 = 0" : "1 = 1");
            break;
          }
          const list = operand.map((item) => bind(item)).join(", ");
          parts.push(`${col} ${op === "in" ? "IN" : "NOT IN"} (${list})`);
          break;
        }
        default:
          throw new UnsupportedWhereError(`operator ${op}`);
      }
    }
    return parts;
  };

  const node = (input: Where): string => {
    const parts: string[] = [];
    for (const [key, value] of Object.entries(input)) {
      if (value === undefined) continue;
      if (key === "AND") {
        const list = (Array.isArray(value) ? value : [value]) as Where[];
        parts.push(list.length === 0 ? "1 = 1" : `(${list.map(node).join(" AND ")})`);
      } else if (key === "OR") {
        const list = value as Where[];
        parts.push(list.length === 0 ? "1 = 0" : `(${list.map(node).join(" OR ")})`);
      } else if (key === "NOT") {
        const list = (Array.isArray(value) ? value : [value]) as Where[];
        parts.push(...list.map((item) => `NOT (${node(item)})`));
      } else {
        parts.push(...filter(key, value));
      }
    }
    return parts.length === 0 ? "1 = 1" : parts.length === 1 ? parts[0] : `(${parts.join(" AND ")})`;
  };

  return { sql: node(where), params };
}
