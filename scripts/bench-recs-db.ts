/**
 * End-to-end recommendation recompute on SQLite: loads a normalised order file into a fresh
 * database, then times `recomputeRecommendations` (load from the DB, compute, batched RecList
 * writes, version flip) and prints rows written. Prints figures; not a test.
 *   npm run bench:recs:db [-- --data /work/shared/data/online_retail.csv.gz]
 */
process.env.SHOPIFY_API_KEY ??= "bench";
process.env.SHOPIFY_API_SECRET ??= "bench";
process.env.SHOPIFY_APP_URL ??= "https://shopkeeper.test";
process.env.SCOPES ??= "read_products";
process.env.LOG_LEVEL ??= "warn";
export {};

const { parseArgs } = await import("node:util");
const { init } = await import("~/env.server");
const { setPrismaClient } = await import("~/db.server");
const { createTestDatabase } = await import("../test/support/database");
const { insertRowsQuery, ORDER_COLUMNS, ORDER_LINE_COLUMNS, PRODUCT_COLUMNS } = await import("~/models/bulk-insert.server");
const { recomputeRecommendations, updateRecommendationsForOrder } = await import("~/services/recommendations.server");
const { deriveProducts, loadNormalisedOrders } = await import("./lib/load-normalised");
const { quantile } = await import("./lib/quantile");

const { values } = parseArgs({ options: { data: { type: "string", default: "/work/shared/data/online_retail.csv.gz" } } });
const SHOP = "bench-recs-db.myshopify.com";
const INCREMENTAL_ORDERS = 200;

const loaded = await loadNormalisedOrders(values.data!);
const products = deriveProducts(loaded);
const now = new Date(Math.max(...loaded.orders.map((o) => o.createdAt)) + 86_400_000);
const db = await createTestDatabase("sqlite");
process.env.DATABASE_URL = db.url;
init();
setPrismaClient(db.prisma);
try {
  const prisma = db.prisma;
  await prisma.shop.create({ data: { domain: SHOP, settings: {} } });
  const t0 = performance.now();
  const productRows = products.map((p) => ({
    shop: SHOP, id: p.id, handle: p.id.toLowerCase(), title: p.title, productType: p.productType, vendor: "", tags: ",", collections: ",",
    status: "ACTIVE", published: true, isGiftCard: false, imageUrl: null, priceCents: p.priceCents, inventory: 0, tracksInventory: false,
    createdAt: new Date(p.createdAt), updatedAt: new Date(p.createdAt), deletedAt: null, syncedAt: now,
  }));
  for (let i = 0; i < productRows.length; i += 5_000) await prisma.$transaction([insertRowsQuery("Product", PRODUCT_COLUMNS, productRows.slice(i, i + 5_000))]);
  let lines = 0;
  for (let i = 0; i < loaded.orders.length; i += 2_000) {
    const chunk = loaded.orders.slice(i, i + 2_000);
    const orderRows = chunk.map((o) => ({ shop: SHOP, id: o.id, name: `#${o.id}`, customerId: o.customerId, createdAt: new Date(o.createdAt), updatedAt: new Date(o.createdAt), currency: "GBP", subtotalCents: 0, totalCents: 0, totalRefundedCents: 0, source: "csv", syncedAt: now }));
    const lineRows = chunk.flatMap((o) => o.lines.map((l, k) => ({ shop: SHOP, id: `${o.id}-${k}`, orderId: o.id, productId: l.productId, title: "", quantity: l.quantity, refundedQuantity: 0, priceCents: l.priceCents })));
    lines += lineRows.length;
    await prisma.$transaction([insertRowsQuery("Order", ORDER_COLUMNS, orderRows), insertRowsQuery("OrderLine", ORDER_LINE_COLUMNS, lineRows)]);
  }
  const loadMs = performance.now() - t0;
  console.log(`data: ${values.data}\n  seeded ${products.length} products, ${loaded.orders.length} orders, ${lines} lines in ${(loadMs / 1000).toFixed(1)} s`);
  for (const run of [1, 2]) {
    const t = performance.now();
    const result = await recomputeRecommendations({ shop: SHOP, now });
    const ms = performance.now() - t;
    const rss = process.memoryUsage().rss / 1e6;
    console.log(
      `  recompute #${run}: ${(ms / 1000).toFixed(2)} s end to end (version ${result.version}); rows written ${result.rowsWritten} ` +
        `(load ${result.loadMs} ms, compute ${result.computeMs} ms, write+flip ${result.writeMs} ms); fbt ${result.fbtLists}, personal ${result.personalLists}; rss ${rss.toFixed(0)} MB`,
    );
  }
  const size = await prisma.recList.count({ where: { shop: SHOP } });
  console.log(`  RecList rows after the second run (old version deleted): ${size}`);

  // New orders after the recompute, each refreshed by the job's own service call: database reads and
  // writes included, unlike bench:recs, which times the scoring alone.
  const samples: number[] = [];
  let fromState = 0;
  let recounted = 0;
  const step = Math.max(1, Math.floor(loaded.orders.length / INCREMENTAL_ORDERS));
  for (let k = 0; k < INCREMENTAL_ORDERS && k * step < loaded.orders.length; k++) {
    const source = loaded.orders[k * step];
    const id = `incremental-${k}`;
    const at = new Date(now.getTime() + (k + 1) * 1_000);
    await prisma.$transaction([
      insertRowsQuery("Order", ORDER_COLUMNS, [{ shop: SHOP, id, name: `#${id}`, customerId: source.customerId, createdAt: at, updatedAt: at, currency: "GBP", subtotalCents: 0, totalCents: 0, totalRefundedCents: 0, source: "webhook", syncedAt: at }]),
      insertRowsQuery("OrderLine", ORDER_LINE_COLUMNS, source.lines.map((l, j) => ({ shop: SHOP, id: `${id}-${j}`, orderId: id, productId: l.productId, title: "", quantity: l.quantity, refundedQuantity: 0, priceCents: l.priceCents }))),
    ]);
    const t = performance.now();
    const result = await updateRecommendationsForOrder({ shop: SHOP, orderId: id, now: at });
    samples.push(performance.now() - t);
    fromState += result.fromState ?? 0;
    recounted += result.recounted ?? 0;
  }
  samples.sort((a, b) => a - b);
  const q = (p: number) => quantile(samples, p).toFixed(0);
  console.log(
    `  incremental update, ${samples.length} orders end to end: p50 ${q(0.5)} ms, p95 ${q(0.95)} ms, p99 ${q(0.99)} ms, max ${q(1)} ms; ` +
      `anchors from state ${fromState}, recounted ${recounted}`,
  );
} finally {
  setPrismaClient(undefined);
  await db.drop();
}
