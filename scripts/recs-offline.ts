/**
 * Trains on a whole order file and writes recommendation lists, with no database or Redis.
 *   npm run recs:offline -- --orders <file.csv[.gz]> --format normalised|shopify-export [--now <ISO>] --out <dir>
 * Writes fbt.jsonl (one line per product) and personal.jsonl (one line per customer), 20 items each.
 */
import { createWriteStream } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { once } from "node:events";
import { parseArgs } from "node:util";
import { computeRecommendations } from "~/lib/recommend/compute";
import { customerRecommendations, productRecommendations } from "~/lib/recommend/fallback";
import { rerank } from "~/lib/recommend/rerank";
import type { OrderRecord, RecItem } from "~/lib/recommend/types";
import { deriveProducts, loadNormalisedOrders, loadShopifyExportOrders, type LoadedOrders } from "./lib/load-normalised";

const LIST_SIZE = 20;
const { values } = parseArgs({
  options: { orders: { type: "string" }, format: { type: "string", default: "normalised" }, now: { type: "string" }, out: { type: "string" } },
});
if (!values.orders || !values.out || !["normalised", "shopify-export"].includes(values.format!)) {
  console.error("usage: npm run recs:offline -- --orders <file.csv[.gz]> --format normalised|shopify-export [--now <ISO>] --out <dir>");
  process.exit(2);
}

const started = performance.now();
let loaded: LoadedOrders;
if (values.format === "shopify-export") {
  const exported = await loadShopifyExportOrders(values.orders);
  if (exported.errors.length > 0) console.error(`skipped orders with ${exported.errors.length} problems; first: ${exported.errors[0]}`);
  loaded = exported;
} else {
  loaded = await loadNormalisedOrders(values.orders);
}
if (loaded.orders.length === 0) {
  console.error(`${values.orders}: no orders found`);
  process.exit(1);
}
const now = values.now ? Date.parse(values.now) : loaded.orders.reduce((m, o) => Math.max(m, o.createdAt), 0);
if (Number.isNaN(now)) {
  console.error(`--now ${values.now} is not an ISO date`);
  process.exit(2);
}
const products = deriveProducts(loaded);
const catalogue = new Map(products.map((p) => [p.id, p]));
let lastStage = "";
const result = computeRecommendations({
  orders: loaded.orders,
  products,
  now,
  settings: { listSize: LIST_SIZE },
  onProgress: (_f, stage) => {
    if (stage !== lastStage) process.stderr.write(`${stage}… `);
    lastStage = stage;
  },
});
process.stderr.write("\n");

await mkdir(values.out, { recursive: true });
const recentByCustomer = recentProducts(loaded.orders);
const line = (items: RecItem[]) => items.map((r) => ({ product_id: r.productId, score: Number(r.score.toFixed(6)), reason: r.reason }));
const fbtCount = await writeJsonl(path.join(values.out, "fbt.jsonl"), function* () {
  for (const p of products) {
    const list = rerank(productRecommendations(result, p.id, { size: LIST_SIZE * 2 }), { products: catalogue, size: LIST_SIZE, excludeProductIds: [p.id] });
    yield { product_id: p.id, recs: line(list) };
  }
});
const personalCount = await writeJsonl(path.join(values.out, "personal.jsonl"), function* () {
  for (const [customerId, recent] of recentByCustomer) {
    const list = rerank(customerRecommendations(result, customerId, { size: LIST_SIZE * 2, recentProductIds: recent }), { products: catalogue, size: LIST_SIZE });
    yield { customer_id: customerId, recs: line(list) };
  }
});
console.log(
  `${loaded.orders.length} orders, ${products.length} products: wrote ${fbtCount} product lists and ${personalCount} customer lists to ${values.out} in ${((performance.now() - started) / 1000).toFixed(1)} s`,
);

/** Each customer's products, most recent first. */
function recentProducts(orders: readonly OrderRecord[]): Map<string, string[]> {
  const byCustomer = new Map<string, OrderRecord[]>();
  for (const o of orders) {
    if (o.customerId === null) continue;
    if (!byCustomer.has(o.customerId)) byCustomer.set(o.customerId, []);
    byCustomer.get(o.customerId)!.push(o);
  }
  const out = new Map<string, string[]>();
  for (const [c, list] of byCustomer) {
    list.sort((a, b) => b.createdAt - a.createdAt);
    out.set(c, [...new Set(list.flatMap((o) => o.lines.map((l) => l.productId)))]);
  }
  return out;
}

async function writeJsonl(file: string, rows: () => Generator<unknown>): Promise<number> {
  const stream = createWriteStream(file);
  let n = 0;
  for (const row of rows()) {
    if (!stream.write(JSON.stringify(row) + "\n")) await once(stream, "drain");
    n++;
  }
  stream.end();
  await once(stream, "finish");
  return n;
}
