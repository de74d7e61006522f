import { readdirSync } from "node:fs";
import path from "node:path";
import prisma, { flavourOf } from "~/db.server";
import { env } from "~/env.server";

/** Liveness of the database: one trivial query. */
export async function pingDatabase(): Promise<boolean> {
  try {
    await prisma.$queryRawUnsafe("SELECT 1");
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether every migration shipped with this build has been applied: the names in the provider's
 * migrations folder against `_prisma_migrations` (finished, not rolled back).
 */
export async function migrationState(): Promise<{ ok: boolean; pending: string[] }> {
  const dir = path.join(
    process.cwd(),
    "prisma",
    ...(flavourOf(env().DATABASE_URL) === "postgres" ? ["postgres"] : []),
    "migrations",
  );
  const shipped = readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name);
  try {
    const rows = await prisma.$queryRawUnsafe<{ migration_name: string }[]>(
      `SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
    );
    const applied = new Set(rows.map((r) => r.migration_name));
    const pending = shipped.filter((name) => !applied.has(name));
    return { ok: pending.length === 0, pending };
  } catch {
    return { ok: false, pending: shipped };
  }
}
