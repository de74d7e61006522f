import { createHmac } from "node:crypto";

export type ProxyParams = URLSearchParams | Record<string, string | string[]>;

function grouped(params: ProxyParams): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const entries: [string, string | string[]][] = params instanceof URLSearchParams ? [...params.entries()] : Object.entries(params);
  for (const [key, value] of entries) {
    if (key === "signature") continue;
    const list = out.get(key) ?? [];
    list.push(...(Array.isArray(value) ? value : [value]));
    out.set(key, list);
  }
  return out;
}

// Shopify sorts the joined "key=value" strings (its documented Ruby example), not the keys; the two
// differ only when a key is a prefix of another and the next character sorts before "=".
/** The string Shopify signs for an app proxy request: sorted `key=value` pairs, repeated values joined by ",", no separator. */
export function proxySignatureMessage(params: ProxyParams): string {
  return [...grouped(params).entries()]
    .map(([key, values]) => `${key}=${values.join(",")}`)
    .sort()
    .join("");
}

/** Shopify's app proxy signature: hex HMAC-SHA256 of proxySignatureMessage with the app secret. */
export function signProxyQuery(params: ProxyParams, secret: string): string {
  return createHmac("sha256", secret).update(proxySignatureMessage(params)).digest("hex");
}

/** Adds the parameters Shopify appends to a proxied request, including `signature`. */
export function buildProxyQuery(
  original: URLSearchParams,
  { shop, loggedInCustomerId, pathPrefix, timestamp, secret }: { shop: string; loggedInCustomerId: string; pathPrefix: string; timestamp: number; secret: string },
): URLSearchParams {
  const query = new URLSearchParams();
  for (const [key, value] of original) {
    if (!["shop", "logged_in_customer_id", "path_prefix", "timestamp", "signature"].includes(key)) query.append(key, value);
  }
  query.set("shop", shop);
  query.set("logged_in_customer_id", loggedInCustomerId);
  query.set("path_prefix", pathPrefix);
  query.set("timestamp", String(timestamp));
  query.set("signature", signProxyQuery(query, secret));
  return query;
}

/**
 * buildProxyQuery for a shopper's request to the app's default proxy path: the given parameters, a
 * guest unless `customer` is given, signed now unless `timestampSeconds` is given.
 */
export function signedProxyQuery(
  params: Record<string, string>,
  { shop, secret, customer = "", timestampSeconds = Math.floor(Date.now() / 1000) }: { shop: string; secret: string; customer?: string; timestampSeconds?: number },
): URLSearchParams {
  return buildProxyQuery(new URLSearchParams(params), { shop, loggedInCustomerId: customer, pathPrefix: "/apps/shopkeeper", timestamp: timestampSeconds, secret });
}
