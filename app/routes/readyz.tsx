import { json } from "@remix-run/node";
import { env } from "~/env.server";
import { migrationState, pingDatabase } from "~/models/health.server";
import { pingRedis } from "~/redis.server";

// Ready to take traffic: database and Redis reachable, and every shipped migration applied.
export const loader = async () => {
  const [database, redisProblem, migrations] = await Promise.all([pingDatabase(), pingRedis(env().REDIS_URL), migrationState()]);
  const ready = database && !redisProblem && migrations.ok;
  return json(
    {
      status: ready ? "ready" : "not ready",
      database: database ? "ok" : "unreachable",
      redis: redisProblem ? "unreachable" : "ok",
      migrations: migrations.ok ? "applied" : { pending: migrations.pending },
    },
    { status: ready ? 200 : 503, headers: { "Cache-Control": "no-store" } },
  );
};
