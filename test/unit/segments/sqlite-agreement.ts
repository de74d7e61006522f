/**
 * Runs random segment rules against a real SQLite database (a fresh file from prisma/migrations)
 * and checks that compileRule's rows equal evaluateRule's answers, 240,000 checks in all.
 *   npm run check:segments-sqlite
 */
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import fc from "fast-check";
import { PrismaClient } from "@prisma/client";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { compileRule } from "~/lib/segments/compiler";
import { evaluateRule } from "~/lib/segments/evaluator";
import { parseRule } from "~/lib/segments/rule";
import { ARBITRARY_NOW, arbitraryCustomer, arbitraryRule, arbitraryTimeZone } from "./arbitraries";

const file = path.join(tmpdir(), `segments-agreement-${process.pid}.sqlite`);
rmSync(file, { force: true });
const db = new PrismaClient({ adapter: new PrismaBetterSQLite3({ url: file }) });
const migrations = path.resolve(import.meta.dirname, "../../../prisma/migrations");
for (const name of readdirSync(migrations).filter((entry) => /^\d/.test(entry)).sort()) {
  const sql = readFileSync(path.join(migrations, name, "migration.sql"), "utf8");
  for (const statement of sql.split(/;\s*\n/)) {
    const body = statement.replace(/^--.*$/gm, "").trim();
    if (body !== "") await db.$executeRawUnsafe(body);
  }
}

const customers = fc.sample(arbitraryCustomer, { numRuns: 400, seed: 3 });
const at = new Date("2024-01-01T00:00:00Z");
await db.customer.createMany({ data: customers.map((c, i) => ({ ...c, shop: "s.myshopify.com", id: `c${i}`, createdAt: at, updatedAt: at, firstOrderAt: c.firstOrderAt as Date | null, lastOrderAt: c.lastOrderAt as Date | null })) });
await db.customer.create({ data: { shop: "other.myshopify.com", id: "x", createdAt: at, updatedAt: at } });
const rows = await db.customer.findMany({ where: { shop: "s.myshopify.com" } });
let mismatches = 0;
const rules = fc.sample(fc.tuple(arbitraryRule, arbitraryTimeZone), { numRuns: 600, seed: 11 });
for (const [text, timeZone] of rules) {
  const r = parseRule(text);
  if (!r.ok) throw new Error(text);
  const clock = { now: ARBITRARY_NOW, timeZone };
  const found = new Set((await db.customer.findMany({ where: { AND: [{ shop: "s.myshopify.com" }, compileRule(r.ast, clock)] }, select: { id: true } })).map((x) => x.id));
  for (const row of rows) {
    if (evaluateRule(r.ast, row, clock) !== found.has(row.id)) {
      mismatches++;
      if (mismatches < 5) console.log("MISMATCH", text, timeZone, JSON.stringify(row), found.has(row.id));
    }
  }
}
console.log(`rules ${rules.length}, customers ${rows.length}, mismatches ${mismatches}`);
await db.$disconnect();
rmSync(file, { force: true });
process.exitCode = mismatches === 0 ? 0 : 1;
