import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import "@shopify/shopify-api/adapters/node";
import { ApiVersion, shopifyApi } from "@shopify/shopify-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStandin, type Standin } from "../../standin/server";
import { captureServer, graphql, SHOP, tinyStore } from "./fixtures";

function writeTheme(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "standin-theme-"));
  for (const sub of ["blocks", "snippets", "locales", "assets"]) mkdirSync(path.join(dir, sub));
  writeFileSync(
    path.join(dir, "blocks", "picks.liquid"),
    `<div class="picks" data-limit="{{ block.settings.limit }}">{{ 'picks.heading' | t: name: customer.first_name }}|{{ product.price | money }}|{{ 'picks.js' | asset_url }}|{% render 'pick', product: product %}</div>
{% schema %}{"name":"Picks","target":"section","enabled_on":{"templates":["product"]},"settings":[{"id":"limit","type":"range","default":4}]}{% endschema %}`,
  );
  writeFileSync(path.join(dir, "blocks", "embed.liquid"), `<script data-embed="{{ shop.permanent_domain }}"></script>{% schema %}{"name":"Embed","target":"body","settings":[]}{% endschema %}`);
  writeFileSync(path.join(dir, "snippets", "pick.liquid"), `<i>{{ product.title }}</i>`);
  writeFileSync(path.join(dir, "locales", "en.default.json"), JSON.stringify({ picks: { heading: "Picked for {{ name }}" } }));
  writeFileSync(path.join(dir, "assets", "picks.js"), "console.log('picks')");
  return dir;
}

