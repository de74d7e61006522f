// The Shopify library the app uses accepts the stand-in's webhook deliveries (and refuses forged ones).
import "@shopify/shopify-api/adapters/web-api";
import { ApiVersion, shopifyApi } from "@shopify/shopify-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sendWebhook } from "../../standin/webhooks";
import { captureServer, SHOP, type Captured } from "./fixtures";

describe("webhook deliveries through @shopify/shopify-api", () => {
  const shopify = shopifyApi({ apiKey: "testApiKey", apiSecretKey: "testApiSecretKey", apiVersion: ApiVersion.July25, hostName: "app.test", isEmbeddedApp: true, logger: { level: 0 } });
  let app: Awaited<ReturnType<typeof captureServer>>;
  beforeAll(async () => {
    app = await captureServer();
  });
  afterAll(async () => {
    await app.close();
  });

  const validate = (captured: Captured) => {
    const headers = new Headers();
    for (const [name, value] of Object.entries(captured.headers)) if (typeof value === "string") headers.set(name, value);
    const rawRequest = new Request(`http://app.test${captured.url}`, { method: "POST", headers, body: captured.body });
    return shopify.webhooks.validate({ rawBody: captured.body, rawRequest });
  };

  it("validates a genuine delivery with topic, shop, event id and API version", async () => {
    await sendWebhook({ appUrl: app.url, topic: "orders/create", shop: SHOP, payload: { id: 1 }, apiSecret: "testApiSecretKey", eventId: "evt-42" });
    const result = await validate(app.requests.at(-1)!);
    expect(result).toMatchObject({ valid: true, topic: "ORDERS_CREATE", domain: SHOP, apiVersion: "2025-07", eventId: "evt-42" });
  });

  it("refuses a delivery signed with another secret", async () => {
    await sendWebhook({ appUrl: app.url, topic: "orders/create", shop: SHOP, payload: { id: 1 }, apiSecret: "testApiSecretKey", signWithSecret: "forged" });
    expect(await validate(app.requests.at(-1)!)).toMatchObject({ valid: false, reason: "invalid_hmac" });
  });
});
