import { describe, expect, it } from "vitest";
import { normaliseTopic, parseWebhookPayload, type WebhookTopic } from "~/lib/sync/webhook-schemas";
import { clone, fixture, type FixtureJson } from "./fixtures";

describe("topics", () => {
  it("accepts both the REST topic and the library's enum spelling", () => {
    expect(normaliseTopic("orders/create")).toBe("orders/create");
    expect(normaliseTopic("ORDERS_CREATE")).toBe("orders/create");
    expect(normaliseTopic("APP_SCOPES_UPDATE")).toBe("app/scopes_update");
    expect(normaliseTopic("CUSTOMERS_DATA_REQUEST")).toBe("customers/data_request");
    expect(normaliseTopic("SHOP_REDACT")).toBe("shop/redact");
    expect(normaliseTopic("orders/paid")).toBeNull();
  });
});

describe("every fixture parses for its topic", () => {
  const cases: [WebhookTopic, string][] = [
    ["orders/create", "orders-create.json"],
    ["orders/updated", "orders-updated-refunded.json"],
    ["orders/cancelled", "orders-cancelled.json"],
    ["refunds/create", "refunds-create.json"],
    ["products/update", "products-update.json"],
    ["products/delete", "products-delete.json"],
    ["customers/update", "customers-update.json"],
    ["customers/delete", "customers-delete.json"],
    ["customers/data_request", "customers-data-request.json"],
    ["customers/redact", "customers-redact.json"],
    ["shop/redact", "shop-redact.json"],
    ["app/uninstalled", "app-uninstalled.json"],
    ["app/scopes_update", "app-scopes-update.json"],
  ];
  it.each(cases)("%s ← %s", (topic, file) => {
    const result = parseWebhookPayload(topic, fixture(file));
    expect(result.success ? [] : result.issues).toEqual([]);
  });

  it("decodes ids, money and times and drops personal fields", () => {
    const result = parseWebhookPayload("orders/create", fixture("orders-create.json"));
    if (!result.success) throw new Error(result.issues.join("\n"));
    expect(result.data.id).toBe("5612345678901");
    expect(result.data.total_price).toBe(9704);
    expect(result.data.created_at.toISOString()).toBe("2026-03-02T15:15:00.000Z");
    expect(result.data.customer).toEqual({ id: "7012345678901", admin_graphql_api_id: "7012345678901" });
    expect(JSON.stringify(result.data)).not.toContain("jane.doe@example.com");
  });

  it("reads compliance payloads down to ids", () => {
    const request = parseWebhookPayload("customers/data_request", fixture("customers-data-request.json"));
    expect(request).toEqual({
      success: true,
      data: {
        shop_id: "954889",
        shop_domain: "shopkeeper-demo.myshopify.com",
        customer: { id: "7012345678901" },
        orders_requested: ["5612345678901", "5612345678902"],
        data_request: { id: "9999" },
      },
    });
    const redact = parseWebhookPayload("customers/redact", fixture("customers-redact.json"));
    expect(redact.success && redact.data.orders_to_redact).toEqual(["5612345678901"]);
  });

  it("reads scopes given as a list or as a comma string", () => {
    const listed = parseWebhookPayload("app/scopes_update", fixture("app-scopes-update.json"));
    expect(listed.success && listed.data.current).toEqual(["read_products", "read_orders", "read_customers"]);
    const joined = parseWebhookPayload("app/scopes_update", { previous: "", current: "read_products, write_customers" });
    expect(joined.success && joined.data).toEqual({ previous: [], current: ["read_products", "write_customers"] });
  });
});

describe("malformed payloads name the field path", () => {
  function issuesFor(topic: WebhookTopic, body: unknown): string[] {
    const result = parseWebhookPayload(topic, body);
    if (result.success) throw new Error("expected the payload to be rejected");
    return result.issues;
  }

  it("bad line-item money, quantity and missing timestamp", () => {
    const order = clone(fixture("orders-create.json")) as FixtureJson;
    order.line_items[1].price = "19,95";
    order.line_items[0].quantity = -1;
    delete order.created_at;
    expect(issuesFor("orders/create", order)).toEqual([
      "created_at: is required (an ISO 8601 timestamp)",
      'line_items.0.quantity: must not be negative',
      'line_items.1.price: expected a decimal amount like "12.50", got "19,95"',
    ]);
  });

  it("a customer id that is not a Shopify id, and an impossible date", () => {
    const order = clone(fixture("orders-create.json")) as FixtureJson;
    order.customer.id = "jane";
    order.updated_at = "2026-02-30T10:00:00Z";
    expect(issuesFor("orders/updated", order)).toEqual([
      'updated_at: expected an ISO 8601 timestamp, got "2026-02-30T10:00:00Z"',
      'customer.id: expected a numeric Shopify id, got "jane"',
    ]);
  });

  it("a refund transaction without an amount", () => {
    const refund = clone(fixture("refunds-create.json")) as FixtureJson;
    refund.transactions[0].amount = null;
    refund.refund_line_items[0].quantity = 1.5;
    expect(issuesFor("refunds/create", refund)).toEqual([
      "refund_line_items.0.quantity: expected a whole number",
      'transactions.0.amount: is required (a decimal amount like "12.50")',
    ]);
  });

  it("a product with no handle and a variant price that is not money", () => {
    const product = clone(fixture("products-update.json")) as FixtureJson;
    product.handle = "";
    product.variants[1].price = { amount: "22.50" };
    expect(issuesFor("products/update", product)).toEqual([
      "handle: is required",
      'variants.1.price: expected a decimal amount like "12.50", got {"amount":"22.50"}',
    ]);
  });

  it("a body that is not an object at all", () => {
    expect(issuesFor("customers/delete", "7012345678901")).toEqual(["(root): Expected object, received string"]);
  });

  it("an id too large to have survived JSON.parse exactly", () => {
    expect(issuesFor("products/delete", { id: 2 ** 53 + 2 })).toEqual([
      "id: expected a numeric Shopify id, got 9007199254740994",
    ]);
    expect(parseWebhookPayload("products/delete", { id: "9007199254740994" })).toEqual({
      success: true,
      data: { id: "9007199254740994" },
    });
  });
});
