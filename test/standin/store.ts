import { handleize, parseGid, toGid } from "./ids";

export type MarketingState = "SUBSCRIBED" | "NOT_SUBSCRIBED" | "UNSUBSCRIBED" | "PENDING";
export type ProductStatus = "ACTIVE" | "DRAFT" | "ARCHIVED";

export interface StandinVariant {
  id: number;
  productId: number;
  title: string;
  sku: string;
  /** Decimal string with two places, as Shopify's Money scalars are. */
  price: string;
  inventoryQuantity: number;
  createdAt: string;
  updatedAt: string;
}

export interface StandinProduct {
  id: number;
  handle: string;
  title: string;
  productType: string;
  vendor: string;
  tags: string[];
  status: ProductStatus;
  createdAt: string;
  updatedAt: string;
  publishedAt: string | null;
  isGiftCard: boolean;
  tracksInventory: boolean;
  descriptionHtml: string;
  variants: StandinVariant[];
  collectionIds: number[];
}

export interface StandinCollection {
  id: number;
  handle: string;
  title: string;
  updatedAt: string;
}

export interface StandinCustomer {
  id: number;
  email: string;
  firstName: string;
  lastName: string;
  createdAt: string;
  updatedAt: string;
  tags: string[];
  countryCode: string;
  marketingState: MarketingState;
  numberOfOrders: number;
  amountSpentCents: number;
}

export interface StandinProperty {
  name: string;
  value: string;
}

export interface StandinLineItem {
  id: number;
  productId: number | null;
  variantId: number | null;
  title: string;
  variantTitle: string;
  sku: string;
  vendor: string;
  quantity: number;
  price: string;
  properties: StandinProperty[];
}

export interface StandinRefund {
  id: number;
  orderId: number;
  createdAt: string;
  note: string;
  lines: { lineItemId: number; quantity: number; subtotal: string }[];
}

export interface StandinOrder {
  id: number;
  /** Order number without the "#" (Shopify's order_number), 1001 upwards. */
  number: number;
  name: string;
  customerId: number | null;
  email: string;
  createdAt: string;
  updatedAt: string;
  processedAt: string;
  cancelledAt: string | null;
  cancelReason: string | null;
  currencyCode: string;
  sourceName: string;
  customAttributes: { key: string; value: string }[];
  tags: string[];
  lineItems: StandinLineItem[];
  refunds: StandinRefund[];
}

export interface ShopInput {
  domain: string;
  name?: string;
  currencyCode?: string;
  planDisplayName?: string;
  email?: string;
}

export interface ProductInput {
  title: string;
  handle?: string;
  productType?: string;
  vendor?: string;
  tags?: string[];
  status?: ProductStatus;
  createdAt?: string;
  updatedAt?: string;
  publishedAt?: string | null;
  descriptionHtml?: string;
  collections?: string[];
  variants?: { title?: string; sku?: string; price: string; inventoryQuantity?: number }[];
  /** Shortcut for a single-variant product. */
  price?: string;
  sku?: string;
  inventoryQuantity?: number;
}

export interface CustomerInput {
  email?: string;
  firstName?: string;
  lastName?: string;
  createdAt?: string;
  updatedAt?: string;
  tags?: string[];
  countryCode?: string;
  marketingState?: MarketingState;
}

export interface OrderLineInput {
  variantId?: number;
  productId?: number;
  quantity: number;
  /** Defaults to the variant's price. */
  price?: string;
  title?: string;
  properties?: StandinProperty[];
}

export interface OrderInput {
  customerId?: number | null;
  email?: string;
  createdAt?: string;
  processedAt?: string;
  sourceName?: string;
  customAttributes?: { key: string; value: string }[];
  lines: OrderLineInput[];
}

const NO_PROPERTIES: StandinProperty[] = Object.freeze([]) as unknown as StandinProperty[];

// Realistic magnitudes, and a distinct range per type so a product id can never pass for an order id.
const ID_BASE: Record<string, number> = {
  Product: 7_000_000_000,
  ProductVariant: 40_000_000_000,
  Collection: 400_000_000,
  Customer: 6_000_000_000,
  Order: 5_000_000_000,
  LineItem: 13_000_000_000,
  Refund: 900_000_000,
  BulkOperation: 3_000_000_000,
};

