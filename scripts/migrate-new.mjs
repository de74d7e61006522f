#!/usr/bin/env node
// Creates a migration for both providers by diffing the committed schema (HEAD) against the working one,
// so no shadow database is needed. Usage: npm run db:migrate:new -- <name>
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync, mkdirSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error("usage: npm run db:migrate:new -- <snake_case_name>");
  process.exit(2);
}
const root = path.resolve(import.meta.dirname, "..");
execFileSync("node", [path.join(root, "scripts/prisma-flavour.mjs")], { stdio: "inherit" });
const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
const tmp = mkdtempSync(path.join(tmpdir(), "migrate-"));

for (const flavour of [
  { schema: "prisma/schema.prisma", dir: "prisma/migrations", url: "file:./prisma/dev.sqlite" },
  { schema: "prisma/postgres/schema.prisma", dir: "prisma/postgres/migrations", url: process.env.PG_DEV_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres" },
]) {
  let from = "--from-empty";
  const args = [];
  // The first migration of a history starts from empty; later ones diff against the committed schema.
  if (existsSync(path.join(root, flavour.dir, "migration_lock.toml"))) {
    let previous = "";
    try {
      previous = execFileSync("git", ["show", `HEAD:${flavour.schema}`], { cwd: root, encoding: "utf8" });
    } catch {
      previous = "";
    }
    if (previous) {
      const prevFile = path.join(tmp, path.basename(flavour.dir) + ".prisma");
      writeFileSync(prevFile, previous);
      from = "--from-schema-datamodel";
      args.push(prevFile);
    }
  }
  const out = path.join(root, flavour.dir, `${stamp}_${name}`);
  mkdirSync(out, { recursive: true });
  execFileSync(
    "npx",
    ["prisma", "migrate", "diff", from, ...args, "--to-schema-datamodel", flavour.schema, "--script", "-o", path.join(out, "migration.sql")],
    { cwd: root, stdio: "inherit", env: { ...process.env, DATABASE_URL: flavour.url } },
  );
  const lock = path.join(root, flavour.dir, "migration_lock.toml");
  if (!existsSync(lock))
    writeFileSync(lock, `provider = "${flavour.url.startsWith("file:") ? "sqlite" : "postgresql"}"\n`);
}
console.log(`created migrations ${stamp}_${name}`);
