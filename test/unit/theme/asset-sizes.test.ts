import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { JS_GZIP_BUDGET, measureAssets } from "../../../scripts/asset-sizes.mjs";
import { EXT_DIR, readExt } from "./helpers";

type Measured = {
  assets: Array<{ name: string; raw: number; gzip: number }>;
  blocks: Array<{ name: string; js: string[]; jsGzip: number }>;
  problems: string[];
};

const scratch = mkdtempSync(path.join(tmpdir(), "sk-assets-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("asset budget", () => {
  test("one shared script and one stylesheet, both within budget", () => {
    const m: Measured = measureAssets(EXT_DIR);
    expect(m.assets.map((a) => a.name)).toEqual(["shopkeeper.css", "shopkeeper.js"]);
    expect(m.problems).toEqual([]);
    expect(JS_GZIP_BUDGET).toBe(10 * 1024);
  });

  test("every block loads exactly the shared script, under 10 KB gzip", () => {
    const m: Measured = measureAssets(EXT_DIR);
    expect(m.blocks.map((b) => b.name)).toEqual(["app-embed.liquid", "bought-together.liquid", "buy-again.liquid", "complete-cart.liquid", "recommended-for-you.liquid"]);
    for (const b of m.blocks) {
      expect(b.js, b.name).toEqual(["shopkeeper.js"]);
      expect(b.jsGzip, b.name).toBeLessThanOrEqual(JS_GZIP_BUDGET);
    }
  });

  test("an oversized script fails the budget", () => {
    const copy = path.join(scratch, "big");
    cpSync(EXT_DIR, copy, { recursive: true });
    // Random bytes do not compress, so 12 KB of them stays above 10 KB gzip.
    writeFileSync(path.join(copy, "assets/shopkeeper.js"), `/*${randomBytes(12 * 1024).toString("base64")}*/`);
    const m: Measured = measureAssets(copy);
    expect(m.problems.some((p) => p.startsWith("shopkeeper.js:"))).toBe(true);
    expect(m.problems.filter((p) => p.includes("loads"))).toHaveLength(5);
  });

  test("the shared script is plain browser JavaScript with no imports or build artefacts", () => {
    const js = readExt("assets/shopkeeper.js");
    expect(js).not.toMatch(/^\s*(import|export)\s/m);
    expect(js).not.toMatch(/require\(|sourceMappingURL/);
    expect(() => new Function(js)).not.toThrow();
  });
});