/** Money as a two-decimal string from integer cents. */
export function centsToMoney(cents: number): string {
  return (Math.round(cents) / 100).toFixed(2);
}

/** Integer cents from a decimal money string. */
export function moneyToCents(amount: string | number): number {
  return Math.round(Number(amount) * 100);
}

/** Order totals in cents: Shopify's subtotal, total (no tax or shipping here) and refunded. */
export function orderTotals(order: StandinOrder): { subtotalCents: number; totalCents: number; refundedCents: number } {
  let subtotalCents = 0;
  for (const line of order.lineItems) subtotalCents += moneyToCents(line.price) * line.quantity;
  let refundedCents = 0;
  for (const refund of order.refunds) for (const line of refund.lines) refundedCents += moneyToCents(line.subtotal);
  return { subtotalCents, totalCents: subtotalCents, refundedCents };
}

/** Shopify's displayFinancialStatus derived from refunds. */
export function financialStatus(order: StandinOrder): "PAID" | "PARTIALLY_REFUNDED" | "REFUNDED" {
  const { totalCents, refundedCents } = orderTotals(order);
  if (refundedCents <= 0) return "PAID";
  return refundedCents >= totalCents ? "REFUNDED" : "PARTIALLY_REFUNDED";
}

/** Quantity of a line still on the order after refunds (Shopify's currentQuantity). */
export function currentQuantity(order: StandinOrder, line: StandinLineItem): number {
  let refunded = 0;
  for (const refund of order.refunds) for (const r of refund.lines) if (r.lineItemId === line.id) refunded += r.quantity;
  return Math.max(0, line.quantity - refunded);
}

export type TaggableResource = StandinProduct | StandinCustomer | StandinOrder;

/** One shop's catalogue, customers and orders, held in memory. */
export class ShopState {
  readonly domain: string;
  name: string;
  currencyCode: string;
  planDisplayName: string;
  email: string;
  installed = true;
  readonly products = new Map<number, StandinProduct>();
  readonly variants = new Map<number, StandinVariant>();
  readonly collections = new Map<number, StandinCollection>();
  readonly customers = new Map<number, StandinCustomer>();
  readonly orders = new Map<number, StandinOrder>();
  readonly ordersByCustomer = new Map<number, StandinOrder[]>();
  /** Source-dataset id to stand-in id, filled by the CSV loader (SKU is the source product id too). */
  readonly sourceIds = { products: new Map<string, number>(), customers: new Map<string, number>(), orders: new Map<string, number>() };
  private readonly collectionByHandle = new Map<string, StandinCollection>();
  private readonly productByHandle = new Map<string, StandinProduct>();

  constructor(
    private readonly store: StandinStore,
    input: ShopInput,
  ) {
    this.domain = input.domain;
    this.name = input.name ?? input.domain.replace(/\.myshopify\.com$/, "");
    this.currencyCode = input.currencyCode ?? "GBP";
    this.planDisplayName = input.planDisplayName ?? "Basic";
    this.email = input.email ?? `owner@${input.domain}`;
  }

  /** Finds or creates a collection by title. */
  ensureCollection(title: string): StandinCollection {
    const handle = handleize(title);
    let collection = this.collectionByHandle.get(handle);
    if (!collection) {
      collection = { id: this.store.nextId("Collection"), handle, title, updatedAt: this.store.nowIso() };
      this.collections.set(collection.id, collection);
      this.collectionByHandle.set(handle, collection);
    }
    return collection;
  }

