import { UnrecoverableError } from "bullmq";
import {
  normaliseTopic,
  parseWebhookPayload,
  type WebhookPayload,
  type WebhookTopic,
} from "~/lib/sync/webhook-schemas";
import { mapCustomerPayload, mapOrderPayload, mapProductPayload } from "~/lib/sync/webhook-mappers";
import { refundEntryFrom } from "~/lib/sync/refund-ledger";
import { saveOrders, recordRefund } from "~/models/orders.server";
import { markProductDeleted, saveProducts } from "~/models/catalog.server";
import { deleteCustomer, refreshCustomerAggregates, saveCustomers } from "~/models/customers.server";
import { recordUninstall, updateShopScopes } from "~/models/shop.server";
import { exportCustomerData, redactCustomer, redactShop } from "~/models/compliance.server";
import { afterOrdersChanged } from "~/services/freshness.server";

export interface WebhookContext {
  shop: string;
  topic: string;
  payload: unknown;
  deliveryId: string;
  receivedAt: Date;
}
export type WebhookHandler = (context: WebhookContext) => Promise<void>;

/** Validates the body for its topic; a malformed payload is a permanent, visible failure. */
function parse<T extends WebhookTopic>(topic: T, payload: unknown): WebhookPayload<T> {
  const result = parseWebhookPayload(topic, payload);
  if (!result.success) throw new UnrecoverableError(`malformed ${topic} payload: ${result.issues.join("; ")}`);
  return result.data;
}

const orderHandler =
  (topic: "orders/create" | "orders/updated" | "orders/cancelled"): WebhookHandler =>
  async ({ shop, payload }) => {
    const data = parse(topic, payload);
    const mapped = mapOrderPayload(shop, data);
    const result = await saveOrders({ shop, items: [{ ...mapped, refunds: data.refunds.map(refundEntryFrom) }] });
    await refreshCustomerAggregates({ shop, customerIds: result.customerIds });
    await afterOrdersChanged({ shop, orderIds: result.appliedIds, customerIds: result.customerIds });
  };

const productHandler =
  (topic: "products/create" | "products/update"): WebhookHandler =>
  async ({ shop, payload }) => {
    await saveProducts({ shop, items: [mapProductPayload(shop, parse(topic, payload))] });
  };

const customerHandler =
  (topic: "customers/create" | "customers/update"): WebhookHandler =>
  async ({ shop, payload }) => {
    await saveCustomers({ shop, rows: [mapCustomerPayload(shop, parse(topic, payload))] });
  };

const handlers: Record<WebhookTopic, WebhookHandler> = {
  "orders/create": orderHandler("orders/create"),
  "orders/updated": orderHandler("orders/updated"),
  "orders/cancelled": orderHandler("orders/cancelled"),
  "refunds/create": async ({ shop, payload }) => {
    const refund = parse("refunds/create", payload);
    const result = await recordRefund({ shop, orderId: refund.order_id, entry: refundEntryFrom(refund) });
    // The order has not arrived yet: fail retriably; its orders/updated also restates every refund.
    if (!result) throw new Error(`order ${refund.order_id} not synced yet; refund will be retried`);
    if (result.customerId) {
      await refreshCustomerAggregates({ shop, customerIds: [result.customerId] });
      await afterOrdersChanged({ shop, orderIds: [refund.order_id], customerIds: [result.customerId] });
    }
  },
  "products/create": productHandler("products/create"),
  "products/update": productHandler("products/update"),
  "products/delete": async ({ shop, payload, receivedAt }) => {
    await markProductDeleted({ shop, id: parse("products/delete", payload).id, at: receivedAt });
  },
  "customers/create": customerHandler("customers/create"),
  "customers/update": customerHandler("customers/update"),
  "customers/delete": async ({ shop, payload }) => {
    await deleteCustomer({ shop, id: parse("customers/delete", payload).id });
  },
  "customers/data_request": async ({ shop, payload }) => {
    const request = parse("customers/data_request", payload);
    await exportCustomerData({ shop, customerId: request.customer.id, requestId: request.data_request?.id ?? null });
  },
  "customers/redact": async ({ shop, payload }) => {
    const request = parse("customers/redact", payload);
    await redactCustomer({ shop, customerId: request.customer.id, orderIds: request.orders_to_redact });
  },
  "shop/redact": async ({ shop, payload }) => {
    parse("shop/redact", payload);
    await redactShop({ shop });
  },
  "app/uninstalled": async ({ shop, payload, receivedAt }) => {
    parse("app/uninstalled", payload);
    await recordUninstall({ shop, at: receivedAt });
  },
  "app/scopes_update": async ({ shop, payload }) => {
    await updateShopScopes({ shop, scopes: parse("app/scopes_update", payload).current });
  },
};

/** The handler for a topic in any of Shopify's spellings ("orders/create", "ORDERS_CREATE"). */
export function handlerFor(topic: string): WebhookHandler | undefined {
  const canonical = normaliseTopic(topic);
  return canonical ? handlers[canonical] : undefined;
}
