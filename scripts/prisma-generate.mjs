#!/usr/bin/env node
// Generates both Prisma clients (SQLite default and the PostgreSQL flavour). Each generate needs a
// DATABASE_URL of its own provider: otherwise the CLI hides the schema error and tries to download an engine.
import { execFileSync } from "node:child_process";

const run = (url, extra = []) =>
  execFileSync("npx", ["prisma", "generate", ...extra], { stdio: "inherit", env: { ...process.env, DATABASE_URL: url } });

execFileSync("node", ["scripts/prisma-flavour.mjs", "--check"], { stdio: "inherit" });
run("file:./prisma/dev.sqlite");
run("postgresql://localhost:5432/generate-only", ["--schema", "prisma/postgres/schema.prisma"]);