  addProduct(input: ProductInput): StandinProduct {
    const now = this.store.nowIso();
    const id = this.store.nextId("Product");
    const createdAt = input.createdAt ?? now;
    let handle = input.handle ?? handleize(input.title);
    if (!handle) handle = `product-${id}`;
    if (this.productByHandle.has(handle)) handle = `${handle}-${id}`;
    const variantInputs = input.variants ?? [
      { title: "Default Title", sku: input.sku ?? "", price: input.price ?? "0.00", inventoryQuantity: input.inventoryQuantity ?? 0 },
    ];
    const product: StandinProduct = {
      id,
      handle,
      title: input.title,
      productType: input.productType ?? "",
      vendor: input.vendor ?? this.name,
      tags: normaliseTags(input.tags ?? []),
      status: input.status ?? "ACTIVE",
      createdAt,
      updatedAt: input.updatedAt ?? createdAt,
      publishedAt: input.publishedAt === undefined ? createdAt : input.publishedAt,
      isGiftCard: false,
      tracksInventory: true,
      descriptionHtml: input.descriptionHtml ?? "",
      variants: [],
      collectionIds: (input.collections ?? []).map((title) => this.ensureCollection(title).id),
    };
    for (const v of variantInputs) {
      const variant: StandinVariant = {
        id: this.store.nextId("ProductVariant"),
        productId: id,
        title: v.title ?? "Default Title",
        sku: v.sku ?? "",
        price: centsToMoney(moneyToCents(v.price)),
        inventoryQuantity: v.inventoryQuantity ?? 0,
        createdAt,
        updatedAt: product.updatedAt,
      };
      product.variants.push(variant);
      this.variants.set(variant.id, variant);
    }
    this.products.set(id, product);
    this.productByHandle.set(handle, product);
    return product;
  }

  productByHandleOrNull(handle: string): StandinProduct | null {
    return this.productByHandle.get(handle) ?? null;
  }

  updateProduct(id: number, patch: Partial<Pick<StandinProduct, "title" | "productType" | "vendor" | "status" | "tags">> & { price?: string; inventoryQuantity?: number }): StandinProduct {
    const product = this.requireProduct(id);
    const now = this.store.nowIso();
    if (patch.title !== undefined) product.title = patch.title;
    if (patch.productType !== undefined) product.productType = patch.productType;
    if (patch.vendor !== undefined) product.vendor = patch.vendor;
    if (patch.status !== undefined) product.status = patch.status;
    if (patch.tags !== undefined) product.tags = normaliseTags(patch.tags);
    for (const variant of product.variants) {
      if (patch.price !== undefined) variant.price = centsToMoney(moneyToCents(patch.price));
      if (patch.inventoryQuantity !== undefined) variant.inventoryQuantity = patch.inventoryQuantity;
      variant.updatedAt = now;
    }
    product.updatedAt = now;
    return product;
  }

  deleteProduct(id: number): void {
    const product = this.requireProduct(id);
    for (const variant of product.variants) this.variants.delete(variant.id);
    this.products.delete(id);
    this.productByHandle.delete(product.handle);
  }

  deleteCustomer(id: number): void {
    this.requireCustomer(id);
    this.customers.delete(id);
    for (const order of this.ordersByCustomer.get(id) ?? []) order.customerId = null;
    this.ordersByCustomer.delete(id);
  }

  addCustomer(input: CustomerInput = {}): StandinCustomer {
    const now = this.store.nowIso();
    const id = this.store.nextId("Customer");
    const customer: StandinCustomer = {
      id,
      email: input.email ?? `customer-${id}@example.com`,
      firstName: input.firstName ?? "Customer",
      lastName: input.lastName ?? String(id),
      createdAt: input.createdAt ?? now,
      updatedAt: input.updatedAt ?? input.createdAt ?? now,
      tags: normaliseTags(input.tags ?? []),
      countryCode: input.countryCode ?? "GB",
      marketingState: input.marketingState ?? "NOT_SUBSCRIBED",
      numberOfOrders: 0,
      amountSpentCents: 0,
    };
    this.customers.set(id, customer);
    return customer;
  }

  updateCustomer(id: number, patch: Partial<Pick<StandinCustomer, "email" | "firstName" | "lastName" | "countryCode" | "marketingState" | "tags">>): StandinCustomer {
    const customer = this.requireCustomer(id);
    Object.assign(customer, patch.tags ? { ...patch, tags: normaliseTags(patch.tags) } : patch);
    customer.updatedAt = this.store.nowIso();
    return customer;
  }

