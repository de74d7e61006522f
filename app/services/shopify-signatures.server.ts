import { createHmac, timingSafeEqual } from "node:crypto";
import { env } from "~/env.server";
import { addLogContext } from "~/logger.server";
import { BODY_LIMITS, BodyTooLargeError, payloadTooLarge, readBodyWithin } from "~/services/body-limit.server";

// The webhook and JSON app-proxy endpoints check Shopify's signatures here instead of through
// `authenticate.webhook` / `authenticate.public.appProxy`: those also load the shop's offline session
// from the database on every request, to build an Admin client these endpoints never use, and that
// lookup was the largest single cost of both hot paths (docs/decisions/095-hot-path-verification.md).
// The checks are the ones the library makes: same headers, same message, constant-time comparison.

/** Seconds an app-proxy timestamp may differ from our clock (Shopify's library allows the same 90 s). */
export const PROXY_TIMESTAMP_TOLERANCE_S = 90;

/** Constant-time comparison of the encoded digests, as the library's safeCompare does. */
function sameDigest(expected: string, received: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(received);
  return a.length === b.length && timingSafeEqual(a, b);
}

export interface VerifiedWebhook {
  shop: string;
  webhookId: string;
  apiVersion: string;
  eventId: string | null;
  /** As the library stores it: "orders/create" becomes "ORDERS_CREATE". */
  topic: string;
  /** The exact bytes Shopify signed, already checked to be a JSON document. */
  rawBody: string;
}

/** What verifying a webhook needs from a request, whichever server received it. */
export interface WebhookRequestParts {
  method: string;
  header(name: string): string | null;
  /** The whole body; throws BodyTooLargeError past `limit` bytes. */
  body(limit: number): Promise<Uint8Array>;
}

/** The parts of a Fetch Request (Remix routes). */
export function webhookPartsOf(request: Request): WebhookRequestParts {
  return { method: request.method, header: (name) => request.headers.get(name), body: (limit) => readBodyWithin(request, limit) };
}

/**
 * Verifies a webhook delivery: POST only (405), body within the limit (413, before any HMAC work),
 * a body and HMAC header (400), HMAC-SHA256 of the raw body (401), then the other headers Shopify
 * always sends and a JSON body (400).
 */
export async function verifyWebhook(request: WebhookRequestParts): Promise<VerifiedWebhook> {
  if (request.method !== "POST") throw new Response(undefined, { status: 405, statusText: "Method not allowed", headers: { Allow: "POST" } });
  let bytes: Uint8Array;
  try {
    bytes = await request.body(BODY_LIMITS.webhook);
  } catch (error) {
    if (error instanceof BodyTooLargeError) throw payloadTooLarge(BODY_LIMITS.webhook);
    throw error;
  }
  const header = request.header;
  const hmac = header("x-shopify-hmac-sha256");
  const shop = header("x-shopify-shop-domain");
  const topic = header("x-shopify-topic");
  const apiVersion = header("x-shopify-api-version");
  const webhookId = header("x-shopify-webhook-id");
  const badRequest = () => new Response(undefined, { status: 400, statusText: "Bad Request" });
  if (bytes.byteLength === 0 || !hmac) throw badRequest();
  const expected = createHmac("sha256", env().SHOPIFY_API_SECRET).update(bytes).digest("base64");
  if (!sameDigest(expected, hmac)) throw new Response(undefined, { status: 401, statusText: "Unauthorized" });
  if (!shop || !topic || !apiVersion || !webhookId) throw badRequest();
  const rawBody = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8");
  try {
    JSON.parse(rawBody);
  } catch {
    throw badRequest();
  }
  addLogContext({ shop });
  return { shop, topic: topic.toUpperCase().replace(/\/|\./g, "_"), webhookId, apiVersion, eventId: header("x-shopify-event-id"), rawBody };
}

/**
 * The string Shopify signs for an app-proxy request: `key=value` pairs (a repeated key's values joined
 * by ",") sorted as strings and concatenated. `entries` excludes the signature and keeps query order.
 */
function proxyMessage(entries: [string, string][]): string {
  // A stable sort by key brings a repeated key's values together, still in query order.
  entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const pairs: string[] = [];
  for (let i = 0; i < entries.length; i++) {
    const [key, value] = entries[i];
    if (i > 0 && entries[i - 1][0] === key) pairs[pairs.length - 1] += `,${value}`;
    else pairs.push(`${key}=${value}`);
  }
  return pairs.sort().join("");
}

export interface VerifiedProxyRequest {
  shop: string;
  params: URLSearchParams;
  /** The signed timestamp, in seconds. */
  timestamp: number;
}

/** The refusal of a proxy request that is not Shopify's, as Shopify's helper answers it. */
export const proxyRefusal = () => new Response(undefined, { status: 400, statusText: "Bad Request" });

/** Whether a proxy request signed at `timestamp` (seconds) may still be answered at `nowMs`. */
export function proxyTimestampFresh(timestamp: number, nowMs: number): boolean {
  return Math.abs(nowMs / 1000 - timestamp) <= PROXY_TIMESTAMP_TOLERANCE_S;
}

/**
 * Verifies an app-proxy request (or its query): exactly one `signature`, `shop` and `timestamp`, the
 * timestamp within PROXY_TIMESTAMP_TOLERANCE_S of now (a captured URL can't be replayed later), and the
 * hex HMAC-SHA256 of the sorted parameters. Anything else is refused with 400, as Shopify's helper does.
 */
export function verifyAppProxy(request: Request | URLSearchParams, nowMs = Date.now()): VerifiedProxyRequest {
  // The web server's hot path (app/hot-paths.server.ts) has the query string but no Fetch Request.
  const params = request instanceof URLSearchParams ? request : new URL(request.url).searchParams;
  // One pass over the query: the signed entries, and the three parameters that must appear exactly once.
  const entries: [string, string][] = [];
  let signature: string | null = null;
  let shop: string | null = null;
  let timestamp: string | null = null;
  let repeated = false;
  for (const entry of params) {
    const [key, value] = entry;
    if (key === "signature") {
      repeated ||= signature !== null;
      signature = value;
      continue;
    }
    if (key === "shop") {
      repeated ||= shop !== null;
      shop = value;
    } else if (key === "timestamp") {
      repeated ||= timestamp !== null;
      timestamp = value;
    }
    entries.push(entry);
  }
  if (repeated || !signature || !shop || !timestamp || !/^[0-9a-f]{64}$/.test(signature)) throw proxyRefusal();
  if (!/^\d{1,12}$/.test(timestamp) || !proxyTimestampFresh(Number(timestamp), nowMs)) throw proxyRefusal();
  const expected = createHmac("sha256", env().SHOPIFY_API_SECRET).update(proxyMessage(entries)).digest();
  // The signature is 64 hex digits (checked above), so both sides are 32 bytes.
  if (!timingSafeEqual(expected, Buffer.from(signature, "hex"))) throw proxyRefusal();
  addLogContext({ shop });
  return { shop, params, timestamp: Number(timestamp) };
}
