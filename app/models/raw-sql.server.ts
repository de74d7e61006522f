import { flavourOf } from "~/db.server";
import { env } from "~/env.server";

// Hot reads (every personalised storefront answer) go through $queryRawUnsafe: Prisma compiles each
// model query in its WebAssembly query compiler, which costs about 4 times a raw statement's whole
// round trip on SQLite (measured 530 µs against 130 µs of CPU for one primary-key read).

/** Whether this process's database is SQLite (else PostgreSQL), for dialect-specific SQL. */
export function usesSqlite(): boolean {
  return flavourOf(env().DATABASE_URL) === "sqlite";
}

/** `count` bound-parameter placeholders in the database's dialect: "?" for SQLite, "$n" from `first` for PostgreSQL. */
export function placeholders(count: number, first: number): string {
  const sqlite = usesSqlite();
  return Array.from({ length: count }, (_, i) => (sqlite ? "?" : `$${first + i}`)).join(", ");
}

/** A JSON column as stored: SQLite hands back its text, PostgreSQL the parsed value. */
export function jsonColumn(value: unknown): unknown {
  return typeof value === "string" ? JSON.parse(value) : value;
}