  addOrder(input: OrderInput): StandinOrder {
    const now = this.store.nowIso();
    const id = this.store.nextId("Order");
    const number = 1000 + this.orders.size + 1;
    const createdAt = input.createdAt ?? now;
    const customer = input.customerId != null ? this.requireCustomer(input.customerId) : null;
    const lineItems: StandinLineItem[] = input.lines.map((line) => {
      const variant = line.variantId != null ? this.variants.get(line.variantId) : undefined;
      if (line.variantId != null && !variant) throw new Error(`Unknown variant ${line.variantId}`);
      const product = variant ? this.products.get(variant.productId) : line.productId != null ? this.products.get(line.productId) : undefined;
      const firstVariant = product?.variants[0];
      const effectiveVariant = variant ?? firstVariant;
      return {
        id: this.store.nextId("LineItem"),
        productId: product?.id ?? null,
        variantId: effectiveVariant?.id ?? null,
        title: line.title ?? product?.title ?? "Custom item",
        variantTitle: effectiveVariant && effectiveVariant.title !== "Default Title" ? effectiveVariant.title : "",
        sku: effectiveVariant?.sku ?? "",
        vendor: product?.vendor ?? "",
        quantity: line.quantity,
        price: centsToMoney(moneyToCents(line.price ?? effectiveVariant?.price ?? "0")),
        properties: line.properties && line.properties.length > 0 ? line.properties.map((p) => ({ ...p })) : NO_PROPERTIES,
      };
    });
    const order: StandinOrder = {
      id,
      number,
      name: `#${number}`,
      customerId: customer?.id ?? null,
      email: input.email ?? customer?.email ?? "",
      createdAt,
      updatedAt: createdAt,
      processedAt: input.processedAt ?? createdAt,
      cancelledAt: null,
      cancelReason: null,
      currencyCode: this.currencyCode,
      sourceName: input.sourceName ?? "web",
      customAttributes: (input.customAttributes ?? []).map((a) => ({ ...a })),
      tags: [],
      lineItems,
      refunds: [],
    };
    this.orders.set(id, order);
    if (customer) {
      const list = this.ordersByCustomer.get(customer.id);
      if (list) list.push(order);
      else this.ordersByCustomer.set(customer.id, [order]);
      customer.numberOfOrders += 1;
      customer.amountSpentCents += orderTotals(order).totalCents;
      if (createdAt < customer.createdAt) customer.createdAt = createdAt;
      if (createdAt > customer.updatedAt) customer.updatedAt = createdAt;
    }
    return order;
  }

  cancelOrder(id: number, reason = "customer"): StandinOrder {
    const order = this.requireOrder(id);
    const now = this.store.nowIso();
    order.cancelledAt = now;
    order.cancelReason = reason;
    order.updatedAt = now;
    return order;
  }

  /** Refunds the given quantities (all of every line when omitted). */
  refundOrder(id: number, lines?: { lineItemId: number; quantity: number }[], note = ""): StandinRefund {
    const order = this.requireOrder(id);
    const now = this.store.nowIso();
    const wanted = lines ?? order.lineItems.map((line) => ({ lineItemId: line.id, quantity: currentQuantity(order, line) }));
    const refund: StandinRefund = {
      id: this.store.nextId("Refund"),
      orderId: order.id,
      createdAt: now,
      note,
      lines: wanted
        .filter((l) => l.quantity > 0)
        .map((l) => {
          const line = order.lineItems.find((candidate) => candidate.id === l.lineItemId);
          if (!line) throw new Error(`Unknown line item ${l.lineItemId} on order ${order.id}`);
          return { lineItemId: line.id, quantity: l.quantity, subtotal: centsToMoney(moneyToCents(line.price) * l.quantity) };
        }),
    };
    order.refunds.push(refund);
    order.updatedAt = now;
    if (order.customerId != null) {
      const customer = this.customers.get(order.customerId);
      if (customer) for (const l of refund.lines) customer.amountSpentCents -= moneyToCents(l.subtotal);
    }
    return refund;
  }

