import { json } from "@remix-run/node";
import { env } from "~/env.server";
import { pingDatabase } from "~/models/health.server";
import { pingRedis } from "~/redis.server";

// Liveness and basic dependencies; /readyz adds the migration state for load balancers.
export const loader = async () => {
  const [database, redisProblem] = await Promise.all([pingDatabase(), pingRedis(env().REDIS_URL)]);
  const body = { status: database && !redisProblem ? "ok" : "degraded", database: database ? "ok" : "unreachable", redis: redisProblem ? "unreachable" : "ok" };
  return json(body, { status: body.status === "ok" ? 200 : 503, headers: { "Cache-Control": "no-store" } });
};
