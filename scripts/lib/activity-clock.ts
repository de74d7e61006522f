import type { ActivityView } from "~/lib/recommend/personal";
import { decayWeight } from "~/lib/recommend/settings";
import { relativeActivity, topByScore } from "~/lib/recommend/trending";
import type { OrderRecord } from "~/lib/recommend/types";

/**
 * Product activity as a recompute at time t would have stored it (`relativeActivity` of the
 * trending scores), from the orders strictly before t. Times must be visited in increasing order:
 * moving forward decays the running scores and adds the orders passed, so a sweep over every
 * held-out order costs one pass over the orders.
 */
export class ActivityClock {
  private readonly orders: OrderRecord[];
  private readonly index = new Map<string, number>();
  private readonly decayed: Float64Array;
  private next = 0;
  private ref = -Infinity;
  private view: ActivityView = { get: () => undefined };
  private ranked: { productId: string; score: number }[] = [];
  private readonly ids: string[];

  constructor(
    orders: readonly OrderRecord[],
    private readonly halfLifeDays: number,
  ) {
    this.orders = [...orders].sort((a, b) => a.createdAt - b.createdAt);
    for (const o of this.orders) for (const l of o.lines) if (!this.index.has(l.productId)) this.index.set(l.productId, this.index.size);
    this.decayed = new Float64Array(this.index.size);
    this.ids = [...this.index.keys()];
  }

  /** The `k` most active products at the last time visited, most active first. */
  top(k: number): { productId: string; score: number }[] {
    return this.ranked.slice(0, k);
  }

  at(t: number): ActivityView {
    if (t < this.ref) throw new Error("ActivityClock only moves forward");
    if (t === this.ref) return this.view;
    if (this.ref > -Infinity) {
      const f = decayWeight(t - this.ref, this.halfLifeDays);
      for (let i = 0; i < this.decayed.length; i++) this.decayed[i] *= f;
    }
    for (; this.next < this.orders.length && this.orders[this.next].createdAt < t; this.next++) {
      const o = this.orders[this.next];
      const w = decayWeight(t - o.createdAt, this.halfLifeDays);
      for (const id of new Set(o.lines.map((l) => l.productId))) this.decayed[this.index.get(id)!] += w;
    }
    this.ref = t;
    const scaled = relativeActivity(this.decayed);
    const index = this.index;
    this.view = { get: (id) => (index.has(id) ? scaled[index.get(id)!] : undefined) };
    this.ranked = topByScore(scaled, 40, null).map((i) => ({ productId: this.ids[i], score: scaled[i] }));
    return this.view;
  }
}
