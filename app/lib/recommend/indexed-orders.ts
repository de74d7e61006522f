import type { OrderRecord, ProductInfo } from "~/lib/recommend/types";
import type { Csr } from "~/lib/recommend/sparse";
import { invertCsr } from "~/lib/recommend/sparse";

/**
 * Orders re-expressed over integer product and customer indexes. Product indexes follow the
 * sorted product ids, so index order is id order and ties break the same way everywhere.
 */
export interface IndexedOrders {
  productIds: string[];
  productIndex: Map<string, number>;
  /** Distinct products per order, ascending. */
  baskets: Csr;
  /** Orders containing each product, ascending (= oldest first: internal order indexes follow time). */
  ordersByProduct: Csr;
  orderTimes: Float64Array;
  /** Customer index per order, -1 for guest orders. */
  orderCustomer: Int32Array;
  customerIds: string[];
  /** Orders per customer, oldest first. */
  ordersByCustomer: Csr;
}

/**
 * Packs orders into typed arrays as they arrive (e.g. page by page from the database), so a
 * shop's orders never have to exist as objects all at once: 2M orders take tens of megabytes
 * here instead of about a gigabyte as OrderRecords.
 */
export class OrderIndexBuilder {
  private readonly productSlot = new Map<string, number>();
  private readonly slotIds: string[] = [];
  private readonly customerSlot = new Map<string, number>();
  private readonly customerSlotIds: string[] = [];
  private ptr = new Int32Array(1025);
  private items = new Int32Array(4096);
  private times = new Float64Array(1024);
  private customers = new Int32Array(1024);
  private stamp = new Int32Array(1024).fill(-1);
  private nOrders = 0;
  private nItems = 0;

  get orders(): number {
    return this.nOrders;
  }

  add(order: OrderRecord): void {
    const r = this.nOrders++;
    if (r + 2 > this.ptr.length) {
      this.ptr = grow(this.ptr, this.ptr.length * 2);
      this.times = grow(this.times, this.ptr.length);
      this.customers = grow(this.customers, this.ptr.length);
    }
    if (this.nItems + order.lines.length > this.items.length) this.items = grow(this.items, Math.max(this.items.length * 2, this.nItems + order.lines.length));
    for (const line of order.lines) {
      let slot = this.productSlot.get(line.productId);
      if (slot === undefined) {
        slot = this.slotIds.length;
        this.slotIds.push(line.productId);
        this.productSlot.set(line.productId, slot);
        if (slot >= this.stamp.length) {
          const bigger = new Int32Array(this.stamp.length * 2).fill(-1);
          bigger.set(this.stamp);
          this.stamp = bigger;
        }
      }
      if (this.stamp[slot] === r) continue;
      this.stamp[slot] = r;
      this.items[this.nItems++] = slot;
    }
    this.ptr[r + 1] = this.nItems;
    this.times[r] = order.createdAt;
    if (order.customerId === null || order.customerId === "") {
      this.customers[r] = -1;
    } else {
      let c = this.customerSlot.get(order.customerId);
      if (c === undefined) {
        c = this.customerSlotIds.length;
        this.customerSlotIds.push(order.customerId);
        this.customerSlot.set(order.customerId, c);
      }
      this.customers[r] = c;
    }
  }

  /** The index over every order added and every catalogue product (products only seen in orders are indexed too). */
  build(products: readonly ProductInfo[]): IndexedOrders {
    for (const p of products) {
      if (!this.productSlot.has(p.id)) {
        this.productSlot.set(p.id, this.slotIds.length);
        this.slotIds.push(p.id);
      }
    }
    const productIds = [...this.slotIds].sort();
    const productIndex = new Map<string, number>();
    for (let i = 0; i < productIds.length; i++) productIndex.set(productIds[i], i);
    const slotToIndex = Int32Array.from(this.slotIds, (id) => productIndex.get(id)!);

    const nOrders = this.nOrders;
    const times = this.times;
    // Internal order indexes follow time (ties keep arrival order), so each product's order list runs oldest to newest.
    const byTime = Int32Array.from({ length: nOrders }, (_, i) => i);
    let sorted = true;
    for (let r = 1; r < nOrders && sorted; r++) if (times[r] < times[r - 1]) sorted = false;
    if (!sorted) byTime.sort((a, b) => times[a] - times[b] || a - b);

    const basketPtr = new Int32Array(nOrders + 1);
    const basketItems = new Int32Array(this.nItems);
    const orderTimes = new Float64Array(nOrders);
    const orderCustomer = new Int32Array(nOrders);
    // Customer indexes are assigned in time order, as their first orders appear.
    const customerRemap = new Int32Array(this.customerSlotIds.length).fill(-1);
    const customerIds: string[] = [];
    let n = 0;
    for (let r = 0; r < nOrders; r++) {
      const src = byTime[r];
      const start = n;
      for (let j = this.ptr[src]; j < this.ptr[src + 1]; j++) basketItems[n++] = slotToIndex[this.items[j]];
      basketItems.subarray(start, n).sort();
      basketPtr[r + 1] = n;
      orderTimes[r] = times[src];
      const c = this.customers[src];
      if (c < 0) {
        orderCustomer[r] = -1;
      } else {
        if (customerRemap[c] < 0) {
          customerRemap[c] = customerIds.length;
          customerIds.push(this.customerSlotIds[c]);
        }
        orderCustomer[r] = customerRemap[c];
      }
    }
    const baskets: Csr = { ptr: basketPtr, items: basketItems };

    // A one-column matrix "order → its customer" inverted gives orders per customer in order index order.
    let guest = 0;
    for (let r = 0; r < nOrders; r++) if (orderCustomer[r] < 0) guest++;
    const ownerPtr = new Int32Array(nOrders + 1);
    const owner = new Int32Array(nOrders - guest);
    let m = 0;
    for (let r = 0; r < nOrders; r++) {
      ownerPtr[r + 1] = ownerPtr[r] + (orderCustomer[r] >= 0 ? 1 : 0);
      if (orderCustomer[r] >= 0) owner[m++] = orderCustomer[r];
    }
    // Already oldest first: order indexes follow time.
    const ordersByCustomer = invertCsr({ ptr: ownerPtr, items: owner }, customerIds.length);

    return {
      productIds,
      productIndex,
      baskets,
      ordersByProduct: invertCsr(baskets, productIds.length),
      orderTimes,
      orderCustomer,
      customerIds,
      ordersByCustomer,
    };
  }
}

/** Indexes orders and the catalogue; products only seen in orders are indexed too. */
export function indexOrders(orders: readonly OrderRecord[], products: readonly ProductInfo[]): IndexedOrders {
  const builder = new OrderIndexBuilder();
  for (const o of orders) builder.add(o);
  return builder.build(products);
}

function grow<T extends Int32Array | Float64Array>(from: T, size: number): T {
  const to = new (from.constructor as new (n: number) => T)(size);
  to.set(from);
  return to;
}