  /** The resource a gid points at, if it belongs to this shop. */
  findByGid(gid: string): { type: string; resource: unknown } | null {
    const parsed = parseGid(gid);
    if (!parsed) return null;
    const maps: Record<string, Map<number, unknown>> = {
      Product: this.products,
      ProductVariant: this.variants,
      Collection: this.collections,
      Customer: this.customers,
      Order: this.orders,
    };
    const resource = maps[parsed.type]?.get(parsed.id);
    return resource ? { type: parsed.type, resource } : null;
  }

  /** Adds tags to a product, customer or order; returns the new tag list or null for an unknown id. */
  addTags(gid: string, tags: string[]): string[] | null {
    return this.changeTags(gid, (current) => normaliseTags([...current, ...tags]));
  }

  removeTags(gid: string, tags: string[]): string[] | null {
    const drop = new Set(tags.map((t) => t.trim().toLowerCase()));
    return this.changeTags(gid, (current) => current.filter((t) => !drop.has(t.toLowerCase())));
  }

  private changeTags(gid: string, change: (current: string[]) => string[]): string[] | null {
    const found = this.findByGid(gid);
    if (!found) return null;
    const now = this.store.nowIso();
    if (found.type === "Product" || found.type === "Customer" || found.type === "Order") {
      const resource = found.resource as TaggableResource;
      resource.tags = change(resource.tags);
      resource.updatedAt = now;
      return resource.tags;
    }
    return null;
  }

  requireProduct(id: number): StandinProduct {
    const product = this.products.get(id);
    if (!product) throw new Error(`Unknown product ${id} in ${this.domain}`);
    return product;
  }

  requireCustomer(id: number): StandinCustomer {
    const customer = this.customers.get(id);
    if (!customer) throw new Error(`Unknown customer ${id} in ${this.domain}`);
    return customer;
  }

  requireOrder(id: number): StandinOrder {
    const order = this.orders.get(id);
    if (!order) throw new Error(`Unknown order ${id} in ${this.domain}`);
    return order;
  }

  gidOf(type: "Product" | "Customer" | "Order", id: number): string {
    return toGid(type, id);
  }
}

export interface StoreOptions {
  /** The clock used for createdAt/updatedAt of new records and for "now"; defaults to the wall clock. */
  now?: () => Date;
}

/** Every shop known to the stand-in. */
export class StandinStore {
  readonly shops = new Map<string, ShopState>();
  private readonly counters = new Map<string, number>();
  readonly now: () => Date;

  constructor(options: StoreOptions = {}) {
    this.now = options.now ?? (() => new Date());
  }

  nowIso(): string {
    return this.now().toISOString().replace(/\.\d{3}Z$/, "Z");
  }

  nextId(type: keyof typeof ID_BASE | string): number {
    const next = (this.counters.get(type) ?? 0) + 1;
    this.counters.set(type, next);
    return (ID_BASE[type] ?? 0) + next;
  }

  addShop(input: ShopInput): ShopState {
    if (this.shops.has(input.domain)) throw new Error(`Shop ${input.domain} already exists`);
    const shop = new ShopState(this, input);
    this.shops.set(input.domain, shop);
    return shop;
  }

  shop(domain: string): ShopState {
    const shop = this.shops.get(domain);
    if (!shop) throw new Error(`Unknown shop ${domain}`);
    return shop;
  }

  /** The first shop added: the default for storefront and admin pages. */
  defaultShop(): ShopState {
    const first = this.shops.values().next();
    if (first.done) throw new Error("The stand-in store has no shops");
    return first.value;
  }
}

/** Shopify trims tags, drops blanks and duplicates (case-insensitively) and keeps them sorted. */
export function normaliseTags(tags: string[]): string[] {
  const seen = new Map<string, string>();
  for (const raw of tags.flatMap((t) => t.split(","))) {
    const tag = raw.trim();
    if (tag && !seen.has(tag.toLowerCase())) seen.set(tag.toLowerCase(), tag);
  }
  return [...seen.values()].sort((a, b) => a.localeCompare(b));
}
