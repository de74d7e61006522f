import { describe, expect, it } from "vitest";
import { parseAttributionValue } from "~/lib/sync/attribution";
import { applyRefund, mapCustomerPayload, mapOrderPayload, mapProductPayload, normaliseMarketingState } from "~/lib/sync/webhook-mappers";
import { parseWebhookPayload, type WebhookPayload, type WebhookTopic } from "~/lib/sync/webhook-schemas";
import { clone, fixture, type FixtureJson } from "./fixtures";

const SHOP = "shopkeeper-demo.myshopify.com";

function parsed<T extends WebhookTopic>(topic: T, body: unknown): WebhookPayload<T> {
  const result = parseWebhookPayload(topic, body);
  if (!result.success) throw new Error(result.issues.join("\n"));
  return result.data;
}

describe("mapOrderPayload", () => {
  it("maps orders/create to an order and its lines", () => {
    const { order, lines } = mapOrderPayload(SHOP, parsed("orders/create", fixture("orders-create.json")));
    expect(order).toEqual({
      shop: SHOP,
      id: "5612345678901",
      name: "#1042",
      customerId: "7012345678901",
      createdAt: new Date("2026-03-02T15:15:00Z"),
      updatedAt: new Date("2026-03-02T15:16:02Z"),
      processedAt: new Date("2026-03-02T15:14:58Z"),
      currency: "USD",
      subtotalCents: 8985,
      totalCents: 9704,
      totalRefundedCents: 0,
      cancelledAt: null,
      financialStatus: "paid",
      sourceName: "web",
      source: "webhook",
      noteAttributes: [{ name: "gift", value: "no" }],
    });
    expect(lines).toEqual([
      {
        shop: SHOP,
        id: "14001",
        orderId: "5612345678901",
        productId: "8001",
        variantId: "9001",
        title: "Linen Apron",
        quantity: 2,
        refundedQuantity: 0,
        priceCents: 2495,
        properties: [{ name: "_shopkeeper", value: "product_page|fbt|treatment" }],
        recSurface: "product_page",
        recStrategy: "fbt",
        recArm: "treatment",
      },
      {
        shop: SHOP,
        id: "14002",
        orderId: "5612345678901",
        productId: "8002",
        variantId: "9002",
        title: "Ceramic Mug",
        quantity: 1,
        refundedQuantity: 0,
        priceCents: 1995,
        // The shopper's engraving is not stored; the malformed attribution is kept but not trusted.
        properties: [{ name: "_shopkeeper", value: "cart|personal|control|extra" }],
        recSurface: null,
        recStrategy: null,
        recArm: null,
      },
      {
        shop: SHOP,
        id: "14003",
        orderId: "5612345678901",
        productId: null,
        variantId: null,
        title: "Gift wrapping",
        quantity: 1,
        refundedQuantity: 0,
        priceCents: 2000,
        properties: null,
        recSurface: null,
        recStrategy: null,
        recArm: null,
      },
    ]);
    // Line prices × quantities add up to the subtotal in the fixture: 2×24.95 + 19.95 + 20.00.
    expect(lines.reduce((sum, line) => sum + line.priceCents * line.quantity, 0)).toBe(order.subtotalCents);
  });

  it("orders/updated with a refund: refunded quantity per line, only successful money", () => {
    const { order, lines } = mapOrderPayload(SHOP, parsed("orders/updated", fixture("orders-updated-refunded.json")));
    expect(order.totalRefundedCents).toBe(2695);
    expect(order.financialStatus).toBe("partially_refunded");
    expect(lines.map((line) => [line.id, line.refundedQuantity])).toEqual([
      ["14001", 1],
      ["14002", 0],
      ["14003", 0],
    ]);
  });

  it("is idempotent: the same payload maps to the same rows", () => {
    const body = fixture("orders-updated-refunded.json");
    expect(mapOrderPayload(SHOP, parsed("orders/updated", body))).toEqual(mapOrderPayload(SHOP, parsed("orders/updated", body)));
  });

  it("orders/cancelled keeps the cancellation and the full refund", () => {
    const { order, lines } = mapOrderPayload(SHOP, parsed("orders/cancelled", fixture("orders-cancelled.json")));
    expect(order.cancelledAt).toEqual(new Date("2026-03-03T15:29:58Z"));
    expect(order.totalRefundedCents).toBe(3000);
    expect(order.totalCents).toBe(3000);
    expect(order.currency).toBe("GBP");
    expect(order.noteAttributes).toBeNull();
    expect(lines).toMatchObject([{ id: "14010", quantity: 3, refundedQuantity: 3, priceCents: 1000 }]);
  });

  it("never records more refunded units than the line had", () => {
    const body = clone(fixture("orders-updated-refunded.json")) as FixtureJson;
    body.refunds.push(clone(body.refunds[0]));
    body.refunds.push(clone(body.refunds[0]));
    const { lines } = mapOrderPayload(SHOP, parsed("orders/updated", body));
    expect(lines[0].refundedQuantity).toBe(2);
  });

  it("a guest order has no customer; the numeric id is used when there is no GID", () => {
    const body = clone(fixture("orders-create.json")) as FixtureJson;
    body.customer = null;
    delete body.admin_graphql_api_id;
    body.id = 42;
    const { order, lines } = mapOrderPayload(SHOP, parsed("orders/create", body), "reconcile");
    expect(order).toMatchObject({ id: "42", customerId: null, source: "reconcile" });
    expect(lines.every((line) => line.orderId === "42")).toBe(true);
  });
});

