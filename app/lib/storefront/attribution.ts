const DAY_MS = 86_400_000;

/** A recorded shopper touch on a recommended product (click or add to cart). */
export type Touch = { productId: string; at: Date | number };

/**
 * True when some touch on the product happened within `windowDays` before (or at) the order time.
 * Shopify's `created_at` has whole seconds: an order stamped 12:00:05 was placed at some moment of
 * that second, so a touch anywhere in it may have come first and counts (a shopper who clicks, adds
 * and checks out quickly lands there).
 */
export function isWithinAttributionWindow({
  productId,
  orderAt,
  windowDays,
  touches,
}: {
  productId: string;
  orderAt: Date | number;
  windowDays: number;
  touches: readonly Touch[];
}): boolean {
  const orderMs = typeof orderAt === "number" ? orderAt : orderAt.getTime();
  const since = orderMs - windowDays * DAY_MS;
  const secondEnd = Math.floor(orderMs / 1000) * 1000 + 999;
  return touches.some((touch) => {
    if (touch.productId !== productId) return false;
    const ms = typeof touch.at === "number" ? touch.at : touch.at.getTime();
    return ms >= since && ms <= secondEnd;
  });
}

/** Net revenue of a line after refunds, in cents; never negative. */
export function netLineCents({ quantity, refundedQuantity, priceCents }: { quantity: number; refundedQuantity: number; priceCents: number }): number {
  return Math.max(0, quantity - refundedQuantity) * priceCents;
}
