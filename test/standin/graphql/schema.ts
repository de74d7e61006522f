// A subset of the Shopify Admin GraphQL API, with the real type and field names, served from the
// in-memory store. Fields outside this subset fail validation, as unknown fields do on Shopify.
import {
  buildSchema,
  GraphQLError,
  isInterfaceType,
  isObjectType,
  type GraphQLFieldResolver,
  type GraphQLResolveInfo,
  type GraphQLSchema,
} from "graphql";
import { parseGid, toGid, type GidType } from "../ids";
import {
  centsToMoney,
  currentQuantity,
  financialStatus,
  moneyToCents,
  orderTotals,
  type ShopState,
  type StandinCollection,
  type StandinCustomer,
  type StandinLineItem,
  type StandinOrder,
  type StandinProduct,
  type StandinRefund,
  type StandinVariant,
} from "../store";
import { paginate, type ConnectionArgs } from "./connection";
import { searchPredicate, type SearchField } from "./search";

const CONNECTION_FIELDS = "edges: [EDGE!]! nodes: [NODE!]! pageInfo: PageInfo!";
const PAGE_ARGS = "first: Int, after: String, last: Int, before: String, reverse: Boolean = false";

function connectionTypes(node: string): string {
  return `
  type ${node}Connection { ${CONNECTION_FIELDS.replace("EDGE", `${node}Edge`).replace("NODE", node)} }
  type ${node}Edge { cursor: String! node: ${node}! }`;
}

