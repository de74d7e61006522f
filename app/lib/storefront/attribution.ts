const DAY_MS = 86_400_000;

/** A recorded shopper touch on a recommended product (click or add to cart). */
export type Touch = { productId: string; at: Date | number };

/** True when some touch on the product happened within `windowDays` before (or at) the order time. */
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
  return touches.some((touch) => {
    if (touch.productId !== productId) return false;
    const ms = typeof touch.at === "number" ? touch.at : touch.at.getTime();
    return ms >= since && ms <= orderMs;
  });
}

/** Net revenue of a line after refunds, in cents; never negative. */
export function netLineCents({ quantity, refundedQuantity, priceCents }: { quantity: number; refundedQuantity: number; priceCents: number }): number {
  return Math.max(0, quantity - refundedQuantity) * priceCents;
}
