// Webhook deliveries as Shopify makes them: a JSON body in the REST resource format (snake_case,
// numeric ids plus admin_graphql_api_id, money as strings), signed with the app secret.
import { createHmac, randomUUID } from "node:crypto";
import { toGid } from "./ids";
import {
  centsToMoney,
  currentQuantity,
  financialStatus,
  moneyToCents,
  orderTotals,
  type ShopState,
  type StandinCustomer,
  type StandinOrder,
  type StandinProduct,
  type StandinRefund,
} from "./store";

export const DEFAULT_API_VERSION = "2025-07";

export interface SendWebhookOptions {
  appUrl: string;
  topic: string;
  shop: string;
  payload: unknown;
  apiSecret: string;
  apiVersion?: string;
  eventId?: string;
  webhookId?: string;
  triggeredAt?: string;
  /** Sign with this secret instead (a forged delivery). */
  signWithSecret?: string;
  /** Send this header value as the HMAC instead of the computed one. */
  hmacOverride?: string;
  /** Path under the app; defaults to /webhooks/<topic>. */
  path?: string;
  fetchImpl?: typeof fetch;
}

export interface WebhookDelivery {
  topic: string;
  shop: string;
  url: string;
  eventId: string;
  webhookId: string;
  headers: Record<string, string>;
  body: string;
  status: number;
  responseBody: string;
  at: string;
}

/** Shopify's webhook signature: base64 HMAC-SHA256 of the raw body with the app secret. */
export function webhookHmac(body: string, secret: string): string {
  return createHmac("sha256", secret).update(body, "utf8").digest("base64");
}

/** Every header Shopify sends with a webhook delivery of this exact body. */
export function webhookHeaders(
  body: string,
  options: Pick<SendWebhookOptions, "topic" | "shop" | "apiSecret" | "apiVersion" | "triggeredAt" | "signWithSecret" | "hmacOverride"> & { eventId: string; webhookId: string },
): Record<string, string> {
  return {
    "Content-Type": "application/json",
    "User-Agent": "Shopify-Captain-Hook",
    "X-Shopify-Topic": options.topic,
    "X-Shopify-Hmac-Sha256": options.hmacOverride ?? webhookHmac(body, options.signWithSecret ?? options.apiSecret),
    "X-Shopify-Shop-Domain": options.shop,
    "X-Shopify-API-Version": options.apiVersion ?? DEFAULT_API_VERSION,
    "X-Shopify-Webhook-Id": options.webhookId,
    "X-Shopify-Event-Id": options.eventId,
    "X-Shopify-Triggered-At": options.triggeredAt ?? new Date().toISOString(),
  };
}

/** POSTs one webhook to the app with all of Shopify's headers and returns what happened. */
export async function sendWebhook(options: SendWebhookOptions): Promise<WebhookDelivery> {
  const body = typeof options.payload === "string" ? options.payload : JSON.stringify(options.payload);
  const eventId = options.eventId ?? randomUUID();
  const webhookId = options.webhookId ?? randomUUID();
  const headers = webhookHeaders(body, { ...options, eventId, webhookId });
  const url = `${options.appUrl.replace(/\/$/, "")}${options.path ?? `/webhooks/${options.topic}`}`;
  const response = await (options.fetchImpl ?? fetch)(url, { method: "POST", headers, body });
  return {
    topic: options.topic,
    shop: options.shop,
    url,
    eventId,
    webhookId,
    headers,
    body,
    status: response.status,
    responseBody: await response.text(),
    at: new Date().toISOString(),
  };
}