export const ADMIN_SDL = /* GraphQL */ `
  scalar DateTime
  scalar Decimal
  scalar Money
  scalar URL
  scalar UnsignedInt64
  scalar HTML

  enum CurrencyCode { AUD CAD CHF DKK EUR GBP JPY NOK NZD PLN SEK USD }
  enum CountryCode { AU AT BE CA CH DE DK ES FI FR GB IE IT JP NL NO NZ PL PT SE US }

  interface Node { id: ID! }

  type PageInfo { hasNextPage: Boolean! hasPreviousPage: Boolean! startCursor: String endCursor: String }
  type MoneyV2 { amount: Decimal! currencyCode: CurrencyCode! }
  type MoneyBag { shopMoney: MoneyV2! presentmentMoney: MoneyV2! }
  type ProductPriceRangeV2 { minVariantPrice: MoneyV2! maxVariantPrice: MoneyV2! }
  input ImageTransformInput { maxWidth: Int maxHeight: Int }
  type Image { id: ID altText: String width: Int height: Int url(transform: ImageTransformInput): URL! }
  type Attribute { key: String! value: String }
  type UserError { field: [String!] message: String! }

  type ShopPlan { displayName: String! partnerDevelopment: Boolean! shopifyPlus: Boolean! }
  type Shop implements Node {
    id: ID! name: String! email: String! myshopifyDomain: String! url: URL! currencyCode: CurrencyCode!
    ianaTimezone: String! plan: ShopPlan!
  }

  enum ProductStatus { ACTIVE ARCHIVED DRAFT }
  enum ProductSortKeys { CREATED_AT ID INVENTORY_TOTAL PRODUCT_TYPE PUBLISHED_AT RELEVANCE TITLE UPDATED_AT VENDOR }
  enum ProductVariantSortKeys { ID POSITION SKU TITLE INVENTORY_QUANTITY }
  enum CollectionSortKeys { ID RELEVANCE TITLE UPDATED_AT }
  enum CustomerSortKeys { CREATED_AT ID LOCATION NAME RELEVANCE UPDATED_AT }
  enum OrderSortKeys { CREATED_AT CUSTOMER_NAME FINANCIAL_STATUS ID ORDER_NUMBER PROCESSED_AT RELEVANCE TOTAL_PRICE UPDATED_AT }

  type Product implements Node {
    id: ID! legacyResourceId: UnsignedInt64! handle: String! title: String! description: String! descriptionHtml: HTML!
    productType: String! vendor: String! tags: [String!]! status: ProductStatus!
    createdAt: DateTime! updatedAt: DateTime! publishedAt: DateTime onlineStoreUrl: URL
    isGiftCard: Boolean! totalInventory: Int! tracksInventory: Boolean!
    featuredImage: Image priceRangeV2: ProductPriceRangeV2!
    collections(${PAGE_ARGS}, query: String, sortKey: CollectionSortKeys = ID): CollectionConnection!
    variants(${PAGE_ARGS}, sortKey: ProductVariantSortKeys = POSITION): ProductVariantConnection!
  }
  type ProductVariant implements Node {
    id: ID! legacyResourceId: UnsignedInt64! title: String! displayName: String! sku: String price: Money!
    inventoryQuantity: Int availableForSale: Boolean! createdAt: DateTime! updatedAt: DateTime! product: Product!
  }
  type Collection implements Node {
    id: ID! legacyResourceId: UnsignedInt64! handle: String! title: String! updatedAt: DateTime!
    productsCount: Int!
    products(${PAGE_ARGS}, sortKey: ProductSortKeys = ID): ProductConnection!
  }

  enum CustomerEmailMarketingState { INVALID NOT_SUBSCRIBED PENDING REDACTED SUBSCRIBED UNSUBSCRIBED }
  enum CustomerMarketingOptInLevel { CONFIRMED_OPT_IN SINGLE_OPT_IN UNKNOWN }
  type CustomerEmailMarketingConsentState {
    marketingState: CustomerEmailMarketingState! marketingOptInLevel: CustomerMarketingOptInLevel consentUpdatedAt: DateTime
  }
  type MailingAddress { id: ID! country: String countryCodeV2: CountryCode city: String }
  type Customer implements Node {
    id: ID! legacyResourceId: UnsignedInt64! createdAt: DateTime! updatedAt: DateTime!
    displayName: String! firstName: String lastName: String email: String tags: [String!]!
    numberOfOrders: UnsignedInt64! amountSpent: MoneyV2!
    defaultAddress: MailingAddress emailMarketingConsent: CustomerEmailMarketingConsentState
    orders(${PAGE_ARGS}, query: String, sortKey: OrderSortKeys = ID): OrderConnection!
  }

  enum OrderDisplayFinancialStatus { AUTHORIZED EXPIRED PAID PARTIALLY_PAID PARTIALLY_REFUNDED PENDING REFUNDED VOIDED }
  enum OrderCancelReason { CUSTOMER DECLINED FRAUD INVENTORY OTHER STAFF }
  type Order implements Node {
    id: ID! legacyResourceId: UnsignedInt64! name: String! email: String
    createdAt: DateTime! updatedAt: DateTime! processedAt: DateTime! cancelledAt: DateTime cancelReason: OrderCancelReason
    closed: Boolean! test: Boolean! currencyCode: CurrencyCode! displayFinancialStatus: OrderDisplayFinancialStatus
    sourceName: String customer: Customer tags: [String!]! customAttributes: [Attribute!]!
    subtotalPriceSet: MoneyBag totalPriceSet: MoneyBag! totalRefundedSet: MoneyBag! currentTotalPriceSet: MoneyBag!
    lineItems(${PAGE_ARGS}): LineItemConnection!
    refunds(first: Int): [Refund!]!
  }
  type LineItem implements Node {
    id: ID! name: String! title: String! variantTitle: String quantity: Int! currentQuantity: Int! sku: String vendor: String
    variant: ProductVariant product: Product originalUnitPriceSet: MoneyBag! discountedUnitPriceSet: MoneyBag!
    originalTotalSet: MoneyBag! customAttributes: [Attribute!]!
  }
  type Refund implements Node {
    id: ID! legacyResourceId: UnsignedInt64! createdAt: DateTime note: String totalRefundedSet: MoneyBag!
    refundLineItems(${PAGE_ARGS}): RefundLineItemConnection!
  }
  type RefundLineItem { id: ID lineItem: LineItem! quantity: Int! subtotalSet: MoneyBag! }

  enum BulkOperationStatus { CANCELED CANCELING COMPLETED CREATED EXPIRED FAILED RUNNING }
  enum BulkOperationErrorCode { ACCESS_DENIED INTERNAL_SERVER_ERROR TIMEOUT }
  enum BulkOperationType { MUTATION QUERY }
  enum BulkOperationUserErrorCode { INVALID OPERATION_IN_PROGRESS }
  type BulkOperation implements Node {
    id: ID! status: BulkOperationStatus! errorCode: BulkOperationErrorCode type: BulkOperationType! query: String!
    objectCount: UnsignedInt64! rootObjectCount: UnsignedInt64! fileSize: UnsignedInt64
    url: URL partialDataUrl: URL createdAt: DateTime! completedAt: DateTime
  }
  type BulkOperationUserError { field: [String!] message: String! code: BulkOperationUserErrorCode }
  type BulkOperationRunQueryPayload { bulkOperation: BulkOperation userErrors: [BulkOperationUserError!]! }
  type BulkOperationCancelPayload { bulkOperation: BulkOperation userErrors: [UserError!]! }
  type TagsAddPayload { node: Node userErrors: [UserError!]! }
  type TagsRemovePayload { node: Node userErrors: [UserError!]! }

  ${["Product", "ProductVariant", "Collection", "Customer", "Order", "LineItem", "RefundLineItem"].map(connectionTypes).join("\n")}

  type QueryRoot {
    shop: Shop!
    node(id: ID!): Node
    nodes(ids: [ID!]!): [Node]!
    product(id: ID!): Product
    productVariant(id: ID!): ProductVariant
    collection(id: ID!): Collection
    customer(id: ID!): Customer
    order(id: ID!): Order
    bulkOperation(id: ID!): BulkOperation
    currentBulkOperation(type: BulkOperationType = QUERY): BulkOperation
    products(${PAGE_ARGS}, query: String, sortKey: ProductSortKeys = ID): ProductConnection!
    productVariants(${PAGE_ARGS}, query: String, sortKey: ProductVariantSortKeys = ID): ProductVariantConnection!
    collections(${PAGE_ARGS}, query: String, sortKey: CollectionSortKeys = ID): CollectionConnection!
    customers(${PAGE_ARGS}, query: String, sortKey: CustomerSortKeys = ID): CustomerConnection!
    orders(${PAGE_ARGS}, query: String, sortKey: OrderSortKeys = ID): OrderConnection!
  }
  type Mutation {
    bulkOperationRunQuery(query: String!, groupObjects: Boolean = false): BulkOperationRunQueryPayload
    bulkOperationCancel(id: ID!): BulkOperationCancelPayload
    tagsAdd(id: ID!, tags: [String!]!): TagsAddPayload
    tagsRemove(id: ID!, tags: [String!]!): TagsRemovePayload
  }
  schema { query: QueryRoot mutation: Mutation }
`;

