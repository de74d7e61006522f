// The local Shopify stand-in: one HTTP server that plays Shopify's side of everything the app talks
// to (Admin GraphQL, token exchange, bulk results, webhooks, app proxy, admin frame, storefront).
import { readFileSync, existsSync, createReadStream, statSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { AdminApi, type GraphqlCall, type MutationCall, type Reply, type TokenExchangeCall } from "./admin-api";
import { BulkOperations } from "./bulk";
import { Faults } from "./faults";
import { buildAdminSchema, type AdminContext } from "./graphql/schema";
import { toGid } from "./ids";
import { buildProxyQuery, signProxyQuery, type ProxyParams } from "./proxy-signature";
import { mintSessionToken, type SessionTokenClaims } from "./session-token";
import { CartError, productSvg, Storefront, type ConsentState, type VisitorState } from "./storefront";
import {
  StandinStore,
  type CustomerInput,
  type OrderInput,
  type ProductInput,
  type ShopState,
  type StandinCustomer,
  type StandinOrder,
  type StandinProduct,
  type StandinRefund,
} from "./store";
import {
  bulkFinishPayload,
  customerPayload,
  customersDataRequestPayload,
  customersRedactPayload,
  DEFAULT_API_VERSION,
  deletePayload,
  orderPayload,
  productPayload,
  refundPayload,
  reorder,
  sendWebhook as postWebhook,
  shopPayload,
  shopRedactPayload,
  type WebhookDelivery,
} from "./webhooks";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = path.resolve(HERE, "..", "..");

export interface StandinOptions {
  port?: number;
  host?: string;
  /** Where the app runs; webhooks, the admin frame and the app proxy point here. */
  appUrl?: string;
  apiKey?: string;
  apiSecret?: string;
  scopes?: string;
  apiVersion?: string;
  store?: StandinStore;
  /** Cost bucket per shop; Shopify's standard figures are 1000 points restoring 50/s (newer plans differ). */
  bucket?: { maximumAvailable?: number; restoreRate?: number };
  /** Clock for token lifetimes and the cost bucket (ms since the epoch). */
  nowMs?: () => number;
  /** App proxy: storefront prefix and the app's target path. */
  proxy?: { prefix?: string; target?: string };
  themeExtensionDir?: string;
  /** Deliver bulk_operations/finish to the app when an operation ends. */
  bulkFinishWebhook?: boolean;
}

export interface WebhookRequest {
  topic: string;
  payload: unknown;
  shop?: string;
  eventId?: string;
  webhookId?: string;
  apiVersion?: string;
  triggeredAt?: string;
  signWithSecret?: string;
  hmacOverride?: string;
  appUrl?: string;
  path?: string;
  /** Re-deliver (same event and webhook ids) while the app answers non-2xx, as Shopify retries. */
  retries?: number;
  retryDelayMs?: number;
}

export interface Calls {
  graphql: GraphqlCall[];
  mutations: MutationCall[];
  tokenExchanges: TokenExchangeCall[];
  webhooks: WebhookDelivery[];
  proxy: { method: string; path: string; status: number; forwardedUrl: string }[];
  checkouts: { orderId: number; webhookStatus: number | null }[];
  clear(): void;
}

export interface Standin {
  url: string;
  port: number;
  store: StandinStore;
  apiKey: string;
  apiSecret: string;
  appUrl: string | null;
  faults: Faults;
  bulk: BulkOperations;
  calls: Calls;
  admin: AdminApi;
  storefront: Storefront;
  close(): Promise<void>;
  shop(domain?: string): ShopState;
  mintSessionToken(shop?: string, options?: { userId?: string | number; ttlSeconds?: number; overrides?: Partial<SessionTokenClaims> }): string;
  issueAccessToken(shop?: string): string;
  signProxyQuery(params: ProxyParams): string;
  sendWebhook(request: WebhookRequest): Promise<WebhookDelivery>;
  /** Delivers several webhooks in the given order, optionally delivering each twice with the same event id. */
  deliverWebhooks(requests: WebhookRequest[], options?: { order?: "as-is" | "reverse" | { seed: number }; duplicate?: boolean }): Promise<WebhookDelivery[]>;
  createOrder(input: OrderInput & { shop?: string }, options?: { deliver?: boolean }): Promise<{ order: StandinOrder; delivery: WebhookDelivery | null }>;
  cancelOrder(orderId: number, options?: { shop?: string; deliver?: boolean }): Promise<{ order: StandinOrder; deliveries: WebhookDelivery[] }>;
  refundOrder(orderId: number, options?: { shop?: string; lines?: { lineItemId: number; quantity: number }[]; deliver?: boolean }): Promise<{ refund: StandinRefund; deliveries: WebhookDelivery[] }>;
  createProduct(input: ProductInput & { shop?: string }, options?: { deliver?: boolean }): Promise<{ product: StandinProduct; delivery: WebhookDelivery | null }>;
  deleteProduct(productId: number, options?: { shop?: string; deliver?: boolean }): Promise<WebhookDelivery | null>;
  createCustomer(input: CustomerInput & { shop?: string }, options?: { deliver?: boolean }): Promise<{ customer: StandinCustomer; delivery: WebhookDelivery | null }>;
  deleteCustomer(customerId: number, options?: { shop?: string; deliver?: boolean }): Promise<WebhookDelivery | null>;
  updateProduct(productId: number, patch: Parameters<ShopState["updateProduct"]>[1], options?: { shop?: string; deliver?: boolean }): Promise<{ product: StandinProduct; delivery: WebhookDelivery | null }>;
  updateCustomer(customerId: number, patch: Parameters<ShopState["updateCustomer"]>[1], options?: { shop?: string; deliver?: boolean }): Promise<{ customer: StandinCustomer; delivery: WebhookDelivery | null }>;
  uninstall(shop?: string): Promise<WebhookDelivery | null>;
  requestCustomerData(customerId: number, shop?: string): Promise<WebhookDelivery>;
  redactCustomer(customerId: number, shop?: string): Promise<WebhookDelivery>;
  redactShop(shop?: string): Promise<WebhookDelivery>;
  /** The admin URL that opens the embedded app, e.g. for a browser test. */
  adminFrameUrl(shop?: string, appPath?: string): string;
  /** The app URL the admin frame loads, with a fresh id_token. */
  embeddedAppUrl(shop?: string, appPath?: string): string;
}

function hostParam(shop: string): string {
  // Shopify sends standard base64 here; the library checks it against /^[0-9a-zA-Z+/]+={0,2}$/.
  return Buffer.from(`admin.shopify.com/store/${shop.replace(/\.myshopify\.com$/, "")}`).toString("base64");
}

function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? "").split(";")) {
    const [name, ...rest] = part.trim().split("=");
    if (name) out[name] = decodeURIComponent(rest.join("="));
  }
  return out;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

