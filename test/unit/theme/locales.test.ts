import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { BLOCK_FILES, EXT_DIR, leafKeys, lookup, readExt, readLocale, schemaOf } from "./helpers";

const LIQUID_FILES = [
  ...BLOCK_FILES.map((f) => `blocks/${f}`),
  ...readdirSync(path.join(EXT_DIR, "snippets")).filter((f) => f.endsWith(".liquid")).map((f) => `snippets/${f}`),
];

function storefrontKeys(): string[] {
  return [...new Set(LIQUID_FILES.flatMap((f) => [...readExt(f).matchAll(/['"]([\w.]+)['"]\s*\|\s*t\b/g)].map((m) => m[1])))].sort();
}

function schemaKeys(): string[] {
  const keys = new Set<string>();
  const walk = (v: unknown): void => {
    if (typeof v === "string" && v.startsWith("t:")) keys.add(v.slice(2));
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === "object") Object.values(v).forEach(walk);
  };
  BLOCK_FILES.forEach((f) => walk(schemaOf(f)));
  return [...keys].sort();
}

const STOREFRONT = ["en.default.json", "fr.json"];
const SCHEMA = ["en.default.schema.json", "fr.schema.json"];

describe("locale keys", () => {
  test("the extension ships English (default) and French, storefront and schema", () => {
    expect(readdirSync(path.join(EXT_DIR, "locales")).sort()).toEqual([...STOREFRONT, ...SCHEMA].sort());
  });

  test("blocks and snippets actually use translations (guards the extraction below)", () => {
    expect(storefrontKeys()).toContain("shopkeeper.card.why");
    expect(schemaKeys()).toContain("settings.strategy.options.bestsellers");
  });

  test.each(STOREFRONT)("every storefront t key exists in %s", (file) => {
    const locale = readLocale(file);
    expect(storefrontKeys().filter((k) => !lookup(locale, k))).toEqual([]);
  });

  test.each(SCHEMA)("every schema t: key exists in %s", (file) => {
    const locale = readLocale(file);
    expect(schemaKeys().filter((k) => !lookup(locale, k))).toEqual([]);
  });

  test("French has exactly the English keys, none left empty", () => {
    for (const [enFile, frFile] of [[STOREFRONT[0], STOREFRONT[1]], [SCHEMA[0], SCHEMA[1]]]) {
      const enKeys = leafKeys(readLocale(enFile)).sort();
      const frLocale = readLocale(frFile);
      expect(leafKeys(frLocale).sort(), frFile).toEqual(enKeys);
      expect(enKeys.filter((k) => !lookup(frLocale, k)?.trim()), frFile).toEqual([]);
    }
  });

  test("no locale key is defined but unused", () => {
    const used = new Set([...storefrontKeys(), ...schemaKeys()]);
    const defined = [...leafKeys(readLocale(STOREFRONT[0])), ...leafKeys(readLocale(SCHEMA[0]))];
    expect(defined.filter((k) => !used.has(k))).toEqual([]);
  });

  test("schema names fit the theme editor's 25 characters in every language", () => {
    for (const file of SCHEMA) {
      const locale = readLocale(file);
      for (const block of BLOCK_FILES) {
        const name = lookup(locale, schemaOf(block).name.slice(2)) ?? "";
        expect(name.length, `${file} ${block}`).toBeGreaterThan(0);
        expect(name.length, `${file} ${block}`).toBeLessThanOrEqual(25);
      }
    }
  });

  test("no shopper-facing English text is hard-coded in the markup", () => {
    const visibleText = (src: string) =>
      src
        .replace(/\{%-?\s*comment\s*-?%\}[\s\S]*?\{%-?\s*endcomment\s*-?%\}/g, "")
        .replace(/\{%\s*schema\s*%\}[\s\S]*?\{%\s*endschema\s*%\}/g, "")
        .replace(/\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}/g, "")
        .replace(/<[^>]*>/g, " ")
        .replace(/[\d()\s]+/g, " ")
        .trim();
    for (const f of LIQUID_FILES) expect(visibleText(readExt(f)), f).toBe("");
  });
});
