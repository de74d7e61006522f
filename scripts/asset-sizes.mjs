#!/usr/bin/env node
// Prints raw and gzip sizes of a theme extension's assets, and the JavaScript each block loads.
// Exits 1 when any JS asset, or the JS a single block pulls in, exceeds the gzip budget.
// Usage: node scripts/asset-sizes.mjs [extension-dir]
import { readFileSync, readdirSync, existsSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { pathToFileURL } from "node:url";

export const JS_GZIP_BUDGET = 10 * 1024;
export const CSS_GZIP_BUDGET = 4 * 1024;

const ASSET_REF = /['"]([\w.-]+\.(?:js|css))['"]\s*\|\s*asset_url/g;
const RENDER_REF = /\{%-?\s*render\s+['"]([\w-]+)['"]/g;

function sizeOf(file) {
  const buf = readFileSync(file);
  return { raw: buf.length, gzip: gzipSync(buf, { level: 9 }).length };
}

function referencedAssets(dir, liquidFile, seen = new Set()) {
  if (seen.has(liquidFile) || !existsSync(liquidFile)) return new Set();
  seen.add(liquidFile);
  const source = readFileSync(liquidFile, "utf8");
  const assets = new Set([...source.matchAll(ASSET_REF)].map((m) => m[1]));
  for (const [, snippet] of source.matchAll(RENDER_REF)) {
    for (const a of referencedAssets(dir, path.join(dir, "snippets", `${snippet}.liquid`), seen)) assets.add(a);
  }
  return assets;
}

/** Measures every asset and, per block, the total gzip size of the JS files it references. */
export function measureAssets(dir) {
  const assetDir = path.join(dir, "assets");
  const assets = readdirSync(assetDir).sort().map((name) => ({ name, ...sizeOf(path.join(assetDir, name)) }));
  const byName = new Map(assets.map((a) => [a.name, a]));
  const blockDir = path.join(dir, "blocks");
  const blocks = readdirSync(blockDir).filter((f) => f.endsWith(".liquid")).sort().map((file) => {
    const js = [...referencedAssets(dir, path.join(blockDir, file))].filter((a) => a.endsWith(".js"));
    return { name: file, js, jsGzip: js.reduce((sum, a) => sum + (byName.get(a)?.gzip ?? 0), 0) };
  });
  const problems = [
    ...assets.filter((a) => a.name.endsWith(".js") && a.gzip > JS_GZIP_BUDGET).map((a) => `${a.name}: ${a.gzip} B gzip > ${JS_GZIP_BUDGET} B`),
    ...assets.filter((a) => a.name.endsWith(".css") && a.gzip > CSS_GZIP_BUDGET).map((a) => `${a.name}: ${a.gzip} B gzip > ${CSS_GZIP_BUDGET} B`),
    ...blocks.filter((b) => b.jsGzip > JS_GZIP_BUDGET).map((b) => `${b.name} loads ${b.jsGzip} B of JS gzip > ${JS_GZIP_BUDGET} B`),
    ...blocks.flatMap((b) => b.js.filter((a) => !byName.has(a)).map((a) => `${b.name} references missing asset ${a}`)),
  ];
  return { assets, blocks, problems };
}

function main() {
  const dir = path.resolve(process.argv[2] ?? "extensions/shopkeeper-theme");
  const { assets, blocks, problems } = measureAssets(dir);
  console.log("asset                         raw B   gzip B");
  for (const a of assets) console.log(`${a.name.padEnd(28)}${String(a.raw).padStart(7)}${String(a.gzip).padStart(9)}`);
  console.log("\nblock                         JS gzip B");
  for (const b of blocks) console.log(`${b.name.padEnd(28)}${String(b.jsGzip).padStart(9)}  (${b.js.join(", ") || "none"})`);
  for (const p of problems) console.error(`over budget: ${p}`);
  process.exit(problems.length ? 1 : 0);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) main();
