import { describe, expect, test } from "vitest";
import { attrsOf, BLOCK_FILES, defaultSettings, makeEngine, readLocale, schemaOf } from "./helpers";

const en = readLocale("en.default.json");
const fr = readLocale("fr.json");

function page(overrides: Record<string, unknown> = {}) {
  return {
    product: { id: 42 },
    cart: { items: [{ product_id: 7 }, { product_id: 9 }] },
    routes: { cart_add_url: "/cart/add" },
    request: { page_type: "product" },
    ...overrides,
  };
}

async function renderBlock(file: string, settings: Record<string, unknown> = {}, ctx = page(), locale = en) {
  const name = file.replace(/\.liquid$/, "");
  return makeEngine(locale).renderFile(name, {
    block: { id: "b1", settings: { ...defaultSettings(file), ...settings }, shopify_attributes: 'data-shopify-editor-block="b1"' },
    ...ctx,
  });
}

const RECS = [
  { file: "bought-together.liquid", surface: "product", strategy: "bought_together", limit: "3", templates: ["product"] },
  { file: "recommended-for-you.liquid", surface: "product", strategy: "auto", limit: "8", templates: ["index", "collection", "product", "cart"] },
  { file: "buy-again.liquid", surface: "home", strategy: "buy_again", limit: "4", templates: ["index", "customers/account"] },
  { file: "complete-cart.liquid", surface: "cart", strategy: "bought_together", limit: "4", templates: ["cart"] },
];