describe("attribution property", () => {
  it.each([
    ["product_page|fbt|treatment", { recSurface: "product_page", recStrategy: "fbt", recArm: "treatment" }],
    [" cart|buy-again|control ", { recSurface: "cart", recStrategy: "buy-again", recArm: "control" }],
    ["home|trending|a", { recSurface: "home", recStrategy: "trending", recArm: "a" }],
  ])("accepts %j", (value, expected) => {
    expect(parseAttributionValue(value)).toEqual(expected);
  });

  it.each(["", "cart|fbt", "cart|fbt|a|b", "cart||a", "Cart|fbt|a", "cart|fbt|<script>", "cart|fbt|a b", `cart|fbt|${"x".repeat(49)}`])(
    "ignores %j",
    (value) => {
      expect(parseAttributionValue(value)).toBeNull();
    },
  );

  it("uses the first valid property when a cart carries several", () => {
    const body = clone(fixture("orders-create.json")) as FixtureJson;
    body.line_items[1].properties.push({ name: "_shopkeeper", value: "cart|personal|control" });
    const { lines } = mapOrderPayload(SHOP, parsed("orders/create", body));
    expect(lines[1]).toMatchObject({ recSurface: "cart", recStrategy: "personal", recArm: "control" });
  });
});

describe("applyRefund", () => {
  const stored = [
    { id: "14001", quantity: 2, refundedQuantity: 1 },
    { id: "14002", quantity: 1, refundedQuantity: 0 },
    { id: "14003", quantity: 1, refundedQuantity: 0 },
  ];

  it("adds the refunded units and money to what is stored", () => {
    const refund = parsed("refunds/create", fixture("refunds-create.json"));
    expect(applyRefund(stored, refund, 2695)).toEqual({
      lines: [
        { id: "14001", refundedQuantity: 1 },
        { id: "14002", refundedQuantity: 1 },
        { id: "14003", refundedQuantity: 0 },
      ],
      refundCents: 2155,
      totalRefundedCents: 4850,
      unknownLineItemIds: [],
    });
  });

  it("caps at the line quantity and reports lines it does not know", () => {
    const refund = parsed("refunds/create", {
      id: 1,
      order_id: 5612345678901,
      refund_line_items: [
        { line_item_id: 14001, quantity: 5 },
        { line_item_id: 99999, quantity: 1 },
      ],
      transactions: [
        { kind: "refund", status: "pending", amount: "10.00" },
        { kind: "refund", status: "error", amount: "99.00" },
        { kind: "sale", status: "success", amount: "50.00" },
      ],
    });
    const applied = applyRefund(stored, refund);
    expect(applied.lines[0]).toEqual({ id: "14001", refundedQuantity: 2 });
    expect(applied.refundCents).toBe(1000);
    expect(applied.totalRefundedCents).toBe(1000);
    expect(applied.unknownLineItemIds).toEqual(["99999"]);
  });

  it("agrees with the order's own refunds list once orders/updated arrives", () => {
    const created = mapOrderPayload(SHOP, parsed("orders/create", fixture("orders-create.json")));
    const refund = parsed("orders/updated", fixture("orders-updated-refunded.json")).refunds[0];
    const incremental = applyRefund(created.lines, refund, created.order.totalRefundedCents);
    const restated = mapOrderPayload(SHOP, parsed("orders/updated", fixture("orders-updated-refunded.json")));
    expect(incremental.totalRefundedCents).toBe(restated.order.totalRefundedCents);
    expect(incremental.lines).toEqual(restated.lines.map(({ id, refundedQuantity }) => ({ id, refundedQuantity })));
  });
});

