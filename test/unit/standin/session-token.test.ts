import { createHmac } from "node:crypto";
import "@shopify/shopify-api/adapters/node";
import { ApiVersion, shopifyApi } from "@shopify/shopify-api";
import { describe, expect, it } from "vitest";
import { mintSessionToken, verifySessionToken } from "../../standin/session-token";

const NOW = 1_740_830_400; // 2025-03-01T12:00:00Z

function decodePart(part: string) {
  return JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
}

describe("session tokens", () => {
  it("carries Shopify's claims and a valid HS256 signature", () => {
    const { token } = mintSessionToken({ shop: "tiny-shop.myshopify.com", apiKey: "key-1", apiSecret: "secret-1", userId: 42, nowSeconds: NOW });
    const [header, payload, signature] = token.split(".");
    expect(decodePart(header)).toEqual({ alg: "HS256", typ: "JWT" });
    const claims = decodePart(payload);
    expect(claims).toMatchObject({
      iss: "https://tiny-shop.myshopify.com/admin",
      dest: "https://tiny-shop.myshopify.com",
      aud: "key-1",
      sub: "42",
      iat: NOW,
      nbf: NOW,
      exp: NOW + 60,
    });
    expect(claims.jti).toMatch(/^[0-9a-f-]{36}$/);
    expect(claims.sid).toMatch(/^[0-9a-f]{32}$/);
    expect(signature).toBe(createHmac("sha256", "secret-1").update(`${header}.${payload}`).digest("base64url"));
  });

  it("is accepted by the Shopify library's decodeSessionToken", async () => {
    const shopify = shopifyApi({ apiKey: "key-1", apiSecretKey: "secret-1", apiVersion: ApiVersion.July25, hostName: "app.test", isEmbeddedApp: true, logger: { level: 0 } });
    const { token } = mintSessionToken({ shop: "tiny-shop.myshopify.com", apiKey: "key-1", apiSecret: "secret-1" });
    const payload = await shopify.session.decodeSessionToken(token);
    expect(payload.dest).toBe("https://tiny-shop.myshopify.com");
  });

  it("is rejected for a wrong secret, audience or expiry", () => {
    const { token } = mintSessionToken({ shop: "tiny-shop.myshopify.com", apiKey: "key-1", apiSecret: "secret-1", nowSeconds: NOW });
    expect(verifySessionToken(token, { apiKey: "key-1", apiSecret: "secret-1", nowSeconds: NOW + 30 })).toMatchObject({ ok: true });
    expect(verifySessionToken(token, { apiKey: "key-1", apiSecret: "other", nowSeconds: NOW })).toEqual({ ok: false, reason: "bad signature" });
    expect(verifySessionToken(token, { apiKey: "key-2", apiSecret: "secret-1", nowSeconds: NOW })).toEqual({ ok: false, reason: "wrong audience" });
    // 60 s lifetime plus 10 s leeway: valid at +70, expired at +71.
    expect(verifySessionToken(token, { apiKey: "key-1", apiSecret: "secret-1", nowSeconds: NOW + 70 }).ok).toBe(true);
    expect(verifySessionToken(token, { apiKey: "key-1", apiSecret: "secret-1", nowSeconds: NOW + 71 })).toEqual({ ok: false, reason: "expired" });
  });
});
