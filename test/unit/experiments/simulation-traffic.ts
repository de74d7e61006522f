import { assignArm, createRng } from "~/lib/experiments";
import type { AttributionOrder, ExposureEvent } from "~/services/roi.server";

// Seeded shopper traffic with a known truth, shared by the unit simulation (pure pipeline, many
// runs) and the integration test (the same traffic through the database and rebuild-metrics).

export type TrafficOptions = {
  seed: number;
  shop?: string;
  experimentId?: string;
  visitors: number;
  /** Conversion in the holdout arm. */
  baseline: number;
  /** True relative uplift in conversion for treated shoppers, e.g. 0.08. */
  uplift: number;
  holdoutPct?: number;
  /** Share of holdout shoppers whose events are lost (e.g. a cache serving them); 0 for a healthy split. */
  dropHoldoutShare?: number;
  start?: Date;
  days?: number;
};

/** Order values are whole cents drawn uniformly from 20.00–80.00, so the true mean order value is 50.00. */
export const TRUE_ORDER_VALUE = 50;

export function simulateTraffic(o: TrafficOptions) {
  const rng = createRng(o.seed);
  const shop = o.shop ?? "sim-shop.myshopify.com";
  const experimentId = o.experimentId ?? `sim-${o.seed}`;
  const start = o.start ?? new Date("2026-03-02T00:00:00Z");
  const days = o.days ?? 14;
  const events: ExposureEvent[] = [];
  const orders: AttributionOrder[] = [];
  const arms = [{ key: "treatment", weight: 1 }];
  const assigned: Record<string, number> = {};
  for (let i = 0; i < o.visitors; i++) {
    const customerId = `${100_000 + i}`;
    const visitorId = `v${o.seed}-${i}`;
    const a = assignArm({ shop, experimentId, unitId: `c:${customerId}`, arms, holdoutPct: o.holdoutPct ?? 10 });
    if (!a.enrolled) continue;
    assigned[a.arm] = (assigned[a.arm] ?? 0) + 1;
    if (a.arm === "holdout" && rng() < (o.dropHoldoutShare ?? 0)) continue;
    const strategy = a.arm === "holdout" ? "bestsellers" : "for_you";
    const segmentId = rng() < 0.3 ? "vip" : null;
    const productId = `${9_000 + (i % 40)}`;
    const firstAt = new Date(start.getTime() + Math.floor(rng() * days * 86_400_000 * 0.9));
    // The first visit is anonymous; the shopper logs in on a later event, which links both.
    events.push({ type: "impression", visitorId, customerId: null, surface: "product", strategy, arm: a.arm, segmentId, productId, occurredAt: firstAt });
    const clicked = rng() < 0.3;
    const second = new Date(firstAt.getTime() + Math.floor(rng() * 6 * 3_600_000));
    events.push({ type: clicked ? "click" : "impression", visitorId, customerId, surface: "product", strategy, arm: a.arm, segmentId, productId, occurredAt: second });
    const rate = a.arm === "holdout" ? o.baseline : o.baseline * (1 + o.uplift);
    if (rng() < rate) {
      const totalCents = 2000 + Math.floor(rng() * 6001);
      const createdAt = new Date(second.getTime() + 60_000 + Math.floor(rng() * 3_600_000));
      const attributed = clicked;
      orders.push({
        id: `${o.seed}${String(i).padStart(6, "0")}`,
        customerId,
        createdAt,
        totalCents,
        totalRefundedCents: 0,
        cancelledAt: null,
        lines: [
          {
            productId,
            recSurface: attributed ? "product" : null,
            recStrategy: attributed ? strategy : null,
            recArm: attributed ? a.arm : null,
            priceCents: totalCents,
            quantity: 1,
            refundedQuantity: 0,
          },
        ],
      });
    }
  }
  const end = new Date(start.getTime() + days * 86_400_000);
  return { shop, experimentId, events, orders, start, end, assigned };
}
