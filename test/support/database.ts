import { readdirSync, readFileSync, rmSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { createPrismaClient, flavourOf, type Db, type DbFlavour } from "~/db.server";

const root = path.resolve(import.meta.dirname, "..", "..");
export const PG_ADMIN_URL = process.env.TEST_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

function migrationScripts(flavour: DbFlavour): string[] {
  const dir = path.join(root, "prisma", ...(flavour === "postgres" ? ["postgres"] : []), "migrations");
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()
    .map((name) => readFileSync(path.join(dir, name, "migration.sql"), "utf8"));
}

export interface TestDatabase {
  flavour: DbFlavour;
  url: string;
  prisma: Db;
  drop(): Promise<void>;
}

/** A fresh, fully migrated database of the given flavour, owned by one test file. */
export async function createTestDatabase(flavour: DbFlavour): Promise<TestDatabase> {
  const suffix = randomBytes(6).toString("hex");
  if (flavour === "sqlite") {
    const file = path.join(tmpdir(), `shopkeeper-test-${suffix}.sqlite`);
    const sqlite = new Database(file);
    sqlite.pragma("journal_mode = WAL");
    for (const script of migrationScripts("sqlite")) sqlite.exec(script);
    sqlite.close();
    const url = `file:${file}`;
    const prisma = createPrismaClient(url);
    return {
      flavour,
      url,
      prisma,
      async drop() {
        await prisma.$disconnect();
        for (const ext of ["", "-wal", "-shm"]) rmSync(file + ext, { force: true });
      },
    };
  }
  const name = `sk_test_${suffix}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = PG_ADMIN_URL.replace(/\/[^/?]*(\?|$)/, `/${name}$1`);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  for (const script of migrationScripts("postgres")) await client.query(script);
  await client.end();
  const prisma = createPrismaClient(url, 5);
  return {
    flavour,
    url,
    prisma,
    async drop() {
      await prisma.$disconnect();
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export function testFlavour(): DbFlavour {
  return flavourOf(process.env.DATABASE_URL ?? "file:") === "postgres" || process.env.TEST_DB === "postgres" ? "postgres" : "sqlite";
}
