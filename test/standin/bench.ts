// Prints stand-in figures on a real dataset: load time, a paged GraphQL sync, a full bulk export.
// Usage: tsx test/standin/bench.ts [--data path] [--orders N]
import { parseArgs } from "node:util";
import { loadStoreFromNormalisedCsv } from "./load-csv";
import { startStandin } from "./server";

const { values } = parseArgs({ options: { data: { type: "string", default: "/work/shared/data/online_retail.csv.gz" }, orders: { type: "string" } } });

const t0 = performance.now();
const store = await loadStoreFromNormalisedCsv(values.data!, { maxOrders: values.orders ? Number(values.orders) : undefined });
const shop = store.defaultShop();
const loadMs = performance.now() - t0;
const lines = [...shop.orders.values()].reduce((n, o) => n + o.lineItems.length, 0);
console.log(`load: ${shop.products.size} products, ${shop.customers.size} customers, ${shop.orders.size} orders, ${lines} lines in ${loadMs.toFixed(0)} ms; heap ${(process.memoryUsage().heapUsed / 1e6).toFixed(0)} MB`);

// A bucket large enough that the sync measures the stand-in, not the throttle.
const standin = await startStandin({ store, bucket: { maximumAvailable: 1_000_000, restoreRate: 1_000_000 } });
const token = standin.issueAccessToken();
const gql = async (query: string, variables: Record<string, unknown> = {}) => {
  const response = await fetch(`${standin.url}/admin/api/2025-07/graphql.json`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": token },
    body: JSON.stringify({ query, variables }),
  });
  return response.json();
};

let t = performance.now();
let after: string | null = null;
let pages = 0;
let fetched = 0;
do {
  const body = await gql("query($after: String) { orders(first: 250, after: $after) { nodes { id updatedAt lineItems(first: 50) { nodes { id quantity } } } pageInfo { hasNextPage endCursor } } }", { after });
  pages += 1;
  fetched += body.data.orders.nodes.length;
  after = body.data.orders.pageInfo.hasNextPage ? body.data.orders.pageInfo.endCursor : null;
} while (after);
const pagedMs = performance.now() - t;
console.log(`paged sync: ${fetched} orders in ${pages} pages of 250, ${pagedMs.toFixed(0)} ms (${(pagedMs / pages).toFixed(1)} ms/page)`);

t = performance.now();
const run = await gql(`mutation { bulkOperationRunQuery(query: """{ orders { edges { node { id createdAt customer { id } lineItems { edges { node { id quantity variant { id } } } } } } } }""") { bulkOperation { id } userErrors { message } } }`);
const op = await standin.bulk.waitFor(run.data.bulkOperationRunQuery.bulkOperation.id);
const bulkMs = performance.now() - t;
console.log(`bulk export: ${op.status}, ${op.objectCount} objects (${op.rootObjectCount} orders), ${(Number(op.fileSize) / 1e6).toFixed(1)} MB in ${bulkMs.toFixed(0)} ms`);
await standin.close();