export interface BulkOperationRecord {
  id: number;
  shop: string;
  status: "CANCELED" | "CANCELING" | "COMPLETED" | "CREATED" | "EXPIRED" | "FAILED" | "RUNNING";
  errorCode: "ACCESS_DENIED" | "INTERNAL_SERVER_ERROR" | "TIMEOUT" | null;
  type: "QUERY" | "MUTATION";
  query: string;
  objectCount: number;
  rootObjectCount: number;
  fileSize: number | null;
  url: string | null;
  partialDataUrl: string | null;
  createdAt: string;
  completedAt: string | null;
}

/** What resolvers need: the shop, where the stand-in is served, and hooks into bulk operations and the call log. */
export interface AdminContext {
  shop: ShopState;
  baseUrl: string;
  /** Inside a bulk operation run: connections ignore page sizes and the root connection is walked in slices. */
  bulk?: { slice: { offset: number; limit: number } };
  runBulkQuery: (query: string) => { bulkOperation: BulkOperationRecord | null; userErrors: { field: string[] | null; message: string; code: string | null }[] };
  cancelBulk: (gid: string) => { bulkOperation: BulkOperationRecord | null; userErrors: { field: string[] | null; message: string }[] };
  bulkOperation: (gid: string) => BulkOperationRecord | null;
  currentBulkOperation: (type: string) => BulkOperationRecord | null;
  recordMutation: (name: string, args: Record<string, unknown>) => void;
  /** Without read_all_orders Shopify only shows orders from the last 60 days; this is the cut-off then. */
  ordersVisibleSince: string | null;
}

