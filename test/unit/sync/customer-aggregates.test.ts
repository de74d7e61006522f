import { describe, expect, it } from "vitest";
import { computeCustomerAggregates, isCountedOrder, type AggregateOrder } from "~/lib/sync/customer-aggregates";

const line = (productId: string | null, quantity: number, refundedQuantity = 0) => ({ productId, quantity, refundedQuantity });
const order = (createdAt: string, totalCents: number, totalRefundedCents: number, lines: AggregateOrder["lines"], cancelledAt: string | null = null): AggregateOrder => ({
  createdAt: new Date(createdAt),
  cancelledAt: cancelledAt ? new Date(cancelledAt) : null,
  totalCents,
  totalRefundedCents,
  lines,
});

const history: AggregateOrder[] = [
  order("2026-01-10T10:00:00Z", 10000, 0, [line("101", 2), line("102", 1)]), // counted
  order("2026-02-01T10:00:00Z", 5000, 2000, [line("103", 2, 1)]), // counted, net 3000, one unit kept
  order("2026-03-01T10:00:00Z", 7000, 0, [line("104", 1)], "2026-03-01T11:00:00Z"), // cancelled
  order("2025-12-01T10:00:00Z", 4000, 4000, [line("105", 1, 1)]), // fully refunded
  order("2026-02-15T10:00:00Z", 0, 0, [line("106", 1), line(null, 1)]), // free order: counted; 106 is sensitive
  order("2026-01-20T10:00:00Z", 3000, 0, [line("102", 1, 1), line("sku:ABC-7", 1)]), // counted
];

const productsById = new Map([
  ["101", { tags: ",linen,kitchen,", collections: ",kitchen-textiles," }],
  ["102", { tags: ["Kitchen", "Mugs"], collections: "," }],
  ["103", { tags: ",candles,", collections: ",home," }],
  ["104", { tags: ",cancelled-only,", collections: ",cancelled-only," }],
  ["105", { tags: ",refunded-only,", collections: "," }],
  ["106", { tags: ",pregnancy,", collections: ",health," }],
]);

describe("computeCustomerAggregates", () => {
  it("counts non-cancelled, not fully refunded orders, net of refunds, without sensitive products", () => {
    expect(computeCustomerAggregates(history, { sensitiveProductIds: ["106"], productsById })).toEqual({
      numberOfOrders: 4,
      amountSpentCents: 16000, // 10000 + (5000 − 2000) + 0 + 3000
      averageOrderValueCents: 4000,
      firstOrderAt: new Date("2026-01-10T10:00:00Z"),
      lastOrderAt: new Date("2026-02-15T10:00:00Z"),
      purchasedProductIds: ",101,102,103,sku:abc-7,",
      purchasedProductTags: ",candles,kitchen,linen,mugs,",
      purchasedCollections: ",home,kitchen-textiles,",
    });
  });

  it("includes a sensitive product only when nobody marked it sensitive", () => {
    const result = computeCustomerAggregates(history, { productsById });
    expect(result.purchasedProductIds).toBe(",101,102,103,106,sku:abc-7,");
    expect(result.purchasedProductTags).toBe(",candles,kitchen,linen,mugs,pregnancy,");
    expect(result.purchasedCollections).toBe(",health,home,kitchen-textiles,");
  });

  it("gives the same columns whatever order the history is in", () => {
    const options = { sensitiveProductIds: new Set(["106"]), productsById };
    expect(computeCustomerAggregates([...history].reverse(), options)).toEqual(computeCustomerAggregates(history, options));
  });

  it("rounds the average to the nearest cent", () => {
    const three = [order("2026-01-01T00:00:00Z", 333, 0, []), order("2026-01-02T00:00:00Z", 333, 0, []), order("2026-01-03T00:00:00Z", 334, 0, [])];
    expect(computeCustomerAggregates(three).averageOrderValueCents).toBe(333);
    const two = [order("2026-01-01T00:00:00Z", 500, 0, []), order("2026-01-02T00:00:00Z", 501, 0, [])];
    expect(computeCustomerAggregates(two).averageOrderValueCents).toBe(501);
  });

  it("a customer with no counted orders has empty aggregates", () => {
    expect(computeCustomerAggregates([history[2], history[3]], { productsById })).toEqual({
      numberOfOrders: 0,
      amountSpentCents: 0,
      averageOrderValueCents: 0,
      firstOrderAt: null,
      lastOrderAt: null,
      purchasedProductIds: ",",
      purchasedProductTags: ",",
      purchasedCollections: ",",
    });
  });
});

describe("isCountedOrder", () => {
  it("follows the documented rule", () => {
    expect(history.map(isCountedOrder)).toEqual([true, true, false, false, true, true]);
    // Every unit returned but no money back (e.g. an exchange) is not a purchase either.
    expect(isCountedOrder(order("2026-01-01T00:00:00Z", 1000, 0, [line("1", 2, 2)]))).toBe(false);
    // Refunds that exceed the total (shipping refunded too) still mean a fully refunded order.
    expect(isCountedOrder(order("2026-01-01T00:00:00Z", 1000, 1200, [line("1", 2)]))).toBe(false);
  });
});
