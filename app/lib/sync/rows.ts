// Plain row shapes matching the Prisma models (create inputs). A field left undefined means "this
// source does not know it": an upsert's update then leaves the stored column alone.

export type OrderSource = "webhook" | "bulk" | "csv" | "reconcile";

// A type alias, not an interface, so that it is assignable to Prisma's JSON input types.
export type NoteAttribute = {
  name: string;
  value: string;
};

export interface OrderRow {
  shop: string;
  id: string;
  name: string;
  customerId: string | null;
  createdAt: Date;
  updatedAt: Date;
  processedAt: Date | null;
  currency: string;
  subtotalCents: number;
  totalCents: number;
  totalRefundedCents: number;
  cancelledAt: Date | null;
  financialStatus: string | null;
  sourceName: string | null;
  source: OrderSource;
  noteAttributes: NoteAttribute[] | null;
}

export interface OrderLineRow {
  shop: string;
  id: string;
  orderId: string;
  productId: string | null;
  variantId: string | null;
  title: string;
  quantity: number;
  refundedQuantity: number;
  priceCents: number;
  properties: NoteAttribute[] | null;
  recSurface: string | null;
  recStrategy: string | null;
  recArm: string | null;
}

export interface ProductRow {
  shop: string;
  id: string;
  handle: string;
  title: string;
  productType: string;
  vendor: string;
  tags: string;
  /** Webhooks do not carry collections; only the bulk path sets them. */
  collections?: string;
  status: string;
  published: boolean;
  /** REST product payloads do not say whether a product is a gift card. */
  isGiftCard?: boolean;
  imageUrl: string | null;
  priceCents: number;
  inventory: number;
  tracksInventory?: boolean;
  createdAt: Date;
  updatedAt: Date;
  deletedAt: Date | null;
}

export interface VariantRow {
  shop: string;
  id: string;
  productId: string;
  title: string;
  sku: string | null;
  priceCents: number;
  inventory: number;
  updatedAt: Date;
}

export type EmailMarketingState = "SUBSCRIBED" | "NOT_SUBSCRIBED" | "UNSUBSCRIBED" | "PENDING";

export interface CustomerRow {
  shop: string;
  id: string;
  /** Undefined when the payload has no address information (e.g. without protected-data access). */
  countryCode?: string | null;
  tags: string;
  emailMarketingState: EmailMarketingState;
  /** Shopify's own counters, set only by the bulk path; computeCustomerAggregates is authoritative. */
  numberOfOrders?: number;
  amountSpentCents?: number;
  createdAt: Date;
  updatedAt: Date;
}