function visibleOrders(ctx: AdminContext, orders: Iterable<StandinOrder>): StandinOrder[] {
  const since = ctx.ordersVisibleSince;
  const list = [...orders];
  return since === null ? list : list.filter((o) => o.createdAt >= since);
}

// Store records have no type tag; objects handed to the Node interface are registered here.
const nodeTypes = new WeakMap<object, string>();
function typed<T extends object>(value: T | null | undefined, type: string): T | null {
  if (!value) return null;
  nodeTypes.set(value, type);
  return value;
}

function money(cents: number, currencyCode: string) {
  return { amount: centsToMoney(cents), currencyCode };
}
function moneyBag(cents: number, currencyCode: string) {
  const m = money(cents, currencyCode);
  return { shopMoney: m, presentmentMoney: m };
}

function connectionOf<T>(
  items: readonly T[],
  args: ConnectionArgs & { sortKey?: string },
  info: GraphQLResolveInfo,
  context: AdminContext,
  sortValue: (item: T, sortKey: string) => string | number,
  id: (item: T) => number,
) {
  const isRoot = info.path.prev === undefined;
  const sortKey = args.sortKey ?? "ID";
  return paginate(items, args, {
    sortValue: (item) => sortValue(item, sortKey),
    id,
    unbounded: Boolean(context.bulk),
    slice: context.bulk && isRoot ? context.bulk.slice : undefined,
  });
}

const productFields: Record<string, SearchField<StandinProduct>> = {
  id: { kind: "number", get: (p) => p.id },
  title: { kind: "text", get: (p) => p.title },
  handle: { kind: "text", get: (p) => p.handle },
  product_type: { kind: "text", get: (p) => p.productType },
  vendor: { kind: "text", get: (p) => p.vendor },
  status: { kind: "text", get: (p) => p.status },
  tag: { kind: "list", get: (p) => p.tags },
  sku: { kind: "list", get: (p) => p.variants.map((v) => v.sku) },
  created_at: { kind: "date", get: (p) => p.createdAt },
  updated_at: { kind: "date", get: (p) => p.updatedAt },
  published_at: { kind: "date", get: (p) => p.publishedAt },
  inventory_total: { kind: "number", get: (p) => p.variants.reduce((n, v) => n + v.inventoryQuantity, 0) },
};
const customerFields: Record<string, SearchField<StandinCustomer>> = {
  id: { kind: "number", get: (c) => c.id },
  email: { kind: "text", get: (c) => c.email },
  country: { kind: "text", get: (c) => c.countryCode },
  tag: { kind: "list", get: (c) => c.tags },
  created_at: { kind: "date", get: (c) => c.createdAt },
  updated_at: { kind: "date", get: (c) => c.updatedAt },
  orders_count: { kind: "number", get: (c) => c.numberOfOrders },
  email_marketing_state: { kind: "text", get: (c) => c.marketingState },
};
const orderFields: Record<string, SearchField<StandinOrder>> = {
  id: { kind: "number", get: (o) => o.id },
  name: { kind: "text", get: (o) => o.name },
  customer_id: { kind: "number", get: (o) => o.customerId },
  tag: { kind: "list", get: (o) => o.tags },
  created_at: { kind: "date", get: (o) => o.createdAt },
  updated_at: { kind: "date", get: (o) => o.updatedAt },
  processed_at: { kind: "date", get: (o) => o.processedAt },
  financial_status: { kind: "text", get: (o) => financialStatus(o).toLowerCase() },
  status: { kind: "text", get: (o) => (o.cancelledAt ? "cancelled" : "open") },
  source_name: { kind: "text", get: (o) => o.sourceName },
};

