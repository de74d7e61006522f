import { z } from "zod";

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  SHOPIFY_API_KEY: z.string().min(1, "SHOPIFY_API_KEY is required (the app's client id)"),
  SHOPIFY_API_SECRET: z.string().min(1, "SHOPIFY_API_SECRET is required (the app's client secret)"),
  SHOPIFY_APP_URL: z.string().url("SHOPIFY_APP_URL must be the app's public https URL"),
  SCOPES: z.string().min(1, "SCOPES is required"),
  DATABASE_URL: z
    .string()
    .regex(/^(file:|postgres(ql)?:\/\/)/, "DATABASE_URL must start with file: (SQLite) or postgres:// (PostgreSQL)")
    .default("file:./prisma/dev.sqlite"),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, "REDIS_URL must start with redis:// or rediss://").default("redis://127.0.0.1:6379"),
  QUEUE_PREFIX: z.string().regex(/^[a-z0-9-]+$/, "QUEUE_PREFIX may contain only a-z, 0-9 and -").default("shopkeeper"),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  // Incremental (compute) and full (recompute) jobs run in worker threads, one per slot.
  WORKER_COMPUTE_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(2),
  WORKER_RECOMPUTE_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(1),
  WORKER_MAINTENANCE_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(1),
  // An Admin API call that has not answered by then is abandoned and retried like a 5xx.
  ADMIN_API_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(300_000).default(30_000),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  // Lets a local App Bridge shim stand in for cdn.shopify.com where that host is unreachable.
  APP_BRIDGE_URL: z.string().url().optional(),
  // The ops process (queue dashboard, metrics): HTTP Basic credentials of its own, never a merchant's.
  OPS_USERNAME: z.string().min(1).default("ops"),
  OPS_PASSWORD: z.string().min(16, "OPS_PASSWORD must be at least 16 characters").optional(),
  OPS_PORT: z.coerce.number().int().min(1).max(65_535).default(3100),
});

export type Env = z.infer<typeof envSchema>;

let parsed: Env | undefined;

/** Validates process.env once; throws a readable list of every problem. */
export function init(): Env {
  const result = envSchema.safeParse(process.env);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  - ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join("\n")}\nSee .env.example.`);
  }
  parsed = result.data;
  return parsed;
}

/** The validated environment; validates on first use so scripts and tests need no extra call. */
export function env(): Env {
  return parsed ?? init();
}
