#!/usr/bin/env node
// Runs Shopify Theme Check in-process on a theme app extension and exits 1 when it finds errors.
// Usage: node scripts/theme-check.mjs <extension-dir>
import path from "node:path";
import { pathToFileURL } from "node:url";
import { themeCheckRun, Severity } from "@shopify/theme-check-node";

const SEVERITY_NAME = { [Severity.ERROR]: "error", [Severity.WARNING]: "warning", [Severity.INFO]: "info" };

/** Runs Theme Check on `dir` (its .theme-check.yml is picked up) and returns the offenses. */
export async function runThemeCheck(dir) {
  const root = path.resolve(dir);
  const { offenses } = await themeCheckRun(root, undefined, () => {});
  return offenses.map((o) => ({
    check: o.check,
    severity: SEVERITY_NAME[o.severity] ?? String(o.severity),
    file: path.relative(root, new URL(o.uri).pathname),
    line: o.start.line + 1,
    message: o.message,
  }));
}

async function main() {
  const dir = process.argv[2];
  if (!dir) {
    console.error("usage: node scripts/theme-check.mjs <extension-dir>");
    process.exit(2);
  }
  const offenses = await runThemeCheck(dir);
  for (const o of offenses) console.log(`${o.file}:${o.line} [${o.severity}] ${o.check}: ${o.message}`);
  const errors = offenses.filter((o) => o.severity === "error").length;
  console.log(`theme check: ${errors} error(s), ${offenses.length - errors} other offense(s) in ${dir}`);
  process.exit(errors > 0 ? 1 : 0);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
