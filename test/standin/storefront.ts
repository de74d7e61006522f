// A minimal online store: a theme page around a product or the cart that renders the theme app
// extension's blocks with liquidjs, Shopify's AJAX cart API, and a checkout that creates an order.
// Shopify-only Liquid (t, asset_url, money, {% schema %}, {% javascript %}, ...) is stubbed here.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { Liquid, type Context, type Emitter, type Tag, type TagToken, type TopLevelToken, type Template } from "liquidjs";
import { centsToMoney, moneyToCents, type ShopState, type StandinCustomer, type StandinProduct, type StandinProperty } from "./store";

// liquidjs types legacy tag objects loosely (an index signature), so this mirrors that.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type StyleTag = Tag & Record<string, any>;

export type ConsentState = "granted" | "denied" | "unknown";

export interface CartLine {
  variantId: number;
  quantity: number;
  properties: Record<string, string>;
}

export interface Cart {
  token: string;
  lines: CartLine[];
  attributes: Record<string, string>;
  note: string;
}

export interface VisitorState {
  shop: ShopState;
  cart: Cart;
  customer: StandinCustomer | null;
  consent: ConsentState;
}

interface ThemeBlock {
  name: string;
  file: string;
  target: string;
  schema: { name?: string; target?: string; settings?: { id?: string; type?: string; default?: unknown }[] } & Record<string, unknown>;
}

const CURRENCY_SYMBOL: Record<string, string> = { GBP: "£", USD: "$", EUR: "€", AUD: "$", CAD: "$", NZD: "$", JPY: "¥" };

function formatMoney(cents: number, currencyCode: string, withCurrency = false): string {
  const amount = centsToMoney(cents);
  const symbol = CURRENCY_SYMBOL[currencyCode] ?? "";
  return withCurrency ? `${symbol}${amount} ${currencyCode}` : `${symbol}${amount}`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch]!);
}

/** Renders the theme extension's blocks and the pages around them. */
export class Storefront {
  readonly carts = new Map<string, Cart>();
  private engine: Liquid;
  private locale: Record<string, unknown> = {};

  constructor(
    readonly themeDir: string,
    private readonly assetBase: string,
  ) {
    this.engine = this.createEngine();
  }

