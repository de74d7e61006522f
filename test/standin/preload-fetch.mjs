// Preload for a separate app process: NODE_OPTIONS="--import ./test/standin/preload-fetch.mjs"
// with SHOPIFY_STANDIN_URL=http://127.0.0.1:<port>. Shopify's node adapter captures globalThis.fetch
// when it is imported, so the patch has to be in place before the app loads.
const standinUrl = process.env.SHOPIFY_STANDIN_URL;
if (standinUrl) {
  const target = new URL(standinUrl);
  const shopHost = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/i;
  const original = globalThis.fetch;
  globalThis.fetch = function standinFetch(input, init) {
    const url = new URL(typeof input === "string" ? input : input instanceof URL ? input.href : input.url);
    if (!shopHost.test(url.hostname)) return original(input, init);
    const shop = url.hostname;
    url.protocol = target.protocol;
    url.host = target.host;
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
    headers.set("X-Standin-Shop", shop);
    if (input instanceof Request) {
      return original(new Request(url, { ...init, headers, method: init?.method ?? input.method, body: init?.body ?? input.body, duplex: "half" }));
    }
    return original(url, { ...init, headers });
  };
}