const CORS = { "Access-Control-Allow-Origin": "*", "Access-Control-Allow-Headers": "Authorization, Content-Type", "Access-Control-Allow-Methods": "GET, POST, OPTIONS" };

/** Starts the stand-in on 127.0.0.1 (port 0 picks a free port). */
export async function startStandin(options: StandinOptions = {}): Promise<Standin> {
  const apiKey = options.apiKey ?? "testApiKey";
  const apiSecret = options.apiSecret ?? "testApiSecretKey";
  const scopes = options.scopes ?? "read_products,read_orders,read_all_orders,read_customers,write_customers,write_app_proxy,write_pixels,read_customer_events";
  const apiVersion = options.apiVersion ?? DEFAULT_API_VERSION;
  const appUrl = options.appUrl ? options.appUrl.replace(/\/$/, "") : null;
  const nowMs = options.nowMs ?? (() => Date.now());
  const store = options.store ?? new StandinStore();
  if (store.shops.size === 0) store.addShop({ domain: "shopkeeper-demo.myshopify.com" });
  const proxyPrefix = options.proxy?.prefix ?? "/apps/shopkeeper";
  const proxyTarget = options.proxy?.target ?? "/proxy";
  const themeDir = options.themeExtensionDir ?? path.join(REPO_ROOT, "extensions", "shopkeeper-theme");
  let baseUrl = "";

  const schema = buildAdminSchema();
  const calls: Calls = {
    graphql: [],
    mutations: [],
    tokenExchanges: [],
    webhooks: [],
    proxy: [],
    checkouts: [],
    clear() {
      for (const list of [this.graphql, this.mutations, this.tokenExchanges, this.webhooks, this.proxy, this.checkouts]) list.length = 0;
    },
  };
  // eslint-disable-next-line prefer-const
  let standin: Standin;
  const bulk: BulkOperations = new BulkOperations({
    store,
    schema,
    baseUrl: () => baseUrl,
    makeContext: (shop, slice): AdminContext => admin.context(shop, slice),
    onFinish: async (op) => {
      if (options.bulkFinishWebhook && appUrl) await standin.sendWebhook({ topic: "bulk_operations/finish", shop: op.shop, payload: bulkFinishPayload(op) });
    },
  });
  const faults = new Faults(bulk);
  const admin: AdminApi = new AdminApi(
    store,
    schema,
    bulk,
    faults,
    { apiKey, apiSecret, scopes, nowMs, bucket: { maximumAvailable: options.bucket?.maximumAvailable ?? 1000, restoreRate: options.bucket?.restoreRate ?? 50 } },
    () => baseUrl,
  );
  // The admin API's call logs are the same arrays as calls.*.
  calls.graphql = admin.graphqlCalls;
  calls.mutations = admin.mutationCalls;
  calls.tokenExchanges = admin.tokenExchangeCalls;
  const storefront = new Storefront(themeDir, "/extensions/shopkeeper-theme/assets");
  const shimSource = readFileSync(path.join(HERE, "app-bridge-shim.js"), "utf8");

  const pickShop = (domain?: string): ShopState => (domain ? store.shop(domain) : store.defaultShop());
  const mint = (shop?: string, opts: { userId?: string | number; ttlSeconds?: number; overrides?: Partial<SessionTokenClaims> } = {}) =>
    mintSessionToken({ shop: pickShop(shop).domain, apiKey, apiSecret, nowSeconds: Math.floor(nowMs() / 1000), ...opts }).token;
  const embeddedAppUrl = (shop?: string, appPath = "/app") => {
    if (!appUrl) throw new Error("The stand-in was started without appUrl");
    const domain = pickShop(shop).domain;
    const query = new URLSearchParams({ embedded: "1", shop: domain, host: hostParam(domain), id_token: mint(domain), locale: "en", timestamp: String(Math.floor(nowMs() / 1000)) });
    return `${appUrl}${appPath}?${query}`;
  };

  const visitorFor = (req: IncomingMessage, url: URL, setCookies: string[]): VisitorState => {
    const cookies = parseCookies(req.headers.cookie);
    const shopDomain = url.searchParams.get("shop") ?? cookies.standin_shop;
    const shop = shopDomain && store.shops.has(shopDomain) ? store.shop(shopDomain) : store.defaultShop();
    if (url.searchParams.get("shop")) setCookies.push(`standin_shop=${shop.domain}; Path=/`);
    let consent = (cookies.standin_consent as ConsentState) || "unknown";
    const consentParam = url.searchParams.get("consent");
    if (consentParam === "granted" || consentParam === "denied" || consentParam === "unknown") {
      consent = consentParam;
      setCookies.push(`standin_consent=${consent}; Path=/`);
    }
    let customerId = cookies.standin_customer;
    const customerParam = url.searchParams.get("customer");
    if (customerParam !== null) {
      customerId = customerParam === "none" ? "" : customerParam;
      setCookies.push(`standin_customer=${customerId}; Path=/`);
    }
    const customer = customerId ? shop.customers.get(Number(customerId)) ?? null : null;
    const cart = storefront.cartFor(cookies.cart);
    if (cookies.cart !== cart.token) setCookies.push(`cart=${cart.token}; Path=/`);
    return { shop, cart, customer, consent };
  };

  const deliver = async (request: WebhookRequest): Promise<WebhookDelivery | null> => (appUrl || request.appUrl ? standin.sendWebhook(request) : null);

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", baseUrl);
    const method = req.method ?? "GET";
    const pathname = url.pathname;
    const setCookies: string[] = [];
    const send = (reply: Reply) => {
      const headers: Record<string, string | string[]> = { ...reply.headers };
      if (setCookies.length) headers["Set-Cookie"] = setCookies;
      const write = () => {
        if (res.destroyed) return;
        res.writeHead(reply.status, headers);
        res.end(reply.body);
      };
      if (reply.delayMs === Infinity) return;
      if (reply.delayMs && reply.delayMs > 0) setTimeout(write, reply.delayMs);
      else write();
    };
    const html = (status: number, body: string) => send({ status, headers: { "Content-Type": "text/html; charset=utf-8" }, body });
    const json = (status: number, body: unknown, extra: Record<string, string> = {}) =>
      send({ status, headers: { "Content-Type": "application/json; charset=utf-8", ...extra }, body: JSON.stringify(body) });

    if (method === "OPTIONS") return send({ status: 204, headers: CORS, body: "" });

    let match: RegExpExecArray | null;
    if (method === "POST" && pathname === "/admin/oauth/access_token") {
      const body = (await readBody(req)).toString("utf8");
      const hostShop = (req.headers["x-standin-shop"] as string | undefined) ?? null;
      return send(admin.tokenExchange(body, String(req.headers["content-type"] ?? ""), hostShop));
    }
    if (method === "POST" && (match = /^\/admin\/api\/([\w-]+)\/graphql\.json$/.exec(pathname))) {
      const body = (await readBody(req)).toString("utf8");
      return send(admin.graphql(match[1], body, req.headers["x-shopify-access-token"] as string | undefined));
    }
    if (method === "GET" && (match = /^\/bulk-results\/(\d+)\.jsonl$/.exec(pathname))) {
      const file = bulk.filePath(Number(match[1]));
      if (!existsSync(file)) return json(404, { error: "Not found" });
      res.writeHead(200, { "Content-Type": "application/jsonl", "Content-Length": String(statSync(file).size) });
      createReadStream(file).pipe(res);
      return;
    }
    if (method === "GET" && (match = /^\/images\/products\/(\d+)\.svg$/.exec(pathname))) {
      for (const shop of store.shops.values()) {
        const product = shop.products.get(Number(match[1]));
        if (product) return send({ status: 200, headers: { "Content-Type": "image/svg+xml", "Cache-Control": "max-age=3600" }, body: productSvg(product) });
      }
      return send({ status: 404, body: "" });
    }
    if (method === "GET" && pathname === "/admin/session-token") {
      const shop = url.searchParams.get("shop") ?? store.defaultShop().domain;
      if (!store.shops.has(shop)) return json(404, { error: "Unknown shop" }, CORS);
      return json(200, { token: mint(shop) }, { ...CORS, "Cache-Control": "no-store" });
    }
    if (method === "GET" && pathname === "/app-bridge.js") {
      return send({ status: 200, headers: { "Content-Type": "application/javascript; charset=utf-8", ...CORS }, body: shimSource });
    }
    if (method === "GET" && pathname === "/admin/frame") {
      if (!appUrl) return html(500, "The stand-in was started without --app-url");
      const shop = pickShop(url.searchParams.get("shop") ?? undefined);
      // The app's Content-Security-Policy admits only Shopify's admin origins as frame ancestors, which a
      // loopback stand-in cannot be, so it opens the embedded app top-level with a fresh id_token instead
      // of framing it. The App Bridge shim plays the admin's part (session tokens, navigation, toasts).
      const src = embeddedAppUrl(shop.domain, url.searchParams.get("path") ?? "/app");
      return send({ status: 302, headers: { Location: src, "Cache-Control": "no-store" }, body: "" });
    }
    if (pathname.startsWith("/extensions/shopkeeper-theme/assets/")) {
      const file = path.join(themeDir, "assets", path.basename(pathname));
      if (!existsSync(file)) return send({ status: 404, body: "" });
      const type = file.endsWith(".js") ? "application/javascript" : file.endsWith(".css") ? "text/css" : file.endsWith(".svg") ? "image/svg+xml" : "application/octet-stream";
      return send({ status: 200, headers: { "Content-Type": `${type}; charset=utf-8` }, body: readFileSync(file) });
    }

    // Storefront and the AJAX cart.
    if (pathname === "/" && method === "GET") return html(200, indexPage(standin));
    if (method === "GET" && (pathname === "/storefront" || pathname === "/storefront/")) {
      return html(200, await storefront.renderIndex(visitorFor(req, url, setCookies)));
    }
    if (method === "GET" && (match = /^(?:\/storefront)?\/products\/([\w-]+?)(?:\.js)?$/.exec(pathname))) {
      const visitor = visitorFor(req, url, setCookies);
      const product = visitor.shop.productByHandleOrNull(match[1]);
      if (!product) return html(404, "<h1>Not found</h1>");
      return html(200, await storefront.renderProduct(visitor, product));
    }
    if (method === "GET" && (match = /^(?:\/storefront)?\/collections\/([\w-]+)$/.exec(pathname))) {
      const page = await storefront.renderCollection(visitorFor(req, url, setCookies), match[1]);
      return page ? html(200, page) : html(404, "<h1>Not found</h1>");
    }
    if (method === "GET" && (pathname === "/storefront/account" || pathname === "/account")) {
      const visitor = visitorFor(req, url, setCookies);
      return html(200, await storefront.renderAccount(visitor, visitor.customer ? visitor.shop.ordersByCustomer.get(visitor.customer.id) ?? [] : []));
    }
    if (method === "GET" && (pathname === "/storefront/cart" || pathname === "/cart")) {
      return html(200, await storefront.renderCart(visitorFor(req, url, setCookies)));
    }
    if (method === "GET" && pathname === "/cart.js") {
      const visitor = visitorFor(req, url, setCookies);
      return json(200, storefront.cartJson(visitor.shop, visitor.cart));
    }
    if (method === "POST" && (pathname === "/cart/add.js" || pathname === "/cart/add")) {
      const visitor = visitorFor(req, url, setCookies);
      const body = await parseFormOrJson(req);
      const items = Array.isArray(body.items) ? (body.items as Record<string, unknown>[]) : [body];
      try {
        const lines = items.map((item) => storefront.addToCart(visitor.shop, visitor.cart, { id: Number(item.id), quantity: Number(item.quantity ?? 1), properties: (item.properties as Record<string, string>) ?? {} }));
        if (pathname === "/cart/add") return send({ status: 302, headers: { Location: "/storefront/cart" }, body: "" });
        const jsonLines = lines.map((line) => storefront.cartItemJson(visitor.shop, line));
        return json(200, Array.isArray(body.items) ? { items: jsonLines } : jsonLines[0]);
      } catch (error) {
        if (error instanceof CartError) return json(error.status === 404 ? 404 : 422, { status: error.status, message: "Cart Error", description: error.message });
        throw error;
      }
    }
    if (method === "POST" && (pathname === "/cart/update.js" || pathname === "/cart/change.js" || pathname === "/cart/clear.js")) {
      const visitor = visitorFor(req, url, setCookies);
      const body = await parseFormOrJson(req);
      const cart = visitor.cart;
      if (pathname === "/cart/clear.js") cart.lines = [];
      if (pathname === "/cart/update.js") {
        if (body.attributes && typeof body.attributes === "object") {
          for (const [k, v] of Object.entries(body.attributes as Record<string, unknown>)) {
            if (v === "" || v === null) delete cart.attributes[k];
            else cart.attributes[k] = String(v);
          }
        }
        if (typeof body.note === "string") cart.note = body.note;
        if (body.updates && typeof body.updates === "object") {
          for (const [variantId, qty] of Object.entries(body.updates as Record<string, unknown>)) {
            for (const line of cart.lines) if (line.variantId === Number(variantId)) line.quantity = Number(qty);
          }
          cart.lines = cart.lines.filter((l) => l.quantity > 0);
        }
      }
      if (pathname === "/cart/change.js") {
        const key = String(body.id ?? body.line ?? "");
        const index = body.line !== undefined ? Number(body.line) - 1 : cart.lines.findIndex((l) => storefront.lineKey(l) === key || String(l.variantId) === key);
        if (index < 0 || index >= cart.lines.length) return json(400, { status: 400, message: "Cart Error", description: "No line matches" });
        cart.lines[index].quantity = Number(body.quantity ?? 0);
        if (body.properties && typeof body.properties === "object") cart.lines[index].properties = body.properties as Record<string, string>;
        cart.lines = cart.lines.filter((l) => l.quantity > 0);
      }
      return json(200, storefront.cartJson(visitor.shop, cart));
    }
    if (method === "POST" && pathname === "/storefront/checkout") {
      const visitor = visitorFor(req, url, setCookies);
      if (visitor.cart.lines.length === 0) return json(422, { error: "Cart is empty" });
      const { order, delivery } = await standin.createOrder({
        shop: visitor.shop.domain,
        customerId: visitor.customer?.id ?? null,
        email: visitor.customer?.email ?? "guest@example.com",
        sourceName: "web",
        customAttributes: Object.entries(visitor.cart.attributes).map(([key, value]) => ({ key, value })),
        lines: visitor.cart.lines.map((line) => ({ variantId: line.variantId, quantity: line.quantity, properties: Storefront.lineProperties(line) })),
      });
      calls.checkouts.push({ orderId: order.id, webhookStatus: delivery?.status ?? null });
      visitor.cart.lines = [];
      visitor.cart.attributes = {};
      const result = { order: { id: order.id, name: order.name, admin_graphql_api_id: toGid("Order", order.id) }, webhook: delivery ? { status: delivery.status, eventId: delivery.eventId } : null };
      if (String(req.headers.accept ?? "").includes("application/json")) return json(200, result);
      return html(200, `<!doctype html><html><body><h1>Thank you!</h1><p data-order-name>${order.name}</p><p>Webhook: ${delivery ? delivery.status : "not delivered (no app URL)"}</p><a href="/storefront">Continue shopping</a></body></html>`);
    }

    // App proxy.
    if (pathname === proxyPrefix || pathname.startsWith(`${proxyPrefix}/`)) {
      if (!appUrl) return html(502, "The stand-in was started without --app-url");
      const visitor = visitorFor(req, url, setCookies);
      const rest = pathname.slice(proxyPrefix.length);
      const query = buildProxyQuery(url.searchParams, {
        shop: visitor.shop.domain,
        loggedInCustomerId: visitor.customer ? String(visitor.customer.id) : "",
        pathPrefix: proxyPrefix,
        timestamp: Math.floor(nowMs() / 1000),
        secret: apiSecret,
      });
      const forwardedUrl = `${appUrl}${proxyTarget}${rest}?${query}`;
      const body = method === "GET" || method === "HEAD" ? undefined : await readBody(req);
      const headers: Record<string, string> = { "X-Forwarded-Host": visitor.shop.domain, "X-Forwarded-For": req.socket.remoteAddress ?? "127.0.0.1" };
      for (const name of ["content-type", "accept", "user-agent", "accept-language"]) {
        const value = req.headers[name];
        if (typeof value === "string") headers[name] = value;
      }
      const upstream = await fetch(forwardedUrl, { method, headers, body: body ? new Uint8Array(body) : undefined, redirect: "manual" });
      calls.proxy.push({ method, path: pathname, status: upstream.status, forwardedUrl });
      const contentType = upstream.headers.get("content-type") ?? "";
      const passHeaders: Record<string, string> = {};
      for (const name of ["content-type", "cache-control", "location"]) {
        const value = upstream.headers.get(name);
        if (value) passHeaders[name] = value;
      }
      if (contentType.includes("application/liquid")) {
        const liquid = await upstream.text();
        return html(upstream.status, await storefront.renderProxyLiquid(visitor, pathname, liquid));
      }
      return send({ status: upstream.status, headers: passHeaders, body: Buffer.from(await upstream.arrayBuffer()) });
    }
    if (pathname === "/health") return json(200, { ok: true });
    return json(404, { errors: "Not Found" });
  };

  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { "Content-Type": "text/plain" });
        res.end(`Stand-in error: ${(error as Error).stack ?? String(error)}`);
      }
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const address = server.address() as AddressInfo;
  baseUrl = `http://${options.host ?? "127.0.0.1"}:${address.port}`;

  const shopOf = (domain?: string) => pickShop(domain);
  standin = {
    url: baseUrl,
    port: address.port,
    store,
    apiKey,
    apiSecret,
    appUrl,
    faults,
    bulk,
    calls,
    admin,
    storefront,
    shop: shopOf,
    async close() {
      bulk.release();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      bulk.dispose();
    },
    mintSessionToken: mint,
    issueAccessToken: (shop) => admin.issueAccessToken(shopOf(shop).domain),
    signProxyQuery: (params) => signProxyQuery(params, apiSecret),
    async sendWebhook(request) {
      const target = request.appUrl ?? appUrl;
      if (!target) throw new Error("No appUrl to deliver the webhook to");
      const eventId = request.eventId ?? crypto.randomUUID();
      const webhookId = request.webhookId ?? crypto.randomUUID();
      for (let attempt = 0; ; attempt++) {
        const delivery = await postWebhook({
          appUrl: target,
          topic: request.topic,
          shop: shopOf(request.shop).domain,
          payload: request.payload,
          apiSecret,
          apiVersion: request.apiVersion ?? apiVersion,
          eventId,
          webhookId,
          triggeredAt: request.triggeredAt ?? new Date(nowMs()).toISOString(),
          signWithSecret: request.signWithSecret,
          hmacOverride: request.hmacOverride,
          path: request.path,
        });
        calls.webhooks.push(delivery);
        const ok = delivery.status >= 200 && delivery.status < 300;
        if (ok || attempt >= (request.retries ?? 0)) return delivery;
        if (request.retryDelayMs) await new Promise((resolve) => setTimeout(resolve, request.retryDelayMs));
      }
    },
    async deliverWebhooks(requests, { order = "as-is", duplicate = false } = {}) {
      const withIds = requests.map((r) => ({ ...r, eventId: r.eventId ?? crypto.randomUUID() }));
      const sequence = reorder(duplicate ? withIds.flatMap((r) => [r, r]) : withIds, order);
      const out: WebhookDelivery[] = [];
      for (const request of sequence) out.push(await standin.sendWebhook(request));
      return out;
    },
    async createOrder(input, { deliver: doDeliver = true } = {}) {
      const shop = shopOf(input.shop);
      const order = shop.addOrder(input);
      const delivery = doDeliver ? await deliver({ topic: "orders/create", shop: shop.domain, payload: orderPayload(shop, order) }) : null;
      return { order, delivery };
    },
    async cancelOrder(orderId, { shop: domain, deliver: doDeliver = true } = {}) {
      const shop = shopOf(domain);
      const order = shop.cancelOrder(orderId);
      const deliveries: WebhookDelivery[] = [];
      if (doDeliver) {
        for (const topic of ["orders/cancelled", "orders/updated"]) {
          const d = await deliver({ topic, shop: shop.domain, payload: orderPayload(shop, order) });
          if (d) deliveries.push(d);
        }
      }
      return { order, deliveries };
    },
    async refundOrder(orderId, { shop: domain, lines, deliver: doDeliver = true } = {}) {
      const shop = shopOf(domain);
      const refund = shop.refundOrder(orderId, lines);
      const order = shop.requireOrder(orderId);
      const deliveries: WebhookDelivery[] = [];
      if (doDeliver) {
        const a = await deliver({ topic: "refunds/create", shop: shop.domain, payload: refundPayload(shop, order, refund) });
        const b = await deliver({ topic: "orders/updated", shop: shop.domain, payload: orderPayload(shop, order) });
        for (const d of [a, b]) if (d) deliveries.push(d);
      }
      return { refund, deliveries };
    },
    async createProduct(input, { deliver: doDeliver = true } = {}) {
      const shop = shopOf(input.shop);
      const product = shop.addProduct(input);
      const delivery = doDeliver ? await deliver({ topic: "products/create", shop: shop.domain, payload: productPayload(shop, product) }) : null;
      return { product, delivery };
    },
    async deleteProduct(productId, { shop: domain, deliver: doDeliver = true } = {}) {
      const shop = shopOf(domain);
      shop.deleteProduct(productId);
      return doDeliver ? deliver({ topic: "products/delete", shop: shop.domain, payload: deletePayload(productId) }) : null;
    },
    async createCustomer(input, { deliver: doDeliver = true } = {}) {
      const shop = shopOf(input.shop);
      const customer = shop.addCustomer(input);
      const delivery = doDeliver ? await deliver({ topic: "customers/create", shop: shop.domain, payload: customerPayload(shop, customer) }) : null;
      return { customer, delivery };
    },
    async deleteCustomer(customerId, { shop: domain, deliver: doDeliver = true } = {}) {
      const shop = shopOf(domain);
      shop.deleteCustomer(customerId);
      return doDeliver ? deliver({ topic: "customers/delete", shop: shop.domain, payload: deletePayload(customerId) }) : null;
    },
    async updateProduct(productId, patch, { shop: domain, deliver: doDeliver = true } = {}) {
      const shop = shopOf(domain);
      const product = shop.updateProduct(productId, patch);
      const delivery = doDeliver ? await deliver({ topic: "products/update", shop: shop.domain, payload: productPayload(shop, product) }) : null;
      return { product, delivery };
    },
    async updateCustomer(customerId, patch, { shop: domain, deliver: doDeliver = true } = {}) {
      const shop = shopOf(domain);
      const customer = shop.updateCustomer(customerId, patch);
      const delivery = doDeliver ? await deliver({ topic: "customers/update", shop: shop.domain, payload: customerPayload(shop, customer) }) : null;
      return { customer, delivery };
    },
    async uninstall(domain) {
      const shop = shopOf(domain);
      shop.installed = false;
      admin.revokeTokens(shop.domain);
      return deliver({ topic: "app/uninstalled", shop: shop.domain, payload: shopPayload(shop) });
    },
    async requestCustomerData(customerId, domain) {
      const shop = shopOf(domain);
      const customer = shop.requireCustomer(customerId);
      const orderIds = (shop.ordersByCustomer.get(customerId) ?? []).map((o) => o.id);
      return standin.sendWebhook({ topic: "customers/data_request", shop: shop.domain, payload: customersDataRequestPayload(shop, customer, orderIds) });
    },
    async redactCustomer(customerId, domain) {
      const shop = shopOf(domain);
      const customer = shop.requireCustomer(customerId);
      const orderIds = (shop.ordersByCustomer.get(customerId) ?? []).map((o) => o.id);
      return standin.sendWebhook({ topic: "customers/redact", shop: shop.domain, payload: customersRedactPayload(shop, customer, orderIds) });
    },
    async redactShop(domain) {
      const shop = shopOf(domain);
      return standin.sendWebhook({ topic: "shop/redact", shop: shop.domain, payload: shopRedactPayload(shop) });
    },
    adminFrameUrl: (shop, appPath = "/app") => `${baseUrl}/admin/frame?shop=${encodeURIComponent(shopOf(shop).domain)}&path=${encodeURIComponent(appPath)}`,
    embeddedAppUrl,
  };
  return standin;
}

