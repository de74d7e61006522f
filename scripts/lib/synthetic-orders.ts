import type { OrderRecord, ProductInfo } from "~/lib/recommend/types";

/** Small, fast, seeded PRNG (mulberry32); the same seed always yields the same shop. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SyntheticShop {
  products: ProductInfo[];
  orders: OrderRecord[];
}

export interface SyntheticOptions {
  orders: number;
  products: number;
  seed?: number;
  /** Orders per customer on average (default 5); 10% of orders are guest orders. */
  ordersPerCustomer?: number;
  /** Zipf exponent of product popularity (default 1.05: long-tailed). */
  zipf?: number;
  startMs?: number;
  days?: number;
}

/**
 * A shop with long-tailed popularity, baskets of 1–30 lines (mean ≈ 3.5), products grouped by
 * type and collection so baskets have co-purchase structure, and customers who rebuy.
 */
export function generateShop(options: SyntheticOptions): SyntheticShop {
  const orders: OrderRecord[] = [];
  const products = generateShopPages(options, (page) => {
    for (const o of page) orders.push(o);
  });
  return { products, orders };
}

/**
 * The same shop as `generateShop`, handing orders over in pages (as a database read would) so a
 * consumer can pack them without all of them existing at once; returns the products.
 */
export function generateShopPages(options: SyntheticOptions, onPage: (orders: OrderRecord[]) => void, pageSize = 5_000): ProductInfo[] {
  const random = mulberry32(options.seed ?? 42);
  const nProducts = options.products;
  const nTypes = Math.max(2, Math.round(nProducts / 25));
  const nCollections = Math.max(2, Math.round(nProducts / 60));
  const nVendors = Math.max(2, Math.round(nProducts / 100));
  const start = options.startMs ?? Date.UTC(2024, 0, 1);
  const spanMs = (options.days ?? 365) * 86_400_000;
  const zipf = options.zipf ?? 1.05;

  const rank = shuffle(Array.from({ length: nProducts }, (_, i) => i), random);
  const weight = Float64Array.from(rank, (r) => 1 / Math.pow(r + 1, zipf));
  const productType = Int32Array.from({ length: nProducts }, () => Math.floor(random() * nTypes));
  const products: ProductInfo[] = [];
  const ids: string[] = [];
  for (let i = 0; i < nProducts; i++) {
    const t = productType[i];
    const collection = (t * 7 + Math.floor(random() * 3)) % nCollections;
    const id = `p${i}`;
    ids.push(id);
    products.push({
      id,
      title: `${WORDS[(i * 31) % WORDS.length]} ${WORDS[(t * 17) % WORDS.length]} ${TYPES[t % TYPES.length]} ${i}`,
      productType: `type-${t}`,
      vendor: `vendor-${(t * 13 + i) % nVendors}`,
      tags: [`tag-${t % 40}`, `tag-${(i * 7) % 40}`],
      collections: [`collection-${collection}`],
      createdAt: start - 86_400_000 + Math.floor(random() * spanMs),
      published: random() > 0.02,
      available: random() > 0.05,
      isGiftCard: i === nProducts - 1,
      priceCents: 500 + Math.floor(random() * 9500),
      replenishable: t % 5 === 0,
    });
  }
  const global = cumulative(weight, null);
  const byType: number[][] = Array.from({ length: nTypes }, () => []);
  for (let i = 0; i < nProducts; i++) byType[productType[i]].push(i);
  const typeCdf = byType.map((members) => ({ members, cdf: cumulative(weight, members) }));

  const nCustomers = Math.max(1, Math.round(options.orders / (options.ordersPerCustomer ?? 5)));
  const lastBasket: (number[] | undefined)[] = new Array(nCustomers);
  let page: OrderRecord[] = [];
  const customerIds = Array.from({ length: nCustomers }, (_, c) => `c${c}`);
  for (let o = 0; o < options.orders; o++) {
    const guest = random() < 0.1;
    // Customer activity is skewed too: a few customers place many orders.
    const c = guest ? -1 : Math.floor(Math.pow(random(), 1.6) * nCustomers);
    const size = Math.min(30, 1 + Math.floor(-Math.log(1 - random()) * 2.5));
    const basket = new Set<number>();
    const previous = c >= 0 ? lastBasket[c] : undefined;
    let anchor = sample(global, null, random);
    basket.add(anchor);
    while (basket.size < size) {
      const roll = random();
      if (previous && roll < 0.35) basket.add(previous[Math.floor(random() * previous.length)]);
      else if (roll < 0.75) {
        const group = typeCdf[productType[anchor]];
        basket.add(sample(group.cdf, group.members, random));
      } else {
        anchor = sample(global, null, random);
        basket.add(anchor);
      }
    }
    const items = [...basket];
    if (c >= 0) lastBasket[c] = items;
    page.push({
      id: `o${o}`,
      customerId: c >= 0 ? customerIds[c] : null,
      createdAt: start + Math.floor((o / options.orders) * spanMs),
      lines: items.map((p) => ({ productId: ids[p], quantity: 1 + Math.floor(random() * 2), priceCents: products[p].priceCents })),
    });
    if (page.length === pageSize) {
      onPage(page);
      page = [];
    }
  }
  if (page.length > 0) onPage(page);
  return products;
}

function cumulative(weight: Float64Array, members: number[] | null): Float64Array {
  const n = members ? members.length : weight.length;
  const cdf = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    sum += weight[members ? members[i] : i];
    cdf[i] = sum;
  }
  return cdf;
}

function sample(cdf: Float64Array, members: number[] | null, random: () => number): number {
  const target = random() * cdf[cdf.length - 1];
  let lo = 0;
  let hi = cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cdf[mid] < target) lo = mid + 1;
    else hi = mid;
  }
  return members ? members[lo] : lo;
}

function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

const WORDS = ["linen", "oak", "stone", "amber", "cotton", "copper", "wild", "sea", "olive", "cedar", "honey", "slate", "rose", "ember", "mist", "fern"];
const TYPES = ["tote", "mug", "candle", "soap", "tea", "scarf", "bowl", "print", "throw", "lamp", "notebook", "balm"];
