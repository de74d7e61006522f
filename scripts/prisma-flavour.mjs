#!/usr/bin/env node
// prisma/schema.prisma (SQLite) is the single source; the PostgreSQL flavour is generated from it.
// `--check` fails when the generated file or the two migration histories have drifted apart.
import { readFileSync, writeFileSync, mkdirSync, existsSync, readdirSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const source = path.join(root, "prisma", "schema.prisma");
const target = path.join(root, "prisma", "postgres", "schema.prisma");
const header = "// GENERATED from prisma/schema.prisma by scripts/prisma-flavour.mjs. Do not edit.\n";

const sqlite = readFileSync(source, "utf8");
if (!/provider\s*=\s*"sqlite"/.test(sqlite)) throw new Error("prisma/schema.prisma must use provider sqlite");
// The PostgreSQL client is generated beside the default (SQLite) one, so one install serves both
// databases and app/db.server.ts picks the client that matches DATABASE_URL at run time.
const postgres =
  header +
  sqlite
    .replace(/provider\s*=\s*"sqlite"/, 'provider = "postgresql"')
    .replace(/(provider\s*=\s*"prisma-client-js")/, '$1\n  output     = "../../node_modules/.prisma/client-postgres"');

const migrationNames = (dir) =>
  existsSync(dir) ? readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort() : [];

if (process.argv.includes("--check")) {
  const problems = [];
  if (!existsSync(target) || readFileSync(target, "utf8") !== postgres)
    problems.push("prisma/postgres/schema.prisma is stale: run `npm run prisma:flavour`");
  const a = migrationNames(path.join(root, "prisma", "migrations"));
  const b = migrationNames(path.join(root, "prisma", "postgres", "migrations"));
  if (a.join() !== b.join())
    problems.push(`migration histories differ:\n  sqlite:   ${a.join(", ")}\n  postgres: ${b.join(", ")}`);
  if (problems.length) {
    console.error(problems.join("\n"));
    process.exit(1);
  }
  console.log(`schema flavours in step (${a.length} migrations each)`);
} else {
  mkdirSync(path.dirname(target), { recursive: true });
  writeFileSync(target, postgres);
  console.log("wrote prisma/postgres/schema.prisma");
}