async function parseFormOrJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const raw = (await readBody(req)).toString("utf8");
  if (String(req.headers["content-type"] ?? "").includes("application/json")) return raw ? JSON.parse(raw) : {};
  const out: Record<string, unknown> = {};
  const properties: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    const prop = /^properties\[(.+)\]$/.exec(key);
    if (prop) properties[prop[1]] = value;
    else out[key] = value;
  }
  if (Object.keys(properties).length) out.properties = properties;
  return out;
}

function indexPage(standin: Standin): string {
  const shops = [...standin.store.shops.values()];
  const rows = shops
    .map((s) => `<li><b>${s.domain}</b>: ${s.products.size} products, ${s.customers.size} customers, ${s.orders.size} orders · <a href="/admin/frame?shop=${s.domain}">admin</a> · <a href="/storefront?shop=${s.domain}">storefront</a></li>`)
    .join("");
  return `<!doctype html><html><head><meta charset="utf-8"><title>Shopify stand-in</title></head><body style="font-family:system-ui,sans-serif">
<h1>Local Shopify stand-in</h1><ul>${rows}</ul>
<p>Admin GraphQL: <code>POST ${standin.url}/admin/api/&lt;version&gt;/graphql.json</code> · token exchange: <code>POST ${standin.url}/admin/oauth/access_token</code></p>
<p>App: ${standin.appUrl ?? "(none)"} · App Bridge shim: <code>${standin.url}/app-bridge.js</code></p></body></html>`;
}
