import { attributionFromProperties, storedLineProperties } from "~/lib/sync/attribution";
import type {
  CustomerRow,
  EmailMarketingState,
  OrderLineRow,
  OrderRow,
  OrderSource,
  ProductRow,
  VariantRow,
} from "~/lib/sync/rows";
import { encodeList, encodeTagString } from "~/lib/sync/values";
import type { CustomerPayload, OrderPayload, ProductPayload, RefundPayload } from "~/lib/sync/webhook-schemas";

type RefundLike = Pick<RefundPayload, "refund_line_items" | "transactions">;

// Failed or errored refund transactions moved no money; pending ones are counted because Shopify
// sends no second refunds/create when they settle.
const NOT_REFUNDED = new Set(["failure", "error"]);

/** Money a refund returned: the sum of its refund transactions that did not fail, in hundredths. */
export function refundAmountCents(refund: Pick<RefundLike, "transactions">): number {
  let cents = 0;
  for (const transaction of refund.transactions) {
    const kind = transaction.kind?.toLowerCase() ?? "refund";
    const status = transaction.status?.toLowerCase() ?? "success";
    if (kind === "refund" && !NOT_REFUNDED.has(status)) cents += transaction.amount;
  }
  return cents;
}

function refundedQuantities(refunds: readonly RefundLike[]): Map<string, number> {
  const byLine = new Map<string, number>();
  for (const refund of refunds) {
    for (const item of refund.refund_line_items) {
      byLine.set(item.line_item_id, (byLine.get(item.line_item_id) ?? 0) + item.quantity);
    }
  }
  return byLine;
}

/** Maps an orders/create|updated|cancelled payload to an Order row and its OrderLine rows. */
export function mapOrderPayload(
  shop: string,
  payload: OrderPayload,
  source: OrderSource = "webhook",
): { order: OrderRow; lines: OrderLineRow[] } {
  const orderId = payload.admin_graphql_api_id ?? payload.id;
  // The order's `refunds` list is complete on every delivery, so quantities are recomputed absolutely
  // rather than incremented: applying the same payload twice gives the same rows.
  const refunded = refundedQuantities(payload.refunds);
  const order: OrderRow = {
    shop,
    id: orderId,
    name: payload.name,
    customerId: payload.customer ? (payload.customer.admin_graphql_api_id ?? payload.customer.id) : null,
    createdAt: payload.created_at,
    updatedAt: payload.updated_at,
    processedAt: payload.processed_at ?? null,
    currency: payload.currency,
    subtotalCents: payload.subtotal_price,
    totalCents: payload.total_price,
    totalRefundedCents: payload.refunds.reduce((sum, refund) => sum + refundAmountCents(refund), 0),
    cancelledAt: payload.cancelled_at ?? null,
    financialStatus: payload.financial_status ?? null,
    sourceName: payload.source_name ?? null,
    source,
    noteAttributes: payload.note_attributes && payload.note_attributes.length > 0 ? payload.note_attributes : null,
  };
  const lines = payload.line_items.map((item): OrderLineRow => {
    const id = item.admin_graphql_api_id ?? item.id;
    const refundedQuantity = Math.min(item.quantity, refunded.get(id) ?? 0);
    return {
      shop,
      id,
      orderId,
      productId: item.product_id ?? null,
      variantId: item.variant_id ?? null,
      title: item.title,
      quantity: item.quantity,
      refundedQuantity,
      priceCents: item.price,
      properties: storedLineProperties(item.properties),
      ...attributionFromProperties(item.properties),
    };
  });
  return { order, lines };
}

export interface RefundableLine {
  id: string;
  quantity: number;
  refundedQuantity: number;
}

export interface AppliedRefund {
  /** Every input line with its new refundedQuantity (capped at the line quantity). */
  lines: { id: string; refundedQuantity: number }[];
  /** Money this refund returned. */
  refundCents: number;
  /** previousTotalRefundedCents + refundCents. */
  totalRefundedCents: number;
  /** Refunded line ids that were not among `lines` (the order is not fully synced yet). */
  unknownLineItemIds: string[];
}

