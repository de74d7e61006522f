import "@shopify/shopify-api/adapters/node";
import { ApiVersion, RequestedTokenType, shopifyApi } from "@shopify/shopify-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installStandinFetch } from "../../standin/fetch";
import { startStandin, type Standin } from "../../standin/server";
import { mintSessionToken } from "../../standin/session-token";
import { graphql, SHOP, tinyStore } from "./fixtures";

const EXCHANGE = {
  client_id: "testApiKey",
  client_secret: "testApiSecretKey",
  grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
  subject_token_type: "urn:ietf:params:oauth:token-type:id_token",
  requested_token_type: "urn:shopify:params:oauth:token-type:offline-access-token",
};

describe("token exchange", () => {
  let standin: Standin;
  beforeAll(async () => {
    standin = await startStandin({ store: tinyStore().store });
  });
  afterAll(async () => {
    await standin.close();
  });

  const exchange = (body: Record<string, string>) =>
    fetch(`${standin.url}/admin/oauth/access_token`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });

  it("returns an offline token that the GraphQL endpoint accepts", async () => {
    const response = await exchange({ ...EXCHANGE, subject_token: standin.mintSessionToken(SHOP) });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.access_token).toMatch(/^shpat_[0-9a-f]{32}$/);
    expect(body.scope).toContain("read_orders");
    expect(body.associated_user).toBeUndefined();
    const { body: result } = await graphql(standin.url, body.access_token, "{ shop { myshopifyDomain } }");
    expect(result.data.shop.myshopifyDomain).toBe(SHOP);
  });

  it("rejects a subject token signed with another secret", async () => {
    const forged = mintSessionToken({ shop: SHOP, apiKey: "testApiKey", apiSecret: "wrong-secret" }).token;
    const response = await exchange({ ...EXCHANGE, subject_token: forged });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: "invalid_subject_token", error_description: "Subject token is invalid: bad signature" });
    expect(standin.calls.tokenExchanges.at(-1)).toMatchObject({ ok: false, reason: "Subject token is invalid: bad signature" });
  });

  it("rejects garbage, other client credentials and a token for an unknown shop", async () => {
    expect((await exchange({ ...EXCHANGE, subject_token: "not.a.jwt" })).status).toBe(400);
    expect((await exchange({ ...EXCHANGE, client_secret: "nope", subject_token: standin.mintSessionToken(SHOP) })).status).toBe(401);
    const elsewhere = mintSessionToken({ shop: "other-shop.myshopify.com", apiKey: "testApiKey", apiSecret: "testApiSecretKey" }).token;
    expect((await exchange({ ...EXCHANGE, subject_token: elsewhere })).status).toBe(400);
  });

  it("refuses GraphQL without a valid access token", async () => {
    expect((await graphql(standin.url, undefined, "{ shop { name } }")).status).toBe(401);
    expect((await graphql(standin.url, "shpat_made_up", "{ shop { name } }")).status).toBe(401);
  });

  it("works end to end through the Shopify library with installStandinFetch", async () => {
    const shopify = shopifyApi({ apiKey: "testApiKey", apiSecretKey: "testApiSecretKey", apiVersion: ApiVersion.July25, hostName: "app.test", isEmbeddedApp: true, logger: { level: 0 } });
    const uninstall = installStandinFetch(standin.url);
    try {
      const { session } = await shopify.auth.tokenExchange({ shop: SHOP, sessionToken: standin.mintSessionToken(SHOP), requestedTokenType: RequestedTokenType.OfflineAccessToken });
      expect(session.id).toBe(`offline_${SHOP}`);
      const client = new shopify.clients.Graphql({ session });
      const response = await client.request<{ products: { nodes: { title: string }[] } }>("{ products(first: 5, sortKey: TITLE) { nodes { title } } }");
      expect(response.data?.products.nodes.map((p) => p.title)).toEqual(["Baby Bib", "Blue Mug", "Lavender Candle"]);
      const last = standin.calls.graphql.at(-1)!;
      expect(last.apiVersion).toBe("2025-07");
      expect(last.shop).toBe(SHOP);
    } finally {
      uninstall();
    }
  });

  it("issues expiring offline tokens whose refresh tokens work once", async () => {
    const shopify = shopifyApi({ apiKey: "testApiKey", apiSecretKey: "testApiSecretKey", apiVersion: ApiVersion.July25, hostName: "app.test", isEmbeddedApp: true, logger: { level: 0 } });
    const uninstall = installStandinFetch(standin.url);
    try {
      const { session } = await shopify.auth.tokenExchange({ shop: SHOP, sessionToken: standin.mintSessionToken(SHOP), requestedTokenType: RequestedTokenType.OfflineAccessToken, expiring: true });
      expect(session.refreshToken).toMatch(/^shprt_/);
      expect(session.expires).toBeInstanceOf(Date);
      const refreshed = await shopify.auth.refreshToken({ shop: SHOP, refreshToken: session.refreshToken! });
      expect(refreshed.session.accessToken).not.toBe(session.accessToken);
      expect((await graphql(standin.url, refreshed.session.accessToken, "{ shop { name } }")).body.data.shop.name).toBe("Tiny Shop");
      await expect(shopify.auth.refreshToken({ shop: SHOP, refreshToken: session.refreshToken! })).rejects.toThrow();
    } finally {
      uninstall();
    }
  });
});
