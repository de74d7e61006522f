import { readCsvRows } from "~/services/csv-file.server";
import {
  deriveCollections,
  deriveCountry,
  deriveInventory,
  deriveMarketingState,
  derivePrice,
  deriveProductType,
  deriveSensitiveTags,
  deriveVendor,
  tidyTitle,
} from "./derive";
import { StandinStore, type StoreOptions } from "./store";

export interface LoadCsvOptions extends StoreOptions {
  /** Shop domain to fill; defaults to shopkeeper-demo.myshopify.com. */
  shop?: string;
  shopName?: string;
  currencyCode?: string;
  /** Keep only the first N distinct orders of the file (rows of one order are assumed contiguous). */
  maxOrders?: number;
  /** Seed for derived inventory, consent and countries. */
  seed?: number;
  /** Customer ids that mean "no customer" (guest checkout). */
  guestCustomerPattern?: RegExp;
  /** Turn ALL-CAPS source titles into title case. */
  tidyTitles?: boolean;
  /** Add to an existing store instead of a new one. */
  store?: StandinStore;
}

interface PendingOrder {
  sourceId: string;
  customerSourceId: string | null;
  createdAt: string;
  lines: { productSourceId: string; quantity: number; unitPrice: string }[];
}

/** Builds a stand-in store from a normalised order-lines CSV (gzipped or not), deriving what the data lacks. */
export async function loadStoreFromNormalisedCsv(path: string, options: LoadCsvOptions = {}): Promise<StandinStore> {
  const seed = options.seed ?? 1;
  const guest = options.guestCustomerPattern ?? /^(anon-.*|)$/;
  const orders: PendingOrder[] = [];
  const orderIndex = new Map<string, PendingOrder>();
  const productSeen = new Map<string, { title: string; price: string; firstAt: string }>();
  const customerSeen = new Map<string, { firstAt: string }>();

  for await (const { row } of readCsvRows(path)) {
    const orderSourceId = row.order_id?.trim();
    const productSourceId = row.product_id?.trim();
    if (!orderSourceId || !productSourceId) continue;
    let order = orderIndex.get(orderSourceId);
    if (!order) {
      if (options.maxOrders !== undefined && orders.length >= options.maxOrders) break;
      const customerRaw = (row.customer_id ?? "").trim();
      order = {
        sourceId: orderSourceId,
        customerSourceId: guest.test(customerRaw) ? null : customerRaw,
        createdAt: normaliseIso(row.created_at),
        lines: [],
      };
      orders.push(order);
      orderIndex.set(orderSourceId, order);
    }
    const quantity = Number(row.quantity);
    if (!Number.isFinite(quantity) || quantity <= 0) continue;
    const rawPrice = (row.unit_price ?? "").trim();
    const unitPrice = rawPrice !== "" && Number.isFinite(Number(rawPrice)) ? Number(rawPrice).toFixed(2) : derivePrice(productSourceId, seed);
    order.lines.push({ productSourceId, quantity, unitPrice });
    const seen = productSeen.get(productSourceId);
    if (!seen) productSeen.set(productSourceId, { title: (row.product_title ?? productSourceId).trim(), price: unitPrice, firstAt: order.createdAt });
    else if (order.createdAt < seen.firstAt) seen.firstAt = order.createdAt;
    if (order.customerSourceId !== null) {
      const c = customerSeen.get(order.customerSourceId);
      if (!c) customerSeen.set(order.customerSourceId, { firstAt: order.createdAt });
      else if (order.createdAt < c.firstAt) c.firstAt = order.createdAt;
    }
  }

  const store = options.store ?? new StandinStore({ now: options.now });
  const shop = store.addShop({
    domain: options.shop ?? "shopkeeper-demo.myshopify.com",
    name: options.shopName,
    currencyCode: options.currencyCode ?? "GBP",
  });

  for (const [sourceId, seen] of productSeen) {
    const title = options.tidyTitles ? tidyTitle(seen.title) : seen.title;
    const productType = deriveProductType(seen.title);
    const product = shop.addProduct({
      title,
      productType,
      vendor: deriveVendor(sourceId),
      tags: deriveSensitiveTags(seen.title),
      collections: deriveCollections(seen.title, productType),
      createdAt: seen.firstAt,
      sku: sourceId,
      price: seen.price,
      inventoryQuantity: deriveInventory(sourceId, seed),
    });
    shop.sourceIds.products.set(sourceId, product.id);
  }
  for (const [sourceId, seen] of customerSeen) {
    const customer = shop.addCustomer({
      email: `customer-${sourceId}@example.com`,
      firstName: "Customer",
      lastName: sourceId,
      createdAt: seen.firstAt,
      countryCode: deriveCountry(sourceId, seed),
      marketingState: deriveMarketingState(sourceId, seed),
    });
    shop.sourceIds.customers.set(sourceId, customer.id);
  }
  for (const pending of orders) {
    if (pending.lines.length === 0) continue;
    const order = shop.addOrder({
      customerId: pending.customerSourceId === null ? null : shop.sourceIds.customers.get(pending.customerSourceId),
      createdAt: pending.createdAt,
      lines: pending.lines.map((line) => {
        const product = shop.requireProduct(shop.sourceIds.products.get(line.productSourceId)!);
        return { variantId: product.variants[0].id, quantity: line.quantity, price: line.unitPrice };
      }),
    });
    shop.sourceIds.orders.set(pending.sourceId, order.id);
  }
  return store;
}

function normaliseIso(value: string | undefined): string {
  const date = new Date((value ?? "").trim());
  if (Number.isNaN(date.getTime())) throw new Error(`Unparseable created_at: ${value}`);
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}
