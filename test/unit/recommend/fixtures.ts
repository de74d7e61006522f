import type { OrderRecord, ProductInfo } from "~/lib/recommend/types";

export const DAY = 86_400_000;
export const NOW = Date.UTC(2025, 5, 1);

/** An order of the given product ids at `daysAgo` before NOW. */
export function order(id: string, customerId: string | null, productIds: string[], daysAgo = 0): OrderRecord {
  return { id, customerId, createdAt: NOW - daysAgo * DAY, lines: productIds.map((productId) => ({ productId, quantity: 1, priceCents: 1000 })) };
}

/** A published, in-stock product; override any field. */
export function product(id: string, overrides: Partial<ProductInfo> = {}): ProductInfo {
  return {
    id,
    title: `Title ${id}`,
    productType: "",
    vendor: "",
    tags: [],
    collections: [],
    createdAt: NOW - 100 * DAY,
    published: true,
    available: true,
    isGiftCard: false,
    priceCents: 1000,
    ...overrides,
  };
}

/** Five baskets: A in 4, B in 4, C in 3, D in 1; A∧B in 3, A∧C in 2, A∧D in 1. */
export const BASKETS: OrderRecord[] = [
  order("o1", "x", ["A", "B", "C"]),
  order("o2", "y", ["A", "B"]),
  order("o3", "z", ["A", "C"]),
  order("o4", "x", ["B", "C"]),
  order("o5", null, ["A", "B", "D"]),
];
