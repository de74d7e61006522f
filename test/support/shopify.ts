import {
  API_KEY,
  API_SECRET_KEY,
  RequestType,
  getHmac,
  setUpValidRequest,
  setUpValidSession,
} from "@shopify/shopify-api/test-helpers";
import { sessionStorage } from "~/shopify.server";

export { API_KEY, API_SECRET_KEY, RequestType };

export const APP_SCOPES = process.env.SCOPES!;

/** Stores an offline session for the shop, as token exchange would after install. */
export async function storeOfflineSession(shop: string) {
  const session = setUpValidSession({
    shop,
    isOnline: false,
    scope: APP_SCOPES,
    expires: undefined as unknown as Date,
    accessToken: `shpat_${shop.split(".")[0]}`,
  });
  await sessionStorage.storeSession(session);
  return session;
}

/** An embedded admin request: a document load (id_token in the query) or, with bearer, a fetch/action. */
export async function adminRequest(
  shop: string,
  path: string,
  init: RequestInit = {},
  secret = API_SECRET_KEY,
  type: RequestType.Admin | RequestType.Bearer = RequestType.Admin,
) {
  const request = new Request(`https://shopkeeper.test${path}`, init);
  return setUpValidRequest({ type, store: shop.replace(".myshopify.com", ""), apiKey: API_KEY, apiSecretKey: secret }, request);
}

export async function proxyRequest(shop: string, path: string, secret = API_SECRET_KEY, init: RequestInit = {}) {
  const request = new Request(`https://shopkeeper.test${path}`, init);
  return setUpValidRequest({ type: RequestType.Public, store: shop.replace(".myshopify.com", ""), apiSecretKey: secret }, request);
}

let eventCounter = 0;
/** A webhook request with Shopify's headers; pass another secret to forge the HMAC. */
export function webhookRequest(
  shop: string,
  topic: string,
  payload: unknown,
  { secret = API_SECRET_KEY, eventId, body }: { secret?: string; eventId?: string; body?: string } = {},
) {
  const raw = body ?? JSON.stringify(payload);
  eventCounter += 1;
  return new Request(`https://shopkeeper.test/webhooks/${topic}`, {
    method: "POST",
    body: raw,
    headers: {
      "Content-Type": "application/json",
      "X-Shopify-Hmac-Sha256": getHmac(raw, secret),
      "X-Shopify-Topic": topic,
      "X-Shopify-Shop-Domain": shop,
      "X-Shopify-API-Version": "2025-07",
      "X-Shopify-Webhook-Id": `wh-${Date.now()}-${eventCounter}`,
      "X-Shopify-Event-Id": eventId ?? `ev-${Date.now()}-${eventCounter}`,
      "X-Shopify-Triggered-At": new Date().toISOString(),
    },
  });
}
