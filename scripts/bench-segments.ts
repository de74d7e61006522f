/**
 * Segment recompute and live-preview speed on 100k synthetic customers, on a fresh SQLite file and a
 * fresh PostgreSQL database (prints figures; not a test).
 *   npm run bench:segments            (BENCH_CUSTOMERS=20000 for a quicker run)
 * The churn-model holdout figures on the real datasets are `npm run bench:segments-model`.
 */
process.env.SHOPIFY_API_KEY ??= "bench";
process.env.SHOPIFY_API_SECRET ??= "bench";
process.env.SHOPIFY_APP_URL ??= "https://shopkeeper.test";
process.env.SCOPES ??= "read_customers,write_customers";
process.env.LOG_LEVEL ??= "warn";
import { availableParallelism, loadavg } from "node:os";

const { init } = await import("~/env.server");
const { setPrismaClient } = await import("~/db.server");
const { createTestDatabase } = await import("../test/support/database");
const { createSegment } = await import("~/models/segments.server");
const { insertRowsQuery } = await import("~/models/bulk-insert.server");
const { previewSegment, recomputeShopSegments, refreshSegmentsForCustomers } = await import("~/services/segments.server");
const { encodeListColumn } = await import("~/lib/segments");

const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 100_000);
const SHOP = "bench-segments.myshopify.com";
const NOW = new Date("2026-06-01T12:00:00Z");
const DAY_MS = 86_400_000;

// Seeded so both databases get the same customers.
function mulberry32(seed: number) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function syntheticCustomers(count: number) {
  const random = mulberry32(42);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)];
  const tags = ["vip", "wholesale", "newsletter", "b2b", "staff", "returning"];
  const productTags = ["sale", "gift", "new", "eco", "kids"];
  const collections = ["summer", "winter", "home", "garden", "kitchen"];
  const countries = ["GB", "US", "DE", "FR", "NL", null];
  const states = ["SUBSCRIBED", "NOT_SUBSCRIBED", "UNSUBSCRIBED", "PENDING"];
  const rows = [];
  for (let i = 0; i < count; i += 1) {
    const orders = random() < 0.15 ? 0 : Math.min(60, Math.floor(-Math.log(1 - random()) * 2.5) + 1);
    const last = orders === 0 ? null : NOW.getTime() - Math.floor(random() * 720) * DAY_MS - Math.floor(random() * DAY_MS);
    const first = last === null ? null : last - (orders - 1) * Math.floor(random() * 90 + 1) * DAY_MS;
    const spent = orders * Math.floor(random() * 15_000 + 500);
    const created = new Date(first ?? NOW.getTime() - 30 * DAY_MS);
    rows.push({
      shop: SHOP,
      id: String(6_000_000_000 + i),
      countryCode: pick(countries),
      tags: encodeListColumn(tags.filter(() => random() < 0.12)),
      emailMarketingState: pick(states),
      numberOfOrders: orders,
      amountSpentCents: orders === 0 ? 0 : spent,
      averageOrderValueCents: orders === 0 ? 0 : Math.round(spent / orders),
      firstOrderAt: first === null ? null : new Date(first),
      lastOrderAt: last === null ? null : new Date(last),
      purchasedProductIds: orders === 0 ? "," : encodeListColumn(Array.from({ length: Math.min(orders, 6) }, () => String(7_000_000_000 + Math.floor(random() * 3_000)))),
      purchasedProductTags: orders === 0 ? "," : encodeListColumn(productTags.filter(() => random() < 0.3)),
      purchasedCollections: orders === 0 ? "," : encodeListColumn(collections.filter(() => random() < 0.3)),
      createdAt: created,
      updatedAt: created,
      syncedAt: created,
    });
  }
  return rows;
}

const CUSTOMER_COLUMNS = {
  shop: "text",
  id: "text",
  countryCode: "text",
  tags: "text",
  emailMarketingState: "text",
  numberOfOrders: "int",
  amountSpentCents: "int",
  averageOrderValueCents: "int",
  firstOrderAt: "datetime",
  lastOrderAt: "datetime",
  purchasedProductIds: "text",
  purchasedProductTags: "text",
  purchasedCollections: "text",
  createdAt: "datetime",
  updatedAt: "datetime",
  syncedAt: "datetime",
} as const;

const CUSTOM_RULES: [string, string][] = [
  ["Big spenders", "amount_spent >= 500"],
  ["Lapsed VIPs", "customer_tags CONTAINS 'vip' AND last_order_date < -180d"],
  ["Gift buyers in GB", "products_purchased(tag: 'gift') = true AND customer_countries CONTAINS 'GB'"],
  ["Subscribed repeaters", "email_subscription_status = 'SUBSCRIBED' AND number_of_orders >= 3"],
  ["High churn, high value", "churn_risk >= 0.7 AND amount_spent > 300"],
];