describe("mapProductPayload", () => {
  it("maps products/update to a product and its variants", () => {
    const { product, variants } = mapProductPayload(SHOP, parsed("products/update", fixture("products-update.json")));
    expect(product).toEqual({
      shop: SHOP,
      id: "8001",
      handle: "linen-apron",
      title: "Linen Apron",
      productType: "Kitchen",
      vendor: "Loom & Co",
      tags: ",linen,kitchen,gift ideas,",
      status: "ACTIVE",
      published: true,
      imageUrl: "https://cdn.shopify.com/s/files/1/0001/apron.jpg",
      priceCents: 2250,
      inventory: 10,
      tracksInventory: true,
      createdAt: new Date("2025-08-30T20:20:00Z"),
      updatedAt: new Date("2026-02-11T15:00:00Z"),
      deletedAt: null,
    });
    // Collections and gift-card status are unknown to REST payloads and must not overwrite stored values.
    expect("collections" in product).toBe(false);
    expect("isGiftCard" in product).toBe(false);
    expect(variants).toEqual([
      { shop: SHOP, id: "9001", productId: "8001", title: "Natural", sku: "APR-NAT", priceCents: 2495, inventory: 12, updatedAt: new Date("2026-02-11T15:00:00Z") },
      { shop: SHOP, id: "9004", productId: "8001", title: "Charcoal", sku: null, priceCents: 2250, inventory: -2, updatedAt: new Date("2026-01-05T15:00:00Z") },
    ]);
  });

  it("an unpublished draft with no variants or images", () => {
    const body = clone(fixture("products-update.json")) as FixtureJson;
    Object.assign(body, { status: "draft", published_at: null, variants: [], image: null, images: [], tags: "" });
    const { product, variants } = mapProductPayload(SHOP, parsed("products/create", body));
    expect(product).toMatchObject({ status: "DRAFT", published: false, imageUrl: null, priceCents: 0, inventory: 0, tags: "," });
    expect("tracksInventory" in product).toBe(false);
    expect(variants).toEqual([]);
  });
});

describe("mapCustomerPayload", () => {
  it("keeps only segment-relevant fields", () => {
    const row = mapCustomerPayload(SHOP, parsed("customers/update", fixture("customers-update.json")));
    expect(row).toEqual({
      shop: SHOP,
      id: "7012345678901",
      countryCode: "CA",
      tags: ",vip,wholesale,",
      emailMarketingState: "SUBSCRIBED",
      createdAt: new Date("2025-11-20T13:00:00Z"),
      updatedAt: new Date("2026-03-02T15:16:01Z"),
    });
    expect(JSON.stringify(row)).not.toMatch(/jane|doe|main st|6135550123/i);
  });

  it("leaves the country alone when the payload has no address field, clears it when null", () => {
    const body = clone(fixture("customers-update.json")) as FixtureJson;
    delete body.default_address;
    body.email_marketing_consent = null;
    const absent = mapCustomerPayload(SHOP, parsed("customers/create", body));
    expect("countryCode" in absent).toBe(false);
    expect(absent.emailMarketingState).toBe("NOT_SUBSCRIBED");
    body.default_address = null;
    expect(mapCustomerPayload(SHOP, parsed("customers/create", body)).countryCode).toBeNull();
  });

  it.each([
    ["subscribed", "SUBSCRIBED"],
    ["UNSUBSCRIBED", "UNSUBSCRIBED"],
    ["pending", "PENDING"],
    ["not_subscribed", "NOT_SUBSCRIBED"],
    ["redacted", "NOT_SUBSCRIBED"],
    ["invalid", "NOT_SUBSCRIBED"],
    [null, "NOT_SUBSCRIBED"],
  ])("marketing state %j → %s", (state, expected) => {
    expect(normaliseMarketingState(state)).toBe(expected);
  });
});