/** Delivery order for a batch: as given, reversed, or a seeded shuffle (Shopify does not guarantee order). */
export function reorder<T>(items: T[], order: "as-is" | "reverse" | { seed: number }): T[] {
  if (order === "as-is") return [...items];
  if (order === "reverse") return [...items].reverse();
  const out = [...items];
  let state = order.seed >>> 0 || 1;
  for (let i = out.length - 1; i > 0; i--) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

function customerRef(shop: ShopState, customerId: number | null) {
  if (customerId == null) return null;
  const customer = shop.customers.get(customerId);
  if (!customer) return null;
  return {
    id: customer.id,
    email: customer.email,
    first_name: customer.firstName,
    last_name: customer.lastName,
    created_at: customer.createdAt,
    updated_at: customer.updatedAt,
    tags: customer.tags.join(", "),
    currency: shop.currencyCode,
    admin_graphql_api_id: toGid("Customer", customer.id),
  };
}

/** An order in the REST webhook format (orders/create, orders/updated, orders/paid, orders/cancelled). */
export function orderPayload(shop: ShopState, order: StandinOrder) {
  const totals = orderTotals(order);
  const money = (cents: number) => centsToMoney(cents);
  const moneySet = (cents: number) => ({
    shop_money: { amount: money(cents), currency_code: order.currencyCode },
    presentment_money: { amount: money(cents), currency_code: order.currencyCode },
  });
  return {
    id: order.id,
    admin_graphql_api_id: toGid("Order", order.id),
    name: order.name,
    order_number: order.number,
    number: order.number - 1000,
    email: order.email,
    contact_email: order.email || null,
    created_at: order.createdAt,
    updated_at: order.updatedAt,
    processed_at: order.processedAt,
    cancelled_at: order.cancelledAt,
    cancel_reason: order.cancelReason,
    closed_at: null,
    currency: order.currencyCode,
    presentment_currency: order.currencyCode,
    financial_status: financialStatus(order).toLowerCase(),
    fulfillment_status: null,
    source_name: order.sourceName,
    test: false,
    confirmed: true,
    tags: order.tags.join(", "),
    note: null,
    note_attributes: order.customAttributes.map((a) => ({ name: a.key, value: a.value })),
    subtotal_price: money(totals.subtotalCents),
    subtotal_price_set: moneySet(totals.subtotalCents),
    total_price: money(totals.totalCents),
    total_price_set: moneySet(totals.totalCents),
    current_total_price: money(totals.totalCents - totals.refundedCents),
    total_line_items_price: money(totals.subtotalCents),
    total_discounts: "0.00",
    total_tax: "0.00",
    taxes_included: false,
    customer: customerRef(shop, order.customerId),
    line_items: order.lineItems.map((line) => ({
      id: line.id,
      admin_graphql_api_id: toGid("LineItem", line.id),
      product_id: line.productId,
      variant_id: line.variantId,
      title: line.title,
      variant_title: line.variantTitle || null,
      name: line.variantTitle ? `${line.title} - ${line.variantTitle}` : line.title,
      sku: line.sku,
      vendor: line.vendor,
      quantity: line.quantity,
      current_quantity: currentQuantity(order, line),
      fulfillable_quantity: currentQuantity(order, line),
      price: line.price,
      price_set: moneySet(moneyToCents(line.price)),
      total_discount: "0.00",
      gift_card: false,
      taxable: true,
      requires_shipping: true,
      properties: line.properties.map((p) => ({ name: p.name, value: p.value })),
    })),
    refunds: order.refunds.map((refund) => refundPayload(shop, order, refund)),
  };
}

/** A refund in the REST webhook format (refunds/create), with refund_line_items. */
export function refundPayload(_shop: ShopState, order: StandinOrder, refund: StandinRefund) {
  return {
    id: refund.id,
    admin_graphql_api_id: toGid("Refund", refund.id),
    order_id: order.id,
    created_at: refund.createdAt,
    processed_at: refund.createdAt,
    note: refund.note || null,
    restock: false,
    refund_line_items: refund.lines.map((l) => {
      const line = order.lineItems.find((candidate) => candidate.id === l.lineItemId)!;
      return {
        id: l.lineItemId,
        line_item_id: l.lineItemId,
        quantity: l.quantity,
        restock_type: "no_restock",
        subtotal: l.subtotal,
        total_tax: "0.00",
        line_item: { id: line.id, product_id: line.productId, variant_id: line.variantId, title: line.title, quantity: line.quantity, price: line.price, sku: line.sku },
      };
    }),
    // One settled refund transaction for the refunded lines' value, as a manual refund gives.
    transactions: [
      {
        id: refund.id,
        kind: "refund",
        status: "success",
        gateway: "manual",
        amount: centsToMoney(refund.lines.reduce((sum, l) => sum + moneyToCents(l.subtotal), 0)),
        currency: order.currencyCode,
        created_at: refund.createdAt,
      },
    ],
  };
}

/** A product in the REST webhook format (products/create, products/update). */
export function productPayload(shop: ShopState, product: StandinProduct) {
  return {
    id: product.id,
    admin_graphql_api_id: toGid("Product", product.id),
    title: product.title,
    handle: product.handle,
    body_html: product.descriptionHtml,
    product_type: product.productType,
    vendor: product.vendor,
    status: product.status.toLowerCase(),
    tags: product.tags.join(", "),
    created_at: product.createdAt,
    updated_at: product.updatedAt,
    published_at: product.publishedAt,
    variants: product.variants.map((v, index) => ({
      id: v.id,
      admin_graphql_api_id: toGid("ProductVariant", v.id),
      product_id: product.id,
      title: v.title,
      sku: v.sku,
      price: v.price,
      position: index + 1,
      inventory_quantity: v.inventoryQuantity,
      created_at: v.createdAt,
      updated_at: v.updatedAt,
    })),
    image: { src: `https://${shop.domain}/images/products/${product.id}.svg` },
  };
}

/** A customer in the REST webhook format (customers/create, customers/update). */
export function customerPayload(shop: ShopState, customer: StandinCustomer) {
  return {
    ...customerRef(shop, customer.id),
    orders_count: customer.numberOfOrders,
    total_spent: centsToMoney(customer.amountSpentCents),
    state: "enabled",
    verified_email: true,
    email_marketing_consent: {
      state: customer.marketingState.toLowerCase(),
      opt_in_level: customer.marketingState === "SUBSCRIBED" ? "single_opt_in" : null,
      consent_updated_at: customer.updatedAt,
    },
    default_address: { country_code: customer.countryCode },
  };
}

/** The shop resource sent with app/uninstalled. */
export function shopPayload(shop: ShopState) {
  return {
    id: 1,
    name: shop.name,
    email: shop.email,
    domain: shop.domain,
    myshopify_domain: shop.domain,
    currency: shop.currencyCode,
    plan_display_name: shop.planDisplayName,
  };
}

/** products/delete and customers/delete carry only the id. */
export function deletePayload(id: number) {
  return { id };
}

/** app/scopes_update payload. */
export function scopesUpdatePayload(previous: string[], current: string[], updatedAt: string) {
  return { id: 1, previous, current, updated_at: updatedAt };
}

/** customers/data_request compliance payload. */
export function customersDataRequestPayload(shop: ShopState, customer: StandinCustomer, orderIds: number[], requestId = 1) {
  return {
    shop_id: 1,
    shop_domain: shop.domain,
    orders_requested: orderIds,
    customer: { id: customer.id, email: customer.email, phone: null },
    data_request: { id: requestId },
  };
}

/** customers/redact compliance payload. */
export function customersRedactPayload(shop: ShopState, customer: StandinCustomer, orderIds: number[]) {
  return {
    shop_id: 1,
    shop_domain: shop.domain,
    customer: { id: customer.id, email: customer.email, phone: null },
    orders_to_redact: orderIds,
  };
}

/** shop/redact compliance payload. */
export function shopRedactPayload(shop: ShopState) {
  return { shop_id: 1, shop_domain: shop.domain };
}

/** bulk_operations/finish payload. */
export function bulkFinishPayload(op: { id: number; status: string; errorCode: string | null; createdAt: string; completedAt: string | null; type: string }) {
  return {
    admin_graphql_api_id: toGid("BulkOperation", op.id),
    completed_at: op.completedAt,
    created_at: op.createdAt,
    error_code: op.errorCode?.toLowerCase() ?? null,
    status: op.status.toLowerCase(),
    type: op.type.toLowerCase(),
  };
}