function productSort(p: StandinProduct, key: string): string | number {
  switch (key) {
    case "TITLE": return p.title.toLowerCase();
    case "CREATED_AT": return p.createdAt;
    case "UPDATED_AT": return p.updatedAt;
    case "PUBLISHED_AT": return p.publishedAt ?? "";
    case "PRODUCT_TYPE": return p.productType;
    case "VENDOR": return p.vendor;
    case "INVENTORY_TOTAL": return p.variants.reduce((n, v) => n + v.inventoryQuantity, 0);
    default: return 0;
  }
}
function customerSort(c: StandinCustomer, key: string): string | number {
  switch (key) {
    case "CREATED_AT": return c.createdAt;
    case "UPDATED_AT": return c.updatedAt;
    case "NAME": return `${c.firstName} ${c.lastName}`.toLowerCase();
    case "LOCATION": return c.countryCode;
    default: return 0;
  }
}
function orderSort(o: StandinOrder, key: string): string | number {
  switch (key) {
    case "CREATED_AT": return o.createdAt;
    case "UPDATED_AT": return o.updatedAt;
    case "PROCESSED_AT": return o.processedAt;
    case "ORDER_NUMBER": return o.number;
    case "TOTAL_PRICE": return orderTotals(o).totalCents;
    default: return 0;
  }
}

function requireGid(gid: string, type: GidType): number {
  const parsed = parseGid(gid);
  if (!parsed || parsed.type !== type) throw new GraphQLError(`Invalid global id '${gid}'`, { extensions: { code: "argumentLiteralsIncompatible" } });
  return parsed.id;
}

// Resolvers receive store records of many shapes; graphql-js checks the results against the schema.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Resolvers = Record<string, Record<string, GraphQLFieldResolver<any, AdminContext, any>>>;

const idOf = (type: GidType) => (source: { id: number }) => toGid(type, source.id);
const legacyId = (source: { id: number }) => String(source.id);

