import { afterAll, afterEach, beforeEach, expect, vi } from "vitest";
import { setPrismaClient } from "~/db.server";
import { Redis } from "ioredis";
import { randomBytes } from "node:crypto";
import { closeQueues } from "~/jobs/queues.server";
import { createTestDatabase, testFlavour, type TestDatabase } from "./database";

// Every integration test file gets its own freshly migrated database of the flavour under test.
const db: TestDatabase = await createTestDatabase(testFlavour());
setPrismaClient(db.prisma);
process.env.DATABASE_URL = db.url;
(globalThis as { __testDb?: TestDatabase }).__testDb = db;

// ...and its own queue prefix in Redis, removed afterwards.
process.env.QUEUE_PREFIX = `skt-${randomBytes(4).toString("hex")}`;

afterAll(async () => {
  await closeQueues();
  const redis = new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: 1 });
  const keys = await redis.keys(`${process.env.QUEUE_PREFIX}:*`).catch(() => [] as string[]);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
  setPrismaClient(undefined);
  await db.drop();
});

// An unexpected console.error fails the test; tests that expect one spy on it themselves.
let errorSpy: ReturnType<typeof vi.spyOn>;
beforeEach(() => {
  errorSpy = vi.spyOn(console, "error");
});
afterEach(() => {
  const calls = errorSpy.mock.calls;
  errorSpy.mockRestore();
  expect(calls, "unexpected console.error").toEqual([]);
});
