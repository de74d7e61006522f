import { createRequire } from "node:module";
import { PrismaClient } from "@prisma/client";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import Database from "better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { env } from "~/env.server";

export type Db = PrismaClient;
export type DbFlavour = "sqlite" | "postgres";

export function flavourOf(url: string): DbFlavour {
  return /^postgres(ql)?:\/\//.test(url) ? "postgres" : "sqlite";
}

// A generated client is bound to one provider, so the PostgreSQL flavour is generated into its own
// folder (scripts/prisma-generate.mjs). Both expose the same API; the SQLite client's types serve both.
function postgresClientClass(): typeof PrismaClient {
  const require = createRequire(import.meta.url);
  return (require(".prisma/client-postgres") as { PrismaClient: typeof PrismaClient }).PrismaClient;
}

/** Builds a client for a DATABASE_URL; the driver adapter follows the URL's scheme. */
export function createPrismaClient(url: string, poolSize = 10): PrismaClient {
  if (flavourOf(url) === "postgres") {
    // Bounded pool and timeouts so a stalled database fails requests fast instead of piling them up.
    const adapter = new PrismaPg({
      connectionString: url,
      max: poolSize,
      connectionTimeoutMillis: 5_000,
      idleTimeoutMillis: 30_000,
      statement_timeout: 30_000,
    });
    const PostgresPrismaClient = postgresClientClass();
    return new PostgresPrismaClient({ adapter, errorFormat: "minimal" });
  }
  // A relative SQLite path is resolved against the working directory, as the Prisma CLI does.
  const file = url.replace(/^file:/, "");
  // WAL lets the web and worker processes read while the other writes; the mode persists in the file.
  if (file !== ":memory:") {
    const sqlite = new Database(file);
    sqlite.pragma("journal_mode = WAL");
    sqlite.close();
  }
  const adapter = new PrismaBetterSQLite3({ url: file, timeout: 5_000 });
  return new PrismaClient({ adapter, errorFormat: "minimal" });
}

declare global {
  var __shopkeeperPrisma: PrismaClient | undefined;
}

function getClient(): PrismaClient {
  // One client per process; the global survives Remix dev rebuilds.
  globalThis.__shopkeeperPrisma ??= createPrismaClient(env().DATABASE_URL, env().DATABASE_POOL_SIZE);
  return globalThis.__shopkeeperPrisma;
}

/** Replaces the process-wide client (tests give each file its own database). */
export function setPrismaClient(client: PrismaClient | undefined): void {
  globalThis.__shopkeeperPrisma = client;
}

const prisma = new Proxy({} as PrismaClient, {
  get(_target, property) {
    const client = getClient();
    const value = Reflect.get(client, property, client);
    return typeof value === "function" ? value.bind(client) : value;
  },
});

export default prisma;

/** True for a unique-constraint violation from either generated client (their error classes differ). */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "P2002";
}

type TransactionClient = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];

/**
 * Serialises work on the given keys until the surrounding transaction ends. PostgreSQL takes
 * transaction-scoped advisory locks (sorted, so two callers cannot deadlock); SQLite already admits
 * one writer at a time, so it needs nothing more.
 */
export async function lockKeys(tx: TransactionClient, keys: string[]): Promise<void> {
  if (flavourOf(env().DATABASE_URL) !== "postgres") return;
  for (const key of [...new Set(keys)].sort()) {
    await tx.$executeRawUnsafe("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", key);
  }
}

/**
 * Refreshes PostgreSQL's planner statistics after a bulk load. On a freshly created table the
 * foreign-key checks get planned as sequential scans and each batch then costs more than the last.
 */
export async function refreshPlannerStatistics(tables: string[]): Promise<void> {
  if (flavourOf(env().DATABASE_URL) !== "postgres") return;
  for (const table of tables) await prisma.$executeRawUnsafe(`ANALYZE "${table}"`);
}