const resolvers: Resolvers = {
  QueryRoot: {
    shop: (_s, _a, ctx) => ctx.shop,
    node: (_s, { id }: { id: string }, ctx) => findNode(ctx, id),
    nodes: (_s, { ids }: { ids: string[] }, ctx) => ids.map((id) => findNode(ctx, id)),
    product: (_s, { id }, ctx) => ctx.shop.products.get(requireGid(id, "Product")) ?? null,
    productVariant: (_s, { id }, ctx) => ctx.shop.variants.get(requireGid(id, "ProductVariant")) ?? null,
    collection: (_s, { id }, ctx) => ctx.shop.collections.get(requireGid(id, "Collection")) ?? null,
    customer: (_s, { id }, ctx) => ctx.shop.customers.get(requireGid(id, "Customer")) ?? null,
    order: (_s, { id }, ctx) => visibleOrders(ctx, [ctx.shop.orders.get(requireGid(id, "Order"))].filter((o): o is StandinOrder => Boolean(o)))[0] ?? null,
    bulkOperation: (_s, { id }, ctx) => ctx.bulkOperation(id),
    currentBulkOperation: (_s, { type }, ctx) => ctx.currentBulkOperation(type),
    products: (_s, args, ctx, info) => {
      const match = searchPredicate(args.query, productFields, (p) => p.title);
      return connectionOf([...ctx.shop.products.values()].filter(match), args, info, ctx, productSort, (p) => p.id);
    },
    productVariants: (_s, args, ctx, info) => {
      const match = searchPredicate<StandinVariant>(args.query, { sku: { kind: "text", get: (v) => v.sku }, updated_at: { kind: "date", get: (v) => v.updatedAt } }, (v) => v.title);
      return connectionOf([...ctx.shop.variants.values()].filter(match), args, info, ctx, () => 0, (v) => v.id);
    },
    collections: (_s, args, ctx, info) => {
      const match = searchPredicate<StandinCollection>(args.query, { title: { kind: "text", get: (c) => c.title }, handle: { kind: "text", get: (c) => c.handle } }, (c) => c.title);
      return connectionOf([...ctx.shop.collections.values()].filter(match), args, info, ctx, (c, k) => (k === "TITLE" ? c.title : k === "UPDATED_AT" ? c.updatedAt : 0), (c) => c.id);
    },
    customers: (_s, args, ctx, info) => {
      const match = searchPredicate(args.query, customerFields, (c) => `${c.firstName} ${c.lastName} ${c.email}`);
      return connectionOf([...ctx.shop.customers.values()].filter(match), args, info, ctx, customerSort, (c) => c.id);
    },
    orders: (_s, args, ctx, info) => {
      const match = searchPredicate(args.query, orderFields, (o) => `${o.name} ${o.email}`);
      return connectionOf(visibleOrders(ctx, ctx.shop.orders.values()).filter(match), args, info, ctx, orderSort, (o) => o.id);
    },
  },
  Mutation: {
    bulkOperationRunQuery: (_s, args: { query: string }, ctx) => {
      ctx.recordMutation("bulkOperationRunQuery", args);
      return ctx.runBulkQuery(args.query);
    },
    bulkOperationCancel: (_s, args: { id: string }, ctx) => {
      ctx.recordMutation("bulkOperationCancel", args);
      return ctx.cancelBulk(args.id);
    },
    tagsAdd: (_s, args: { id: string; tags: string[] }, ctx) => {
      ctx.recordMutation("tagsAdd", args);
      return changeTags(ctx, args, "add");
    },
    tagsRemove: (_s, args: { id: string; tags: string[] }, ctx) => {
      ctx.recordMutation("tagsRemove", args);
      return changeTags(ctx, args, "remove");
    },
  },
  Shop: {
    id: () => toGid("Shop", 1),
    myshopifyDomain: (s: ShopState) => s.domain,
    url: (s: ShopState) => `https://${s.domain}`,
    ianaTimezone: () => "Europe/London",
    plan: (s: ShopState) => ({ displayName: s.planDisplayName, partnerDevelopment: false, shopifyPlus: s.planDisplayName === "Shopify Plus" }),
  },
  Product: {
    id: idOf("Product"),
    legacyResourceId: legacyId,
    description: (p: StandinProduct) => p.descriptionHtml.replace(/<[^>]*>/g, ""),
    onlineStoreUrl: (p: StandinProduct, _a, ctx) => (p.status === "ACTIVE" ? `https://${ctx.shop.domain}/products/${p.handle}` : null),
    totalInventory: (p: StandinProduct) => p.variants.reduce((n, v) => n + v.inventoryQuantity, 0),
    featuredImage: (p: StandinProduct, _a, ctx) => ({ id: toGid("Product", p.id).replace("Product", "ProductImage"), altText: p.title, width: 600, height: 600, url: `${ctx.baseUrl}/images/products/${p.id}.svg` }),
    priceRangeV2: (p: StandinProduct, _a, ctx) => {
      const cents = p.variants.map((v) => moneyToCents(v.price));
      return { minVariantPrice: money(Math.min(...cents), ctx.shop.currencyCode), maxVariantPrice: money(Math.max(...cents), ctx.shop.currencyCode) };
    },
    collections: (p: StandinProduct, args, ctx, info) =>
      connectionOf(p.collectionIds.map((id) => ctx.shop.collections.get(id)!).filter(Boolean), args, info, ctx, (c, k) => (k === "TITLE" ? c.title : 0), (c) => c.id),
    variants: (p: StandinProduct, args, ctx, info) => connectionOf(p.variants, args, info, ctx, (v, k) => (k === "SKU" ? v.sku : k === "TITLE" ? v.title : 0), (v) => v.id),
  },
  ProductVariant: {
    id: idOf("ProductVariant"),
    legacyResourceId: legacyId,
    displayName: (v: StandinVariant, _a, ctx) => `${ctx.shop.products.get(v.productId)?.title ?? ""} - ${v.title}`,
    availableForSale: (v: StandinVariant) => v.inventoryQuantity > 0,
    product: (v: StandinVariant, _a, ctx) => ctx.shop.products.get(v.productId),
  },
  Collection: {
    id: idOf("Collection"),
    legacyResourceId: legacyId,
    productsCount: (c: StandinCollection, _a, ctx) => [...ctx.shop.products.values()].filter((p) => p.collectionIds.includes(c.id)).length,
    products: (c: StandinCollection, args, ctx, info) =>
      connectionOf([...ctx.shop.products.values()].filter((p) => p.collectionIds.includes(c.id)), args, info, ctx, productSort, (p) => p.id),
  },
  Customer: {
    id: idOf("Customer"),
    legacyResourceId: legacyId,
    displayName: (c: StandinCustomer) => `${c.firstName} ${c.lastName}`.trim(),
    numberOfOrders: (c: StandinCustomer) => String(c.numberOfOrders),
    amountSpent: (c: StandinCustomer, _a, ctx) => money(c.amountSpentCents, ctx.shop.currencyCode),
    defaultAddress: (c: StandinCustomer) => ({ id: toGid("Customer", c.id).replace("Customer", "MailingAddress"), countryCodeV2: c.countryCode, country: c.countryCode, city: null }),
    emailMarketingConsent: (c: StandinCustomer) => ({
      marketingState: c.marketingState,
      marketingOptInLevel: c.marketingState === "SUBSCRIBED" ? "SINGLE_OPT_IN" : null,
      consentUpdatedAt: c.createdAt,
    }),
    orders: (c: StandinCustomer, args, ctx, info) => {
      const match = searchPredicate(args.query, orderFields, (o) => o.name);
      return connectionOf(visibleOrders(ctx, ctx.shop.ordersByCustomer.get(c.id) ?? []).filter(match), args, info, ctx, orderSort, (o) => o.id);
    },
  },
  Order: {
    id: idOf("Order"),
    legacyResourceId: legacyId,
    closed: () => false,
    test: () => false,
    cancelReason: (o: StandinOrder) => o.cancelReason?.toUpperCase() ?? null,
    displayFinancialStatus: (o: StandinOrder) => financialStatus(o),
    customer: (o: StandinOrder, _a, ctx) => (o.customerId != null ? ctx.shop.customers.get(o.customerId) ?? null : null),
    subtotalPriceSet: (o: StandinOrder) => moneyBag(orderTotals(o).subtotalCents, o.currencyCode),
    totalPriceSet: (o: StandinOrder) => moneyBag(orderTotals(o).totalCents, o.currencyCode),
    totalRefundedSet: (o: StandinOrder) => moneyBag(orderTotals(o).refundedCents, o.currencyCode),
    currentTotalPriceSet: (o: StandinOrder) => {
      const t = orderTotals(o);
      return moneyBag(t.totalCents - t.refundedCents, o.currencyCode);
    },
    lineItems: (o: StandinOrder, args, ctx, info) =>
      connectionOf(o.lineItems.map((line) => lineWithOrder(line, o)), args, info, ctx, () => 0, (l) => l.id),
    refunds: (o: StandinOrder, args: { first?: number }) => o.refunds.slice(0, args.first ?? undefined).map((r) => ({ ...r, order: o })),
  },
  LineItem: {
    id: idOf("LineItem"),
    name: (l: StandinLineItem) => (l.variantTitle ? `${l.title} - ${l.variantTitle}` : l.title),
    variantTitle: (l: StandinLineItem) => l.variantTitle || null,
    currentQuantity: (l: LineWithOrder) => currentQuantity(l.order, l),
    variant: (l: StandinLineItem, _a, ctx) => (l.variantId != null ? ctx.shop.variants.get(l.variantId) ?? null : null),
    product: (l: StandinLineItem, _a, ctx) => (l.productId != null ? ctx.shop.products.get(l.productId) ?? null : null),
    originalUnitPriceSet: (l: LineWithOrder) => moneyBag(moneyToCents(l.price), l.order.currencyCode),
    discountedUnitPriceSet: (l: LineWithOrder) => moneyBag(moneyToCents(l.price), l.order.currencyCode),
    originalTotalSet: (l: LineWithOrder) => moneyBag(moneyToCents(l.price) * l.quantity, l.order.currencyCode),
    customAttributes: (l: StandinLineItem) => l.properties.map((p) => ({ key: p.name, value: p.value })),
  },
  Refund: {
    id: idOf("Refund"),
    legacyResourceId: legacyId,
    totalRefundedSet: (r: StandinRefund & { order: StandinOrder }) =>
      moneyBag(r.lines.reduce((n, l) => n + moneyToCents(l.subtotal), 0), r.order.currencyCode),
    refundLineItems: (r: StandinRefund & { order: StandinOrder }, args, ctx, info) =>
      connectionOf(
        r.lines.map((l) => {
          const line = r.order.lineItems.find((candidate) => candidate.id === l.lineItemId)!;
          return { id: l.lineItemId, lineItem: lineWithOrder(line, r.order), quantity: l.quantity, subtotalSet: moneyBag(moneyToCents(l.subtotal), r.order.currencyCode) };
        }),
        args,
        info,
        ctx,
        () => 0,
        (l) => l.id,
      ),
  },
  RefundLineItem: {
    id: (l: { id: number }) => toGid("LineItem", l.id).replace("LineItem", "RefundLineItem"),
  },
  BulkOperation: {
    id: idOf("BulkOperation"),
    objectCount: (b: BulkOperationRecord) => String(b.objectCount),
    rootObjectCount: (b: BulkOperationRecord) => String(b.rootObjectCount),
    fileSize: (b: BulkOperationRecord) => (b.fileSize === null ? null : String(b.fileSize)),
  },
};