describe("storefront, cart, checkout and app proxy", () => {
  let standin: Standin;
  let app: Awaited<ReturnType<typeof captureServer>>;
  const fixture = tinyStore();
  const themeDir = writeTheme();
  beforeAll(async () => {
    app = await captureServer((req) => {
      if (req.url.startsWith("/proxy/page")) return { type: "application/liquid", body: "<p>Hello {{ customer.email }}</p>" };
      if (req.url.startsWith("/proxy/")) return { body: JSON.stringify({ ok: true, path: req.url.split("?")[0] }) };
      return {};
    });
    standin = await startStandin({ store: fixture.store, appUrl: app.url, themeExtensionDir: themeDir });
  });
  afterAll(async () => {
    await standin.close();
    await app.close();
    rmSync(themeDir, { recursive: true, force: true });
  });

  it("renders a product page with the extension's blocks, stubs and consent", async () => {
    const response = await fetch(`${standin.url}/storefront/products/blue-mug?customer=${fixture.ann.id}&consent=denied`);
    const html = await response.text();
    expect(html).toContain(`<div class="picks" data-limit="4">Picked for Customer|£5.00|/extensions/shopkeeper-theme/assets/picks.js|<i>Blue Mug</i></div>`);
    expect(html).toContain(`<script data-embed="${SHOP}"></script>`);
    expect(html).toContain('var state = "denied"');
    expect(html).not.toContain("{% schema %}");
    expect(response.headers.getSetCookie().some((c) => c.startsWith("standin_consent=denied"))).toBe(true);
    const cart = await fetch(`${standin.url}/storefront/cart`);
    expect(await cart.text()).not.toContain('class="picks"');
    expect((await fetch(`${standin.url}/extensions/shopkeeper-theme/assets/picks.js`)).status).toBe(200);
  });

  it("keeps line-item properties through the AJAX cart and checkout into the orders/create webhook", async () => {
    const cookie = `cart=testcart0001; standin_customer=${fixture.bob.id}`;
    const variantId = fixture.bib.variants[0].id;
    const added = await fetch(`${standin.url}/cart/add.js`, {
      method: "POST",
      headers: { "Content-Type": "application/json", cookie },
      body: JSON.stringify({ items: [{ id: variantId, quantity: 2, properties: { _sk_rec: "rec-9" } }] }),
    });
    expect((await added.json()).items[0]).toMatchObject({ variant_id: variantId, quantity: 2, properties: { _sk_rec: "rec-9" }, price: 325, line_price: 650 });
    await fetch(`${standin.url}/cart/update.js`, { method: "POST", headers: { "Content-Type": "application/json", cookie }, body: JSON.stringify({ attributes: { sk_session: "s-1" } }) });
    const cart = await (await fetch(`${standin.url}/cart.js`, { headers: { cookie } })).json();
    expect(cart).toMatchObject({ token: "testcart0001", item_count: 2, total_price: 650, attributes: { sk_session: "s-1" }, currency: "GBP" });

    const checkout = await fetch(`${standin.url}/storefront/checkout`, { method: "POST", headers: { cookie, Accept: "application/json" } });
    const result = await checkout.json();
    expect(result.webhook.status).toBe(200);
    const hook = app.requests.find((r) => r.url === "/webhooks/orders/create")!;
    const payload = JSON.parse(hook.body);
    expect(payload).toMatchObject({
      id: result.order.id,
      admin_graphql_api_id: `gid://shopify/Order/${result.order.id}`,
      name: "#1003",
      customer: { id: fixture.bob.id },
      total_price: "6.50",
      note_attributes: [{ name: "sk_session", value: "s-1" }],
      cancelled_at: null,
    });
    expect(payload.line_items).toEqual([
      expect.objectContaining({ product_id: fixture.bib.id, variant_id: variantId, quantity: 2, price: "3.25", properties: [{ name: "_sk_rec", value: "rec-9" }] }),
    ]);
    expect((await (await fetch(`${standin.url}/cart.js`, { headers: { cookie } })).json()).item_count).toBe(0);
  });

  it("delivers refunds and cancellations and reflects them in GraphQL", async () => {
    const line = fixture.first.lineItems[2];
    const { deliveries } = await standin.refundOrder(fixture.first.id, { lines: [{ lineItemId: line.id, quantity: 1 }] });
    expect(deliveries.map((d) => d.topic)).toEqual(["refunds/create", "orders/updated"]);
    const refund = JSON.parse(deliveries[0].body);
    expect(refund.refund_line_items).toEqual([expect.objectContaining({ line_item_id: line.id, quantity: 1, subtotal: "3.25" })]);
    expect(JSON.parse(deliveries[1].body).financial_status).toBe("partially_refunded");
    const token = standin.issueAccessToken();
    const body = (await graphql(standin.url, token, `{ order(id: "gid://shopify/Order/${fixture.first.id}") { displayFinancialStatus totalRefundedSet { shopMoney { amount } } lineItems(first: 5) { nodes { currentQuantity } } } }`)).body;
    expect(body.data.order).toEqual({ displayFinancialStatus: "PARTIALLY_REFUNDED", totalRefundedSet: { shopMoney: { amount: "3.25" } }, lineItems: { nodes: [{ currentQuantity: 2 }, { currentQuantity: 1 }, { currentQuantity: 2 }] } });
    const cancelled = await standin.cancelOrder(fixture.second.id);
    expect(cancelled.deliveries.map((d) => [d.topic, JSON.parse(d.body).cancelled_at])).toEqual([
      ["orders/cancelled", "2025-03-01T12:00:00Z"],
      ["orders/updated", "2025-03-01T12:00:00Z"],
    ]);
  });

  it("serves collection and account pages", async () => {
    const collection = await (await fetch(`${standin.url}/storefront/collections/kitchen`)).text();
    expect(collection).toContain('data-page-type="collection"');
    expect(collection).toContain("Blue Mug");
    expect(collection).not.toContain("Baby Bib");
    expect((await fetch(`${standin.url}/storefront/collections/nope`)).status).toBe(404);
    const account = await (await fetch(`${standin.url}/storefront/account?customer=${fixture.ann.id}`)).text();
    expect(account).toContain("#1001 · 2025-01-10 · 2 × Blue Mug, 1 × Lavender Candle, 3 × Baby Bib");
  });

  it("forwards app proxy requests signed as Shopify signs them, without cookies", async () => {
    const response = await fetch(`${standin.url}/apps/shopkeeper/recommendations?limit=3`, { headers: { cookie: `standin_customer=${fixture.ann.id}` } });
    expect(await response.json()).toEqual({ ok: true, path: "/proxy/recommendations" });
    const forwarded = app.requests.find((r) => r.url.startsWith("/proxy/recommendations"))!;
    expect(forwarded.headers.cookie).toBeUndefined();
    expect(forwarded.headers["x-forwarded-host"]).toBe(SHOP);
    const query = new URL(forwarded.url, "http://x").searchParams;
    expect([query.get("limit"), query.get("shop"), query.get("logged_in_customer_id"), query.get("path_prefix")]).toEqual(["3", SHOP, String(fixture.ann.id), "/apps/shopkeeper"]);
    // The Shopify library's own app proxy check accepts the signature.
    const shopify = shopifyApi({ apiKey: "testApiKey", apiSecretKey: "testApiSecretKey", apiVersion: ApiVersion.July25, hostName: "app.test", isEmbeddedApp: true, logger: { level: 0 } });
    expect(await shopify.utils.validateHmac(Object.fromEntries(query), { signator: "appProxy" })).toBe(true);
    query.set("limit", "4");
    expect(await shopify.utils.validateHmac(Object.fromEntries(query), { signator: "appProxy" })).toBe(false);
  });

  it("renders application/liquid proxy responses inside the theme layout", async () => {
    const response = await fetch(`${standin.url}/apps/shopkeeper/page`, { headers: { cookie: `standin_customer=${fixture.ann.id}` } });
    expect(response.headers.get("content-type")).toContain("text/html");
    const html = await response.text();
    expect(html).toContain("<p>Hello ann@example.com</p>");
    expect(html).toContain("window.Shopify =");
  });

  it("opens the embedded app from the admin frame with a fresh id_token", async () => {
    const response = await fetch(standin.adminFrameUrl(SHOP, "/app/segments"), { redirect: "manual" });
    expect(response.status).toBe(302);
    const url = new URL(response.headers.get("location")!);
    expect(`${url.origin}${url.pathname}`).toBe(`${app.url}/app/segments`);
    expect(url.searchParams.get("embedded")).toBe("1");
    expect(url.searchParams.get("shop")).toBe(SHOP);
    expect(url.searchParams.get("host")).toMatch(/^[0-9a-zA-Z+/]+={0,2}$/);
    expect(Buffer.from(url.searchParams.get("host")!, "base64").toString()).toBe("admin.shopify.com/store/tiny-shop");
    const claims = JSON.parse(Buffer.from(url.searchParams.get("id_token")!.split(".")[1], "base64url").toString());
    expect(claims.dest).toBe(`https://${SHOP}`);
    const shim = await fetch(`${standin.url}/app-bridge.js`);
    expect(shim.headers.get("content-type")).toContain("javascript");
    expect(await shim.text()).toContain("window.shopify = {");
    const token = await (await fetch(`${standin.url}/admin/session-token?shop=${SHOP}`)).json();
    expect(token.token.split(".")).toHaveLength(3);
  });
});