describe("recommendation blocks render what the storefront script needs", () => {
  test("every block file is covered by these tests", () => {
    expect(BLOCK_FILES).toEqual([...RECS.map((r) => r.file), "app-embed.liquid"].sort());
  });

  test.each(RECS)("$file carries its data attributes with default settings", async ({ file, surface, strategy, limit }) => {
    const html = await renderBlock(file, {}, page({ request: { page_type: surface === "home" ? "index" : surface } }));
    const a = attrsOf(html, "data-shopkeeper");
    expect(a["data-surface"]).toBe(surface);
    expect(a["data-strategy"]).toBe(strategy);
    expect(a["data-limit"]).toBe(limit);
    expect(a["data-proxy"]).toBe("/apps/shopkeeper");
    expect(a["data-product-id"]).toBe("42");
    expect(a["data-cart"]).toBe("7,9");
    expect(a["data-cart-add"]).toBe("/cart/add.js");
    expect(a["data-reasons"]).toBe("true");
    expect(a["aria-busy"]).toBe("true");
    expect(a["data-shopify-editor-block"]).toBe("b1");
    expect(a.style).toMatch(/min-height:/);
  });

  test.each(RECS)("$file reserves one skeleton card per requested item", async ({ file }) => {
    const html = await renderBlock(file, { limit: 5 });
    expect(html.match(/sk__card--skeleton/g)).toHaveLength(5);
    expect(attrsOf(html, "data-shopkeeper")["data-limit"]).toBe("5");
  });

  test.each(RECS)("$file ships a card template with every hook the script fills", async ({ file }) => {
    const html = await renderBlock(file);
    const tpl = html.slice(html.indexOf("<template data-sk-tpl>"), html.indexOf("</template>"));
    for (const hook of ["data-sk-link", "data-sk-img", "data-sk-title", "data-sk-price", "data-sk-why", "data-sk-reason-text", "data-sk-hide", "data-sk-gone-note"]) {
      expect(tpl, hook).toContain(hook);
    }
    expect(html).toContain('href="/apps/shopkeeper/privacy"');
    expect(html).toMatch(/<script src="https:\/\/cdn\.test\/extensions\/shopkeeper\/assets\/shopkeeper\.js" defer><\/script>/);
    expect(html).toContain("shopkeeper.css");
    expect(html).not.toContain("MISSING:");
  });

  test("turning reasons off removes the Why this? control", async () => {
    const html = await renderBlock("recommended-for-you.liquid", { show_reasons: false });
    expect(attrsOf(html, "data-shopkeeper")["data-reasons"]).toBe("false");
    expect(html).not.toContain("data-sk-why");
    expect(html).toContain("data-sk-hide");
  });

  test("only bought-together offers selection and add selected to cart", async () => {
    const bt = await renderBlock("bought-together.liquid");
    expect(bt).toContain("data-sk-pick");
    expect(bt).toContain("data-sk-add");
    expect(bt).toContain("Add selected to cart");
    for (const file of ["recommended-for-you.liquid", "buy-again.liquid", "complete-cart.liquid"]) {
      const html = await renderBlock(file);
      expect(html, file).not.toContain("data-sk-add");
      expect(html, file).not.toContain("data-sk-pick");
    }
  });

  test("the merchant's heading replaces the translated default and is escaped", async () => {
    const custom = await renderBlock("complete-cart.liquid", { title: "Tea & <b>cups</b>" });
    expect(custom).toContain(">Tea &amp; &lt;b&gt;cups&lt;/b&gt;</h2>");
    const frDefault = await renderBlock("complete-cart.liquid", {}, page(), fr);
    expect(frDefault).toContain(">Complétez votre commande</h2>");
    expect(frDefault).toContain("Pas intéressé");
  });

  test("recommended-for-you maps the page type to the proxy surface", async () => {
    const cases: Array<[string, string]> = [["index", "home"], ["collection", "collection"], ["product", "product"], ["cart", "cart"], ["page", "home"]];
    for (const [pageType, surface] of cases) {
      const html = await renderBlock("recommended-for-you.liquid", {}, page({ request: { page_type: pageType } }));
      expect(attrsOf(html, "data-shopkeeper")["data-surface"], pageType).toBe(surface);
    }
  });

  test("buy-again uses the account surface on the account page", async () => {
    const html = await renderBlock("buy-again.liquid", {}, page({ request: { page_type: "customers/account" } }));
    expect(attrsOf(html, "data-shopkeeper")["data-surface"]).toBe("account");
  });

  test("a page without product, cart or routes still renders with safe defaults", async () => {
    const html = await renderBlock("recommended-for-you.liquid", {}, { request: { page_type: "index" } } as never);
    const a = attrsOf(html, "data-shopkeeper");
    expect(a["data-product-id"]).toBe("");
    expect(a["data-cart"]).toBe("");
    expect(a["data-cart-add"]).toBe("/cart/add.js");
  });

  test("the app embed exposes its switches and the page's product", async () => {
    const html = await makeEngine(en).renderFile("app-embed", { block: { settings: { events: false, attribution: true } }, product: { id: 5 } });
    const a = attrsOf(html, "data-shopkeeper-embed");
    expect(a).toMatchObject({ hidden: "", "data-product-id": "5", "data-events": "false", "data-attribution": "true" });
    expect(html).toContain("shopkeeper.js");
  });
});

describe("block schemas", () => {
  const STRATEGIES = ["auto", "bought_together", "for_you", "buy_again", "trending", "bestsellers"];

  test.each(RECS)("$file has the merchant settings and its templates", ({ file, templates }) => {
    const s = schemaOf(file);
    expect(s.target).toBe("section");
    expect(s.enabled_on?.templates).toEqual(templates);
    expect(s.settings.map((x) => x.id)).toEqual(["title", "limit", "layout", "show_reasons", "strategy"]);
    const byId = Object.fromEntries(s.settings.map((x) => [x.id, x]));
    expect(byId.limit).toMatchObject({ type: "range", min: 1, max: 24 });
    expect(byId.layout.options?.map((o) => o.value)).toEqual(["grid", "carousel"]);
    expect(byId.show_reasons.type).toBe("checkbox");
    expect(byId.strategy.options?.map((o) => o.value)).toEqual(STRATEGIES);
  });

  test("the app embed targets the body", () => {
    expect(schemaOf("app-embed.liquid").target).toBe("body");
  });
});