type LineWithOrder = StandinLineItem & { order: StandinOrder };
function lineWithOrder(line: StandinLineItem, order: StandinOrder): LineWithOrder {
  return Object.assign(Object.create(line) as StandinLineItem, { order, id: line.id }) as LineWithOrder;
}

function findNode(ctx: AdminContext, gid: string): object | null {
  const parsed = parseGid(gid);
  if (!parsed) throw new GraphQLError(`Invalid global id '${gid}'`, { extensions: { code: "argumentLiteralsIncompatible" } });
  if (parsed.type === "BulkOperation") return typed(ctx.bulkOperation(gid), "BulkOperation");
  const found = ctx.shop.findByGid(gid);
  if (found?.type === "Order" && visibleOrders(ctx, [found.resource as StandinOrder]).length === 0) return null;
  return found ? typed(found.resource as object, found.type) : null;
}

function changeTags(ctx: AdminContext, args: { id: string; tags: string[] }, mode: "add" | "remove") {
  const parsed = parseGid(args.id);
  if (!parsed || !["Product", "Customer", "Order"].includes(parsed.type)) {
    return { node: null, userErrors: [{ field: ["id"], message: "Invalid id" }] };
  }
  const tags = args.tags.flatMap((t) => t.split(",")).map((t) => t.trim()).filter(Boolean);
  if (tags.length === 0) return { node: null, userErrors: [{ field: ["tags"], message: "Tags can't be blank" }] };
  if (tags.some((t) => t.length > 255)) return { node: null, userErrors: [{ field: ["tags"], message: "Tags is too long (maximum is 255 characters)" }] };
  const result = mode === "add" ? ctx.shop.addTags(args.id, tags) : ctx.shop.removeTags(args.id, tags);
  if (result === null) return { node: null, userErrors: [{ field: ["id"], message: "Resource not found" }] };
  return { node: findNode(ctx, args.id), userErrors: [] };
}

/** Builds the executable Admin schema subset. */
export function buildAdminSchema(): GraphQLSchema {
  const schema = buildSchema(ADMIN_SDL);
  for (const [typeName, fields] of Object.entries(resolvers)) {
    const type = schema.getType(typeName);
    if (!isObjectType(type)) throw new Error(`No object type ${typeName}`);
    const defs = type.getFields();
    for (const [fieldName, resolve] of Object.entries(fields)) {
      if (!defs[fieldName]) throw new Error(`No field ${typeName}.${fieldName}`);
      defs[fieldName].resolve = resolve;
    }
  }
  const node = schema.getType("Node");
  if (isInterfaceType(node)) {
    node.resolveType = (value: object) => nodeTypes.get(value) ?? inferNodeType(value);
  }
  return schema;
}

function inferNodeType(value: object): string | undefined {
  if ("variants" in value) return "Product";
  if ("lineItems" in value) return "Order";
  if ("marketingState" in value) return "Customer";
  if ("inventoryQuantity" in value) return "ProductVariant";
  if ("objectCount" in value) return "BulkOperation";
  if ("handle" in value) return "Collection";
  return undefined;
}
