// Contract check: every payload the stand-in sends parses with the app's own webhook schemas.
import { describe, expect, it } from "vitest";
import { parseWebhookPayload, type WebhookTopic } from "~/lib/sync/webhook-schemas";
import {
  customerPayload,
  customersDataRequestPayload,
  customersRedactPayload,
  deletePayload,
  orderPayload,
  productPayload,
  refundPayload,
  scopesUpdatePayload,
  shopPayload,
  shopRedactPayload,
} from "../../standin/webhooks";
import { tinyStore } from "./fixtures";

describe("webhook payloads against the app's schemas", () => {
  const { shop, first, mug, ann } = tinyStore();
  const refund = shop.refundOrder(first.id, [{ lineItemId: first.lineItems[0].id, quantity: 1 }]);
  const guestOrder = shop.addOrder({ lines: [{ variantId: mug.variants[0].id, quantity: 1 }] });
  const cases: [WebhookTopic, unknown][] = [
    ["orders/create", orderPayload(shop, first)],
    ["orders/create", orderPayload(shop, guestOrder)],
    ["orders/updated", orderPayload(shop, first)],
    ["orders/cancelled", orderPayload(shop, shop.cancelOrder(first.id))],
    ["refunds/create", refundPayload(shop, first, refund)],
    ["products/create", productPayload(shop, mug)],
    ["products/update", productPayload(shop, mug)],
    ["products/delete", deletePayload(mug.id)],
    ["customers/create", customerPayload(shop, ann)],
    ["customers/update", customerPayload(shop, ann)],
    ["customers/delete", deletePayload(ann.id)],
    ["customers/data_request", customersDataRequestPayload(shop, ann, [first.id])],
    ["customers/redact", customersRedactPayload(shop, ann, [first.id])],
    ["shop/redact", shopRedactPayload(shop)],
    ["app/uninstalled", shopPayload(shop)],
    ["app/scopes_update", scopesUpdatePayload(["read_orders"], ["read_orders", "write_customers"], "2025-03-01T12:00:00Z")],
  ];

  it.each(cases)("%s parses", (topic, payload) => {
    const result = parseWebhookPayload(topic, JSON.parse(JSON.stringify(payload)));
    expect(result.success ? [] : result.issues).toEqual([]);
  });
});
