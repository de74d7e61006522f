import { cpSync, mkdtempSync, rmSync, writeFileSync, appendFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { runThemeCheck } from "../../../scripts/theme-check.mjs";
import { EXT_DIR } from "./helpers";

type Offense = { check: string; severity: string; file: string; line: number; message: string };

const scratch = mkdtempSync(path.join(tmpdir(), "sk-theme-check-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("Shopify Theme Check", () => {
  test("the extension has no offenses at all", async () => {
    const offenses: Offense[] = await runThemeCheck(EXT_DIR);
    expect(offenses).toEqual([]);
  }, 60_000);

  test("a broken copy is reported with the checks we rely on", async () => {
    const copy = path.join(scratch, "broken");
    cpSync(EXT_DIR, copy, { recursive: true });
    appendFileSync(path.join(copy, "snippets/shopkeeper-card.liquid"), "{{ 'shopkeeper.no_such_key' | t }}{% render 'no-such-snippet' %}\n");
    writeFileSync(path.join(copy, "blocks/extra.liquid"), '<script src="{{ \'shopkeeper.js\' | asset_url }}"></script>\n{% schema %}{"name":"Extra","target":"section","settings":[]}{% endschema %}\n');
    const offenses: Offense[] = await runThemeCheck(copy);
    const errors = offenses.filter((o) => o.severity === "error").map((o) => `${o.file}:${o.check}`).sort();
    expect(errors).toEqual([
      "blocks/extra.liquid:ParserBlockingScript",
      "snippets/shopkeeper-card.liquid:MissingTemplate",
      "snippets/shopkeeper-card.liquid:TranslationKeyExists",
    ]);
  }, 60_000);
});