// Incremental, so the caller must apply a given refund once (deliveries are deduplicated by event id);
// the next orders/updated restates absolute values anyway.
/** Applies one refunds/create payload to stored lines and the order's refunded total. */
export function applyRefund(
  lines: readonly RefundableLine[],
  refund: RefundLike,
  previousTotalRefundedCents = 0,
): AppliedRefund {
  const added = refundedQuantities([refund]);
  const known = new Set(lines.map((line) => line.id));
  const refundCents = refundAmountCents(refund);
  return {
    lines: lines.map((line) => ({
      id: line.id,
      refundedQuantity: Math.min(line.quantity, line.refundedQuantity + (added.get(line.id) ?? 0)),
    })),
    refundCents,
    totalRefundedCents: previousTotalRefundedCents + refundCents,
    unknownLineItemIds: [...added.keys()].filter((id) => !known.has(id)),
  };
}

/** Maps a products/create|update payload to a Product row and its Variant rows. */
export function mapProductPayload(shop: string, payload: ProductPayload): { product: ProductRow; variants: VariantRow[] } {
  const productId = payload.admin_graphql_api_id ?? payload.id;
  const variants = payload.variants.map(
    (variant): VariantRow => ({
      shop,
      id: variant.admin_graphql_api_id ?? variant.id,
      productId,
      title: variant.title ?? "",
      sku: variant.sku ? variant.sku : null,
      priceCents: variant.price,
      inventory: variant.inventory_quantity ?? 0,
      updatedAt: variant.updated_at ?? payload.updated_at,
    }),
  );
  const managed = payload.variants.filter((variant) => variant.inventory_management !== undefined);
  const product: ProductRow = {
    shop,
    id: productId,
    handle: payload.handle,
    title: payload.title,
    productType: payload.product_type ?? "",
    vendor: payload.vendor ?? "",
    tags: Array.isArray(payload.tags) ? encodeList(payload.tags) : encodeTagString(payload.tags),
    status: payload.status.toUpperCase(),
    published: payload.published_at !== null && payload.published_at !== undefined,
    imageUrl: payload.image?.src ?? payload.images?.[0]?.src ?? null,
    priceCents: variants.length === 0 ? 0 : Math.min(...variants.map((variant) => variant.priceCents)),
    inventory: variants.reduce((sum, variant) => sum + variant.inventory, 0),
    ...(managed.length > 0
      ? { tracksInventory: managed.some((variant) => variant.inventory_management?.toLowerCase() === "shopify") }
      : {}),
    createdAt: payload.created_at,
    updatedAt: payload.updated_at,
    deletedAt: null,
  };
  return { product, variants };
}

const MARKETING_STATES = new Set<EmailMarketingState>(["SUBSCRIBED", "NOT_SUBSCRIBED", "UNSUBSCRIBED", "PENDING"]);

/** Maps REST ("subscribed") or GraphQL ("SUBSCRIBED") consent states; REDACTED, INVALID and unknown mean not subscribed. */
export function normaliseMarketingState(state: string | null | undefined): EmailMarketingState {
  const upper = (state ?? "").trim().toUpperCase() as EmailMarketingState;
  return MARKETING_STATES.has(upper) ? upper : "NOT_SUBSCRIBED";
}

/** Maps a customers/create|update payload to a Customer row; no personal fields are read. */
export function mapCustomerPayload(shop: string, payload: CustomerPayload): CustomerRow {
  const row: CustomerRow = {
    shop,
    id: payload.admin_graphql_api_id ?? payload.id,
    tags: Array.isArray(payload.tags) ? encodeList(payload.tags) : encodeTagString(payload.tags),
    emailMarketingState: normaliseMarketingState(payload.email_marketing_consent?.state),
    createdAt: payload.created_at,
    updatedAt: payload.updated_at,
  };
  if (payload.default_address !== undefined) {
    const code = payload.default_address?.country_code?.trim().toUpperCase();
    row.countryCode = code ? code : null;
  }
  return row;
}
