import { describe, expect, it } from "vitest";
import { loader as healthz } from "~/routes/healthz";
import { loader as readyz } from "~/routes/readyz";
import { testDb } from "../support/context";

describe(`health probes (${testDb().flavour})`, () => {
  it("/healthz reports the database and Redis", async () => {
    const response = await healthz();
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok", database: "ok", redis: "ok" });
  });

  it("/readyz is not ready until the shipped migrations are recorded as applied", async () => {
    // Test databases are built from the migration SQL directly, without Prisma's bookkeeping table.
    const before = await readyz();
    expect(before.status).toBe(503);
    const body = (await before.json()) as { migrations: { pending: string[] } };
    expect(body.migrations.pending.length).toBeGreaterThan(0);

    const prisma = testDb().prisma;
    await prisma.$executeRawUnsafe(
      `CREATE TABLE "_prisma_migrations" (id TEXT PRIMARY KEY, migration_name TEXT NOT NULL, finished_at TIMESTAMP, rolled_back_at TIMESTAMP)`,
    );
    for (const [i, name] of body.migrations.pending.entries()) {
      await prisma.$executeRawUnsafe(
        `INSERT INTO "_prisma_migrations" (id, migration_name, finished_at) VALUES ('${i}', '${name}', CURRENT_TIMESTAMP)`,
      );
    }
    const after = await readyz();
    expect(after.status).toBe(200);
    expect(await after.json()).toEqual({ status: "ready", database: "ok", redis: "ok", migrations: "applied" });
  });
});
