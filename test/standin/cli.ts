// Usage: tsx test/standin/cli.ts --port 4100 --app-url http://127.0.0.1:3000 \
//          --data /work/shared/data/online_retail.csv.gz [--orders N] [--shop name.myshopify.com]
import { parseArgs } from "node:util";
import { loadStoreFromNormalisedCsv } from "./load-csv";
import { startStandin } from "./server";
import { StandinStore } from "./store";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "4100" },
    host: { type: "string", default: "127.0.0.1" },
    "app-url": { type: "string" },
    data: { type: "string" },
    orders: { type: "string" },
    shop: { type: "string", default: "shopkeeper-demo.myshopify.com" },
    "api-key": { type: "string", default: process.env.SHOPIFY_API_KEY ?? "testApiKey" },
    "api-secret": { type: "string", default: process.env.SHOPIFY_API_SECRET ?? "testApiSecretKey" },
    seed: { type: "string", default: "1" },
    scopes: { type: "string", default: process.env.SCOPES },
    "bulk-finish-webhook": { type: "boolean", default: false },
  },
});

const started = Date.now();
const store = values.data
  ? await loadStoreFromNormalisedCsv(values.data, { shop: values.shop, maxOrders: values.orders ? Number(values.orders) : undefined, seed: Number(values.seed) })
  : new StandinStore();
if (!values.data) store.addShop({ domain: values.shop! });
const shop = store.shop(values.shop!);
const loadedMs = Date.now() - started;

const standin = await startStandin({
  port: Number(values.port),
  host: values.host,
  appUrl: values["app-url"],
  apiKey: values["api-key"],
  apiSecret: values["api-secret"],
  store,
  scopes: values.scopes,
  bulkFinishWebhook: values["bulk-finish-webhook"],
});

console.log(`Shopify stand-in on ${standin.url} (loaded ${shop.products.size} products, ${shop.customers.size} customers, ${shop.orders.size} orders in ${loadedMs} ms)`);
console.log(`  shop:            ${shop.domain}`);
console.log(`  admin GraphQL:   POST ${standin.url}/admin/api/<version>/graphql.json`);
console.log(`  app bridge shim: ${standin.url}/app-bridge.js  (set APP_BRIDGE_URL to this)`);
console.log(`  storefront:      ${standin.url}/storefront`);
if (standin.appUrl) {
  console.log(`  admin frame:     ${standin.adminFrameUrl()}`);
  console.log(`  app proxy:       ${standin.url}/apps/shopkeeper/* -> ${standin.appUrl}/proxy/*`);
}
console.log(`  app process:     SHOPIFY_STANDIN_URL=${standin.url} NODE_OPTIONS="--import ./test/standin/preload-fetch.mjs"`);

const stop = async () => {
  await standin.close();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
