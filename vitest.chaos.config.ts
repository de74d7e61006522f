import path from "node:path";
import { defineConfig } from "vitest/config";

// `npm run test:chaos`: real web and worker processes (the built app) on PostgreSQL and Redis, with
// faults injected. Files run one at a time: each starts several processes on a 2-core machine.
export default defineConfig({
  resolve: { alias: { "~": path.resolve(import.meta.dirname, "app") } },
  test: {
    include: ["test/chaos/**/*.test.ts"],
    env: {
      NODE_ENV: "test",
      SHOPIFY_API_KEY: "testApiKey",
      SHOPIFY_API_SECRET: "testApiSecretKey",
      SHOPIFY_APP_URL: "https://shopkeeper.test",
      SCOPES: "read_products,read_orders,read_all_orders,read_customers,write_customers,write_app_proxy",
      REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
      LOG_LEVEL: "silent",
    },
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
    fileParallelism: false,
  },
});
