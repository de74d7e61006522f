import path from "node:path";
import { defineConfig } from "vitest/config";

const alias = { "~": path.resolve(import.meta.dirname, "app") };
// The Shopify test helpers sign with these fixed credentials; the app reads the same values.
const env = {
  NODE_ENV: "test" as const,
  SHOPIFY_API_KEY: "testApiKey",
  SHOPIFY_API_SECRET: "testApiSecretKey",
  SHOPIFY_APP_URL: "https://shopkeeper.test",
  SCOPES: "read_products,read_orders,read_all_orders,read_customers,write_customers,write_app_proxy,write_pixels,read_customer_events",
  REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
  LOG_LEVEL: "silent",
  // Lets the backfill's hang fault cost seconds rather than the production 30 s.
  ADMIN_API_TIMEOUT_MS: "5000",
};

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      // Seeded statistical simulations are CPU-bound; a busy 2-core machine needs more than the 5 s default.
      { resolve: { alias }, test: { name: "unit", include: ["test/unit/**/*.test.ts"], env, testTimeout: 60_000 } },
      ...(["sqlite", "postgres"] as const).map((flavour) => ({
        resolve: { alias },
        test: {
          name: `integration-${flavour}`,
          include: ["test/integration/**/*.test.ts"],
          env: { ...env, TEST_DB: flavour },
          setupFiles: ["test/support/setup-integration.ts"],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          pool: "forks" as const,
        },
      })),
    ],
  },
});
