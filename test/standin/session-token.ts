import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";

export interface SessionTokenClaims {
  iss: string;
  dest: string;
  aud: string;
  sub: string;
  exp: number;
  nbf: number;
  iat: number;
  jti: string;
  sid: string;
  sig?: string;
}

export interface MintOptions {
  shop: string;
  apiKey: string;
  apiSecret: string;
  /** Admin user id (the `sub` claim). */
  userId?: string | number;
  /** Seconds since the epoch; defaults to the wall clock. */
  nowSeconds?: number;
  /** Lifetime in seconds; Shopify's tokens live one minute. */
  ttlSeconds?: number;
  /** Override or add claims, e.g. to forge an expired or mis-addressed token in a test. */
  overrides?: Partial<SessionTokenClaims>;
}

function base64url(input: Buffer | string): string {
  return Buffer.from(input).toString("base64url");
}

/** Signs a JWT with HS256, the algorithm App Bridge session tokens use. */
export function signHs256(payload: object, secret: string): string {
  const header = base64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
  const body = base64url(JSON.stringify(payload));
  const signature = createHmac("sha256", secret).update(`${header}.${body}`).digest("base64url");
  return `${header}.${body}.${signature}`;
}

/** Mints an App Bridge session token (id_token) with Shopify's claims. */
export function mintSessionToken(options: MintOptions): { token: string; claims: SessionTokenClaims } {
  const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  const claims: SessionTokenClaims = {
    iss: `https://${options.shop}/admin`,
    dest: `https://${options.shop}`,
    aud: options.apiKey,
    sub: String(options.userId ?? 1),
    exp: now + (options.ttlSeconds ?? 60),
    nbf: now,
    iat: now,
    jti: randomUUID(),
    sid: randomUUID().replace(/-/g, ""),
    ...options.overrides,
  };
  return { token: signHs256(claims, options.apiSecret), claims };
}

export type VerifyResult = { ok: true; claims: SessionTokenClaims } | { ok: false; reason: string };

/** Verifies an HS256 session token as Shopify does on token exchange: signature, expiry and audience. */
export function verifySessionToken(
  token: string,
  { apiKey, apiSecret, nowSeconds = Math.floor(Date.now() / 1000), leewaySeconds = 10 }: { apiKey: string; apiSecret: string; nowSeconds?: number; leewaySeconds?: number },
): VerifyResult {
  const parts = token.split(".");
  if (parts.length !== 3) return { ok: false, reason: "malformed token" };
  const [header, body, signature] = parts;
  let headerJson: { alg?: string };
  let claims: SessionTokenClaims;
  try {
    headerJson = JSON.parse(Buffer.from(header, "base64url").toString("utf8"));
    claims = JSON.parse(Buffer.from(body, "base64url").toString("utf8"));
  } catch {
    return { ok: false, reason: "malformed token" };
  }
  if (headerJson.alg !== "HS256") return { ok: false, reason: "unsupported algorithm" };
  const expected = createHmac("sha256", apiSecret).update(`${header}.${body}`).digest();
  const given = Buffer.from(signature, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: "bad signature" };
  if (typeof claims.exp !== "number" || claims.exp + leewaySeconds < nowSeconds) return { ok: false, reason: "expired" };
  if (typeof claims.nbf === "number" && claims.nbf - leewaySeconds > nowSeconds) return { ok: false, reason: "not yet valid" };
  if (claims.aud !== apiKey) return { ok: false, reason: "wrong audience" };
  if (typeof claims.dest !== "string" || !/^https:\/\/[a-z0-9][a-z0-9-]*\.myshopify\.com$/.test(claims.dest)) return { ok: false, reason: "bad dest" };
  return { ok: true, claims };
}

/** The shop domain a verified token was issued for. */
export function shopFromClaims(claims: SessionTokenClaims): string {
  return new URL(claims.dest).host;
}
