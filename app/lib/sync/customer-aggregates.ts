import { decodeList, encodeList, normaliseListValue } from "~/lib/sync/values";

export interface AggregateOrderLine {
  productId: string | null;
  quantity: number;
  refundedQuantity: number;
}

export interface AggregateOrder {
  createdAt: Date;
  cancelledAt: Date | null;
  totalCents: number;
  totalRefundedCents: number;
  lines: readonly AggregateOrderLine[];
}

export interface ProductFacets {
  /** Encoded ",a,b," (as stored on Product) or a plain list. */
  tags: string | readonly string[];
  collections: string | readonly string[];
}

export interface AggregateOptions {
  sensitiveProductIds?: ReadonlySet<string> | readonly string[];
  productsById?: ReadonlyMap<string, ProductFacets>;
}

export interface CustomerAggregates {
  numberOfOrders: number;
  amountSpentCents: number;
  averageOrderValueCents: number;
  firstOrderAt: Date | null;
  lastOrderAt: Date | null;
  purchasedProductIds: string;
  purchasedProductTags: string;
  purchasedCollections: string;
}

// Counted: not cancelled, and not fully refunded (every line's quantity refunded, or refunds covering a
// non-zero total). Free orders count. See docs/decisions/040.
/** Whether an order counts towards a customer's aggregates. */
export function isCountedOrder(order: AggregateOrder): boolean {
  if (order.cancelledAt !== null) return false;
  const allLinesReturned = order.lines.length > 0 && order.lines.every((line) => line.refundedQuantity >= line.quantity);
  const allMoneyReturned = order.totalCents > 0 && order.totalRefundedCents >= order.totalCents;
  return !(allLinesReturned || allMoneyReturned);
}

// Sorted so that the same purchases always give the same column text, whatever the order history order.
function encodeSorted(list: readonly string[]): string {
  return encodeList(list.map(normaliseListValue).sort());
}

function values(list: string | readonly string[]): readonly string[] {
  return typeof list === "string" ? decodeList(list) : list;
}

// Only counted orders contribute; spend is net of refunds; purchased* use lines with a product and some
// quantity not refunded, skipping sensitive products and their tags and collections.
/** Derives the Customer aggregate columns from all of one customer's orders. */
export function computeCustomerAggregates(
  orders: readonly AggregateOrder[],
  options: AggregateOptions = {},
): CustomerAggregates {
  const sensitive = new Set(options.sensitiveProductIds ?? []);
  let numberOfOrders = 0;
  let amountSpentCents = 0;
  let first: number | null = null;
  let last: number | null = null;
  const productIds: string[] = [];
  for (const order of orders) {
    if (!isCountedOrder(order)) continue;
    numberOfOrders += 1;
    amountSpentCents += Math.max(0, order.totalCents - order.totalRefundedCents);
    const at = order.createdAt.getTime();
    if (first === null || at < first) first = at;
    if (last === null || at > last) last = at;
    for (const line of order.lines) {
      if (line.productId === null || line.quantity - line.refundedQuantity <= 0) continue;
      if (sensitive.has(line.productId)) continue;
      productIds.push(line.productId);
    }
  }
  const distinctIds = [...new Set(productIds)].sort();
  const tags: string[] = [];
  const collections: string[] = [];
  for (const id of distinctIds) {
    const facets = options.productsById?.get(id);
    if (!facets) continue;
    tags.push(...values(facets.tags));
    collections.push(...values(facets.collections));
  }
  return {
    numberOfOrders,
    amountSpentCents,
    averageOrderValueCents: numberOfOrders === 0 ? 0 : Math.round(amountSpentCents / numberOfOrders),
    firstOrderAt: first === null ? null : new Date(first),
    lastOrderAt: last === null ? null : new Date(last),
    purchasedProductIds: encodeSorted(distinctIds),
    purchasedProductTags: encodeSorted(tags),
    purchasedCollections: encodeSorted(collections),
  };
}