  private createEngine(): Liquid {
    const engine = new Liquid({
      root: [path.join(this.themeDir, "blocks"), path.join(this.themeDir, "snippets")],
      partials: [path.join(this.themeDir, "snippets")],
      extname: ".liquid",
      cache: false,
      strictFilters: false,
      strictVariables: false,
    });
    const swallow = (endName: string) => ({
      parse(this: { liquid: Liquid }, token: TagToken, remaining: TopLevelToken[]) {
        const stream = this.liquid.parser.parseStream(remaining);
        stream
          .on("tag:" + endName, () => stream.stop())
          .on("end", () => {
            throw new Error(`tag ${token.getText()} not closed`);
          });
        stream.start();
      },
      render: () => "",
    });
    // Shopify reads {% schema %} at deploy time and bundles {% javascript %}/{% stylesheet %}; none of them render.
    engine.registerTag("schema", swallow("endschema"));
    engine.registerTag("javascript", swallow("endjavascript"));
    engine.registerTag("stylesheet", swallow("endstylesheet"));
    engine.registerTag("style", {
      parse(this: StyleTag, token: TagToken, remaining: TopLevelToken[]) {
        this.templates = [];
        const stream = this.liquid.parser.parseStream(remaining);
        stream
          .on("tag:endstyle", () => stream.stop())
          .on("template", (tpl: Template) => this.templates.push(tpl))
          .on("end", () => {
            throw new Error(`tag ${token.getText()} not closed`);
          });
        stream.start();
      },
      *render(this: StyleTag, ctx: Context, emitter: Emitter) {
        emitter.write("<style>");
        yield this.liquid.renderer.renderTemplates(this.templates, ctx, emitter);
        emitter.write("</style>");
      },
    });
    const translate = (key: string, vars: Record<string, unknown>) => this.translate(key, vars);
    const currency = (ctx: Context) => String((ctx.getSync(["shop", "currency"]) as string | undefined) ?? "GBP");
    engine.registerFilter("t", (key: string, ...args: unknown[]) => translate(String(key), namedArgs(args)));
    engine.registerFilter("asset_url", (file: string) => `${this.assetBase}/${String(file)}`);
    engine.registerFilter("asset_img_url", (file: string) => `${this.assetBase}/${String(file)}`);
    engine.registerFilter("money", function (this: { context: Context }, cents: unknown) {
      return formatMoney(Number(cents ?? 0), currency(this.context));
    });
    engine.registerFilter("money_with_currency", function (this: { context: Context }, cents: unknown) {
      return formatMoney(Number(cents ?? 0), currency(this.context), true);
    });
    engine.registerFilter("money_without_currency", (cents: unknown) => centsToMoney(Number(cents ?? 0)));
    engine.registerFilter("money_without_trailing_zeros", function (this: { context: Context }, cents: unknown) {
      return formatMoney(Number(cents ?? 0), currency(this.context)).replace(/\.00$/, "");
    });
    const imageSrc = (image: unknown) => (typeof image === "string" ? image : (image as { src?: string } | null)?.src ?? "");
    engine.registerFilter("image_url", (image: unknown) => imageSrc(image));
    engine.registerFilter("img_url", (image: unknown) => imageSrc(image));
    engine.registerFilter("image_tag", (url: unknown, ...args: unknown[]) => {
      const named = namedArgs(args);
      return `<img src="${escapeHtml(imageSrc(url))}" alt="${escapeHtml(String(named.alt ?? ""))}" loading="${escapeHtml(String(named.loading ?? "lazy"))}">`;
    });
    engine.registerFilter("script_tag", (url: string) => `<script src="${escapeHtml(String(url))}" type="text/javascript"></script>`);
    engine.registerFilter("stylesheet_tag", (url: string) => `<link href="${escapeHtml(String(url))}" rel="stylesheet" type="text/css" media="all" />`);
    engine.registerFilter("handleize", (text: string) => String(text ?? "").toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, ""));
    engine.registerFilter("handle", (text: string) => String(text ?? "").toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, ""));
    engine.registerFilter("pluralize", (count: number, one: string, many: string) => (Number(count) === 1 ? one : many));
    engine.registerFilter("default_pagination", () => "");
    return engine;
  }

  /** Reloads locales and blocks from disk (the extension is edited while the stand-in runs). */
  private loadTheme(): ThemeBlock[] {
    const localeFile = path.join(this.themeDir, "locales", "en.default.json");
    this.locale = existsSync(localeFile) ? JSON.parse(readFileSync(localeFile, "utf8")) : {};
    const blocksDir = path.join(this.themeDir, "blocks");
    if (!existsSync(blocksDir)) return [];
    return readdirSync(blocksDir)
      .filter((file) => file.endsWith(".liquid"))
      .sort()
      .map((file) => {
        const source = readFileSync(path.join(blocksDir, file), "utf8");
        const match = /\{%-?\s*schema\s*-?%\}([\s\S]*?)\{%-?\s*endschema\s*-?%\}/.exec(source);
        let schema: ThemeBlock["schema"] = {};
        if (match) {
          try {
            schema = JSON.parse(match[1]);
          } catch {
            schema = {};
          }
        }
        return { name: file.replace(/\.liquid$/, ""), file, target: schema.target ?? "section", schema };
      });
  }

  translate(key: string, vars: Record<string, unknown> = {}): string {
    let value: unknown = this.locale;
    for (const part of key.split(".")) value = value && typeof value === "object" ? (value as Record<string, unknown>)[part] : undefined;
    if (value && typeof value === "object" && "other" in value) {
      const count = Number(vars.count ?? 0);
      value = (value as Record<string, unknown>)[count === 1 && "one" in value ? "one" : count === 0 && "zero" in value ? "zero" : "other"];
    }
    if (typeof value !== "string") return `translation missing: en.${key}`;
    return value.replace(/\{\{\s*(\w+)\s*\}\}/g, (_m, name: string) => (vars[name] === undefined ? "" : String(vars[name])));
  }

  cartFor(token: string | undefined): Cart {
    let cart = token ? this.carts.get(token) : undefined;
    if (!cart) {
      cart = { token: token && /^[\w-]{8,64}$/.test(token) ? token : randomBytes(12).toString("hex"), lines: [], attributes: {}, note: "" };
      this.carts.set(cart.token, cart);
    }
    return cart;
  }

  /** Adds a variant to the cart (merging lines with equal properties), as /cart/add.js does. */
  addToCart(shop: ShopState, cart: Cart, item: { id: number; quantity?: number; properties?: Record<string, string> }): CartLine {
    const variant = shop.variants.get(Number(item.id));
    if (!variant) throw new CartError(404, "Cannot find variant");
    const quantity = Math.max(1, Math.floor(Number(item.quantity ?? 1)));
    const properties = Object.fromEntries(Object.entries(item.properties ?? {}).map(([k, v]) => [k, String(v)]));
    const key = JSON.stringify(properties);
    let line = cart.lines.find((l) => l.variantId === variant.id && JSON.stringify(l.properties) === key);
    if (line) line.quantity += quantity;
    else {
      line = { variantId: variant.id, quantity, properties };
      cart.lines.push(line);
    }
    return line;
  }

  lineKey(line: CartLine): string {
    return `${line.variantId}:${Buffer.from(JSON.stringify(line.properties)).toString("base64url").slice(0, 32)}`;
  }

  /** One cart line in the AJAX API's JSON shape (prices in cents). */
  cartItemJson(shop: ShopState, line: CartLine) {
    const variant = shop.variants.get(line.variantId)!;
    const product = shop.products.get(variant.productId)!;
    const price = moneyToCents(variant.price);
    return {
      id: variant.id,
      key: this.lineKey(line),
      properties: line.properties,
      quantity: line.quantity,
      variant_id: variant.id,
      product_id: product.id,
      title: product.title,
      product_title: product.title,
      variant_title: variant.title === "Default Title" ? null : variant.title,
      sku: variant.sku,
      vendor: product.vendor,
      product_type: product.productType,
      handle: product.handle,
      url: `/products/${product.handle}?variant=${variant.id}`,
      image: `/images/products/${product.id}.svg`,
      price,
      original_price: price,
      final_price: price,
      line_price: price * line.quantity,
      original_line_price: price * line.quantity,
      final_line_price: price * line.quantity,
      total_discount: 0,
      discounts: [],
      requires_shipping: true,
      gift_card: false,
    };
  }

  /** The cart in the AJAX API's JSON shape (GET /cart.js). */
  cartJson(shop: ShopState, cart: Cart) {
    const items = cart.lines.map((line) => this.cartItemJson(shop, line));
    const total = items.reduce((n, item) => n + item.line_price, 0);
    return {
      token: cart.token,
      note: cart.note || null,
      attributes: cart.attributes,
      original_total_price: total,
      total_price: total,
      total_discount: 0,
      total_weight: 0,
      item_count: items.reduce((n, item) => n + item.quantity, 0),
      items,
      requires_shipping: items.length > 0,
      currency: shop.currencyCode,
      items_subtotal_price: total,
      cart_level_discount_applications: [],
    };
  }

  private productDrop(shop: ShopState, product: StandinProduct) {
    const variants = product.variants.map((v) => ({
      id: v.id,
      title: v.title,
      price: moneyToCents(v.price),
      available: v.inventoryQuantity > 0,
      sku: v.sku,
      inventory_quantity: v.inventoryQuantity,
      url: `/products/${product.handle}?variant=${v.id}`,
    }));
    const image = { src: `/images/products/${product.id}.svg`, alt: product.title, width: 600, height: 600 };
    return {
      id: product.id,
      title: product.title,
      handle: product.handle,
      url: `/products/${product.handle}`,
      type: product.productType,
      vendor: product.vendor,
      tags: product.tags,
      description: product.descriptionHtml,
      available: variants.some((v) => v.available),
      price: Math.min(...variants.map((v) => v.price)),
      price_min: Math.min(...variants.map((v) => v.price)),
      price_max: Math.max(...variants.map((v) => v.price)),
      compare_at_price: null,
      featured_image: image,
      images: [image],
      variants,
      selected_or_first_available_variant: variants.find((v) => v.available) ?? variants[0],
      first_available_variant: variants.find((v) => v.available) ?? variants[0],
      collections: product.collectionIds.map((id) => shop.collections.get(id)).filter(Boolean).map((c) => ({ id: c!.id, handle: c!.handle, title: c!.title })),
      created_at: product.createdAt,
      published_at: product.publishedAt,
    };
  }

  private scope(visitor: VisitorState, pageType: string, requestPath: string, product: StandinProduct | null) {
    const { shop, customer } = visitor;
    const cart = this.cartJson(shop, visitor.cart);
    return {
      shop: {
        name: shop.name,
        permanent_domain: shop.domain,
        domain: shop.domain,
        url: "",
        currency: shop.currencyCode,
        money_format: `${CURRENCY_SYMBOL[shop.currencyCode] ?? ""}{{amount}}`,
        locale: "en",
      },
      customer: customer
        ? { id: customer.id, email: customer.email, first_name: customer.firstName, last_name: customer.lastName, name: `${customer.firstName} ${customer.lastName}`, tags: customer.tags, orders_count: customer.numberOfOrders, accepts_marketing: customer.marketingState === "SUBSCRIBED" }
        : null,
      cart: {
        ...cart,
        items: cart.items.map((item) => ({ ...item, product: this.productDrop(shop, shop.products.get(item.product_id)!), variant: { id: item.variant_id, title: item.variant_title, price: item.price } })),
        currency: { iso_code: shop.currencyCode },
      },
      product: product ? this.productDrop(shop, product) : null,
      request: { path: requestPath, page_type: pageType, host: shop.domain, origin: `https://${shop.domain}`, locale: { iso_code: "en", primary: true }, design_mode: false },
      template: { name: pageType, suffix: null },
      routes: { root_url: "/", cart_url: "/cart", cart_add_url: "/cart/add", cart_change_url: "/cart/change", cart_update_url: "/cart/update", all_products_collection_url: "/collections/all", search_url: "/search" },
      localization: { language: { iso_code: "en" }, country: { iso_code: customer?.countryCode ?? "GB" } },
      app: { metafields: {} },
    };
  }

  private blockDrop(block: ThemeBlock) {
    const settings: Record<string, unknown> = {};
    for (const setting of block.schema.settings ?? []) if (setting.id && setting.default !== undefined) settings[setting.id] = setting.default;
    return { id: `standin-${block.name}`, type: `shopify://apps/shopkeeper/blocks/${block.name}/standin`, settings, shopify_attributes: `data-shopify-editor-block="standin-${block.name}"` };
  }

  private async renderBlocks(blocks: ThemeBlock[], scope: object): Promise<string> {
    const parts: string[] = [];
    for (const block of blocks) {
      try {
        const html = await this.engine.renderFile(block.name, { ...scope, block: this.blockDrop(block) });
        parts.push(`<div class="standin-app-block" data-block="${escapeHtml(block.name)}">${html}</div>`);
      } catch (error) {
        parts.push(`<pre class="standin-liquid-error" data-block="${escapeHtml(block.name)}">Liquid error in ${escapeHtml(block.file)}: ${escapeHtml((error as Error).message)}</pre>`);
      }
    }
    return parts.join("\n");
  }

  /** A full theme page: the content, the section blocks under it, and app embeds in head/body. */
  async renderPage(visitor: VisitorState, pageType: "index" | "product" | "cart" | "page" | "collection" | "customers/account", requestPath: string, content: string, product: StandinProduct | null, title: string): Promise<string> {
    const blocks = this.loadTheme();
    const scope = this.scope(visitor, pageType, requestPath, product);
    const sectionBlocks = blocks.filter((b) => b.target === "section" && enabledOn(b, pageType));
    const headEmbeds = blocks.filter((b) => b.target === "head");
    const bodyEmbeds = blocks.filter((b) => b.target === "body");
    const sectionHtml = await this.renderBlocks(sectionBlocks, scope);
    const headHtml = await this.renderBlocks(headEmbeds, scope);
    const bodyHtml = await this.renderBlocks(bodyEmbeds, scope);
    const cart = this.cartJson(visitor.shop, visitor.cart);
    const shopify = {
      shop: visitor.shop.domain,
      locale: "en",
      currency: { active: visitor.shop.currencyCode, rate: "1.0" },
      country: visitor.customer?.countryCode ?? "GB",
      routes: { root: "/" },
      designMode: false,
    };
    return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)} – ${escapeHtml(visitor.shop.name)}</title>
