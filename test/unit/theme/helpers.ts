import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { Liquid, Tag, TokenKind, type TagToken, type Context, type Emitter, type TopLevelToken } from "liquidjs";

export const EXT_DIR = path.resolve(import.meta.dirname, "../../../extensions/shopkeeper-theme");

export const BLOCK_FILES = readdirSync(path.join(EXT_DIR, "blocks")).filter((f) => f.endsWith(".liquid")).sort();

export function readExt(rel: string): string {
  return readFileSync(path.join(EXT_DIR, rel), "utf8");
}

export function readLocale(name: string): Record<string, unknown> {
  return JSON.parse(readExt(`locales/${name}`));
}

/** Looks up a dotted key in a locale tree; undefined when any segment is missing or the leaf is not a string. */
export function lookup(tree: unknown, key: string): string | undefined {
  let node: unknown = tree;
  for (const part of key.split(".")) {
    if (node === null || typeof node !== "object" || !(part in node)) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return typeof node === "string" ? node : undefined;
}

/** All dotted leaf keys of a locale tree. */
export function leafKeys(tree: unknown, prefix = ""): string[] {
  if (tree === null || typeof tree !== "object") return [prefix];
  return Object.entries(tree as Record<string, unknown>).flatMap(([k, v]) => leafKeys(v, prefix ? `${prefix}.${k}` : k));
}

export type BlockSchema = {
  name: string;
  target: string;
  enabled_on?: { templates?: string[] };
  settings: Array<{ id: string; type: string; label?: string; info?: string; default?: unknown; min?: number; max?: number; options?: Array<{ value: string; label: string }> }>;
};

export function schemaOf(blockFile: string): BlockSchema {
  const m = readExt(`blocks/${blockFile}`).match(/\{%\s*schema\s*%\}([\s\S]*?)\{%\s*endschema\s*%\}/);
  if (!m) throw new Error(`${blockFile} has no schema`);
  return JSON.parse(m[1]);
}

/** A liquidjs engine over the extension with Shopify's `t` and `asset_url` stubbed and `{% schema %}` swallowed. */
export function makeEngine(locale: Record<string, unknown>): Liquid {
  const engine = new Liquid({
    root: [path.join(EXT_DIR, "blocks")],
    partials: path.join(EXT_DIR, "snippets"),
    extname: ".liquid",
    strictFilters: true,
    relativeReference: false,
  });
  engine.registerFilter("t", (key: string) => lookup(locale, key) ?? `MISSING:${key}`);
  engine.registerFilter("asset_url", (name: string) => `https://cdn.test/extensions/shopkeeper/assets/${name}`);
  engine.registerTag(
    "schema",
    class extends Tag {
      constructor(token: TagToken, remain: TopLevelToken[], liquid: Liquid) {
        super(token, remain, liquid);
        while (remain.length) {
          const t = remain.shift() as TagToken;
          if (t.kind === TokenKind.Tag && t.name === "endschema") return;
        }
        throw new Error("unclosed schema");
      }
      *render(_ctx: Context, _emitter: Emitter): Generator<unknown, void, unknown> {}
    },
  );
  return engine;
}

/** The settings a merchant gets by default, read from the block's schema. */
export function defaultSettings(blockFile: string): Record<string, unknown> {
  return Object.fromEntries(schemaOf(blockFile).settings.filter((s) => "default" in s).map((s) => [s.id, s.default]));
}

/** Attributes of the first element matching `<tag ... attr ...>` in rendered HTML. */
export function attrsOf(html: string, marker: string): Record<string, string> {
  const start = html.indexOf(marker);
  if (start < 0) throw new Error(`marker ${marker} not found`);
  const open = html.lastIndexOf("<", start);
  const close = html.indexOf(">", start);
  const tag = html.slice(open, close + 1);
  const attrs: Record<string, string> = {};
  for (const m of tag.matchAll(/([\w:-]+)(?:="([^"]*)")?/g)) {
    if (m.index === 0 || m[0].startsWith("<")) continue;
    attrs[m[1]] = m[2] ?? "";
  }
  return attrs;
}
