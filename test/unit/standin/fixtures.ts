import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { StandinStore } from "../../standin/store";

export const SHOP = "tiny-shop.myshopify.com";

/** Three products, two customers, two orders (3 lines and 1 line), on a frozen clock. */
export function tinyStore(now = new Date("2025-03-01T12:00:00Z")) {
  const store = new StandinStore({ now: () => now });
  const shop = store.addShop({ domain: SHOP, name: "Tiny Shop", currencyCode: "GBP" });
  const mug = shop.addProduct({ title: "Blue Mug", productType: "Kitchen", price: "5.00", sku: "MUG-1", inventoryQuantity: 10, createdAt: "2025-01-01T00:00:00Z", collections: ["Kitchen"] });
  const candle = shop.addProduct({ title: "Lavender Candle", productType: "Lighting", price: "7.50", sku: "CAN-1", inventoryQuantity: 0, createdAt: "2025-01-02T00:00:00Z" });
  const bib = shop.addProduct({ title: "Baby Bib", productType: "Baby", tags: ["baby"], price: "3.25", sku: "BIB-1", inventoryQuantity: 4, createdAt: "2025-02-15T00:00:00Z" });
  const ann = shop.addCustomer({ email: "ann@example.com", createdAt: "2025-01-05T00:00:00Z", marketingState: "SUBSCRIBED", countryCode: "GB" });
  const bob = shop.addCustomer({ email: "bob@example.com", createdAt: "2025-01-06T00:00:00Z", countryCode: "FR" });
  const first = shop.addOrder({
    customerId: ann.id,
    createdAt: "2025-01-10T09:00:00Z",
    lines: [
      { variantId: mug.variants[0].id, quantity: 2 },
      { variantId: candle.variants[0].id, quantity: 1 },
      { variantId: bib.variants[0].id, quantity: 3, properties: [{ name: "_sk_rec", value: "r1" }] },
    ],
  });
  const second = shop.addOrder({ customerId: bob.id, createdAt: "2025-02-20T10:00:00Z", lines: [{ variantId: mug.variants[0].id, quantity: 1 }] });
  return { store, shop, mug, candle, bib, ann, bob, first, second };
}

export interface Captured {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

/** A tiny app stand-in that records every request and answers with `respond`. */
export async function captureServer(respond: (req: Captured) => { status?: number; type?: string; body?: string } = () => ({})) {
  const requests: Captured[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const captured = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") };
      requests.push(captured);
      const out = respond(captured);
      res.writeHead(out.status ?? 200, { "Content-Type": out.type ?? "application/json" });
      res.end(out.body ?? "{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, requests, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** POSTs a GraphQL request to the stand-in. */
export async function graphql(url: string, token: string | undefined, query: string, variables: Record<string, unknown> = {}) {
  const response = await fetch(`${url}/admin/api/2025-07/graphql.json`, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...(token ? { "X-Shopify-Access-Token": token } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  return { status: response.status, body: text.startsWith("{") ? JSON.parse(text) : text };
}