<script>
window.Shopify = ${JSON.stringify(shopify)};
window.__standinCustomerId = ${visitor.customer ? visitor.customer.id : "null"};
(function () {
  var state = ${JSON.stringify(visitor.consent)};
  function answer() { return state === "granted" ? "yes" : state === "denied" ? "no" : ""; }
  window.Shopify.customerPrivacy = {
    analyticsProcessingAllowed: function () { return state === "granted"; },
    marketingAllowed: function () { return state === "granted"; },
    preferencesProcessingAllowed: function () { return state === "granted"; },
    saleOfDataAllowed: function () { return state === "granted"; },
    userCanBeTracked: function () { return state === "granted"; },
    shouldShowBanner: function () { return state === "unknown"; },
    currentVisitorConsent: function () { var a = answer(); return { analytics: a, marketing: a, preferences: a, sale_of_data: a }; },
    setTrackingConsent: function (consent, callback) {
      var allowed = consent && (consent.analytics === true || consent.analytics === "yes");
      state = allowed ? "granted" : "denied";
      document.cookie = "standin_consent=" + state + "; path=/";
      document.dispatchEvent(new CustomEvent("visitorConsentCollected", { detail: { analyticsAllowed: allowed, marketingAllowed: allowed, preferencesAllowed: allowed, saleOfDataAllowed: allowed } }));
      if (callback) callback();
    }
  };
  window.Shopify.loadFeatures = function (features, callback) { if (callback) callback(null); };
})();
</script>
<style>body{font-family:system-ui,sans-serif;margin:0;color:#222}header,main,footer{padding:12px 24px}header{display:flex;gap:16px;align-items:center;border-bottom:1px solid #ddd}.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(180px,1fr));gap:16px}.card img{width:100%}.standin-liquid-error{color:#b00;white-space:pre-wrap}.standin-tools{font-size:12px;color:#555}</style>
${headHtml}
</head><body data-page-type="${pageType}">
<header><a href="/storefront"><strong>${escapeHtml(visitor.shop.name)}</strong></a><a href="/storefront/cart">Cart (<span data-cart-count>${cart.item_count}</span>)</a>
<span class="standin-tools">customer: ${visitor.customer ? `#${visitor.customer.id}` : "guest"} · consent: ${visitor.consent} ·
<a href="?consent=granted">grant</a> <a href="?consent=denied">deny</a> <a href="?consent=unknown">reset</a> ·
<a href="?customer=none">log out</a></span></header>
<main>${content}
<section class="standin-app-blocks">${sectionHtml}</section></main>
${bodyHtml}
</body></html>`;
  }

  private productCards(visitor: VisitorState, products: StandinProduct[]): string {
    return products
      .map((p) => `<a class="card" href="/storefront/products/${p.handle}"><img src="/images/products/${p.id}.svg" alt=""><div>${escapeHtml(p.title)}</div><div>${formatMoney(moneyToCents(p.variants[0]?.price ?? "0"), visitor.shop.currencyCode)}</div></a>`)
      .join("");
  }

  async renderIndex(visitor: VisitorState, limit = 24): Promise<string> {
    const products = [...visitor.shop.products.values()].filter((p) => p.status === "ACTIVE").slice(0, limit);
    const collections = [...visitor.shop.collections.values()].map((c) => `<a href="/storefront/collections/${c.handle}">${escapeHtml(c.title)}</a>`).join(" · ");
    return this.renderPage(visitor, "index", "/", `<h1>${escapeHtml(visitor.shop.name)}</h1><nav>${collections}</nav><div class="grid">${this.productCards(visitor, products)}</div>`, null, "Home");
  }

  async renderCollection(visitor: VisitorState, handle: string, limit = 48): Promise<string | null> {
    const collection = [...visitor.shop.collections.values()].find((c) => c.handle === handle);
    if (!collection && handle !== "all") return null;
    const products = [...visitor.shop.products.values()].filter((p) => p.status === "ACTIVE" && (!collection || p.collectionIds.includes(collection.id))).slice(0, limit);
    const title = collection?.title ?? "All products";
    return this.renderPage(visitor, "collection", `/collections/${handle}`, `<h1>${escapeHtml(title)}</h1><div class="grid">${this.productCards(visitor, products)}</div>`, null, title);
  }

  /** The customer account page (template customers/account) with the visitor's recent orders. */
  async renderAccount(visitor: VisitorState, orders: { name: string; createdAt: string; lineItems: { title: string; quantity: number }[] }[]): Promise<string> {
    const content = visitor.customer
      ? `<h1>Your account</h1><ul class="orders">${orders
          .slice(-10)
          .reverse()
          .map((o) => `<li>${escapeHtml(o.name)} · ${escapeHtml(o.createdAt.slice(0, 10))} · ${o.lineItems.map((l) => `${l.quantity} × ${escapeHtml(l.title)}`).join(", ")}</li>`)
          .join("")}</ul>`
      : `<h1>Your account</h1><p>Not logged in. <a href="?customer=">Pick a customer id with ?customer=&lt;id&gt;</a></p>`;
    return this.renderPage(visitor, "customers/account", "/account", content, null, "Account");
  }

  async renderProduct(visitor: VisitorState, product: StandinProduct): Promise<string> {
    const variant = product.variants.find((v) => v.inventoryQuantity > 0) ?? product.variants[0];
    const content = `<div class="product" data-product-id="${product.id}">
<img src="/images/products/${product.id}.svg" alt="" width="300" height="300">
<h1>${escapeHtml(product.title)}</h1>
<p data-price>${formatMoney(moneyToCents(variant.price), visitor.shop.currencyCode)}</p>
<p>${escapeHtml(product.vendor)} · ${escapeHtml(product.productType)} · ${variant.inventoryQuantity > 0 ? "In stock" : "Sold out"}</p>
<form method="post" action="/cart/add"><input type="hidden" name="id" value="${variant.id}"><input type="number" name="quantity" value="1" min="1">
<button type="submit" ${variant.inventoryQuantity > 0 ? "" : "disabled"}>Add to cart</button></form></div>`;
    return this.renderPage(visitor, "product", `/products/${product.handle}`, content, product, product.title);
  }

  async renderCart(visitor: VisitorState): Promise<string> {
    const cart = this.cartJson(visitor.shop, visitor.cart);
    const rows = cart.items
      .map((item) => {
        const props = Object.entries(item.properties).map(([k, v]) => `<li>${escapeHtml(k)}: ${escapeHtml(v)}</li>`).join("");
        return `<tr data-variant-id="${item.variant_id}"><td>${escapeHtml(item.title)}${props ? `<ul class="properties">${props}</ul>` : ""}</td><td>${item.quantity}</td><td>${formatMoney(item.line_price, visitor.shop.currencyCode)}</td></tr>`;
      })
      .join("");
    const content = `<h1>Cart</h1>${cart.items.length === 0 ? "<p>Your cart is empty.</p>" : `<table class="cart"><tbody>${rows}</tbody></table><p>Total: <span data-cart-total>${formatMoney(cart.total_price, visitor.shop.currencyCode)}</span></p><form method="post" action="/storefront/checkout"><button type="submit">Check out</button></form>`}`;
    return this.renderPage(visitor, "cart", "/cart", content, null, "Cart");
  }

  /** Renders an app proxy `application/liquid` response inside the theme layout, as Shopify does. */
  async renderProxyLiquid(visitor: VisitorState, requestPath: string, liquid: string): Promise<string> {
    const scope = this.scope(visitor, "page", requestPath, null);
    let content: string;
    try {
      content = await this.engine.parseAndRender(liquid, scope);
    } catch (error) {
      content = `<pre class="standin-liquid-error">Liquid error: ${escapeHtml((error as Error).message)}</pre>`;
    }
    return this.renderPage(visitor, "page", requestPath, content, null, "App");
  }

  /** Properties as an order line keeps them. */
  static lineProperties(line: CartLine): StandinProperty[] {
    return Object.entries(line.properties).map(([name, value]) => ({ name, value }));
  }
}

export class CartError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

// Blocks choose their templates with enabled_on / disabled_on in the schema; without either, a
// section block may go on any of the stand-in's templates.
function enabledOn(block: ThemeBlock, pageType: string): boolean {
  const enabled = (block.schema.enabled_on as { templates?: string[] } | undefined)?.templates;
  const disabled = (block.schema.disabled_on as { templates?: string[] } | undefined)?.templates;
  if (enabled && !enabled.includes("*") && !enabled.includes(pageType)) return false;
  if (disabled && (disabled.includes("*") || disabled.includes(pageType))) return false;
  return pageType !== "page";
}

function namedArgs(args: unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const arg of args) if (Array.isArray(arg) && arg.length === 2 && typeof arg[0] === "string") out[arg[0]] = arg[1];
  return out;
}

/** A simple SVG placeholder image for a product, so pages and featuredImage URLs resolve offline. */
export function productSvg(product: StandinProduct): string {
  let hash = 0;
  for (const ch of product.handle) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  const hue = hash % 360;
  const words = product.title.split(/\s+/).slice(0, 4).join(" ");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="600" height="600" viewBox="0 0 600 600"><rect width="600" height="600" fill="hsl(${hue},45%,85%)"/><text x="300" y="310" font-family="sans-serif" font-size="32" text-anchor="middle" fill="#333">${escapeHtml(words)}</text></svg>`;
}