const PREVIEW_RULES = [
  ...CUSTOM_RULES.map(([, rule]) => rule),
  "rfm_group = 'CHAMPIONS'",
  "lifecycle_stage = 'at_risk' OR lifecycle_stage = 'lapsed'",
  "NOT (customer_tags CONTAINS 'wholesale') AND average_order_value BETWEEN 20 AND 80",
  "products_purchased(id: (7000000001, 7000000002, 7000000003)) = true",
  "first_order_date > -90d",
];

function percentile(values: number[], p: number) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const ms = (value: number) => `${Math.round(value).toLocaleString("en")} ms`;

async function bench(flavour: "sqlite" | "postgres") {
  const db = await createTestDatabase(flavour);
  process.env.DATABASE_URL = db.url;
  init();
  setPrismaClient(db.prisma);
  try {
    const rows = syntheticCustomers(CUSTOMERS);
    let started = performance.now();
    for (let i = 0; i < rows.length; i += 20_000) await insertRowsQuery("Customer", CUSTOMER_COLUMNS, rows.slice(i, i + 20_000));
    await db.prisma.shop.create({ data: { domain: SHOP, settings: {} } });
    if (flavour === "postgres") await db.prisma.$executeRawUnsafe(`ANALYZE "Customer"`);
    const loadMs = performance.now() - started;
    for (const [name, rule] of CUSTOM_RULES) {
      await createSegment({ shop: SHOP, data: { name, handle: name.toLowerCase().replace(/[^a-z0-9]+/g, "-"), kind: "custom", rule, syncToShopify: false } });
    }

    const cold = await recomputeShopSegments({ shop: SHOP, now: NOW });
    const warm = await recomputeShopSegments({ shop: SHOP, now: NOW });
    // A day later: relative dates and recency move, so some members enter and leave.
    const nextDay = await recomputeShopSegments({ shop: SHOP, now: new Date(NOW.getTime() + DAY_MS) });

    const latencies: number[] = [];
    let lastCount = 0;
    for (let round = 0; round < 6; round += 1) {
      for (const rule of PREVIEW_RULES) {
        started = performance.now();
        const preview = await previewSegment({ shop: SHOP, rule, now: NOW });
        latencies.push(performance.now() - started);
        if (!preview.ok) throw new Error(`preview failed for ${rule}`);
        lastCount = preview.count;
      }
    }
    const sample = rows.slice(0, 50).map((row) => row.id);
    started = performance.now();
    await refreshSegmentsForCustomers({ shop: SHOP, customerIds: sample, now: NOW });
    const incrementalMs = performance.now() - started;
    const members = await db.prisma.segmentMember.count({ where: { shop: SHOP } });

    console.log(`\n${flavour} — ${CUSTOMERS.toLocaleString("en")} customers, ${cold.segments} segments (${members.toLocaleString("en")} memberships)`);
    // The machine may be shared: figures only compare across runs at a similar load.
    console.log(`  load average ${loadavg().map((l) => l.toFixed(1)).join(" ")} on ${availableParallelism()} cores`);
    console.log(`  load customers                          ${ms(loadMs)}`);
    console.log(`  full recompute, first run (all enter)   ${ms(cold.totalMs)}  (scoring ${ms(cold.scoredMs)}, ${cold.entered.toLocaleString("en")} entered)`);
    console.log(`  full recompute, nothing changed         ${ms(warm.totalMs)}  (scoring ${ms(warm.scoredMs)})`);
    console.log(`  full recompute, one day later           ${ms(nextDay.totalMs)}  (scoring ${ms(nextDay.scoredMs)}, ${nextDay.entered.toLocaleString("en")} entered, ${nextDay.left.toLocaleString("en")} left)`);
    console.log(`  live preview, ${latencies.length} runs                  p50 ${ms(percentile(latencies, 50))}, p95 ${ms(percentile(latencies, 95))}, max ${ms(Math.max(...latencies))} (last count ${lastCount})`);
    console.log(`  incremental refresh, 50 customers       ${ms(incrementalMs)}`);
  } finally {
    setPrismaClient(undefined);
    await db.drop();
  }
}

const flavours = (process.env.BENCH_DBS ?? "sqlite,postgres").split(",") as ("sqlite" | "postgres")[];
for (const flavour of flavours) await bench(flavour);
