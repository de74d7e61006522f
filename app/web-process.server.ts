import type { ServerBuild } from "@remix-run/node";
import prisma from "~/db.server";
import { closeQueues } from "~/jobs/queues.server";
import { isDatabaseUnavailable } from "~/lib/database-outage";
import { getErrorMessage, logger } from "~/logger.server";

// Hooks for the web server (scripts/web-server.mjs). They live in the app build, re-exported from
// entry.server, so they act on the same module instances (Prisma client, queue connections) that
// the routes use. docs/decisions/090.

const RETRY_AFTER_SECONDS = 5;

/**
 * The answer to a request that needed the database while it was unreachable (logged once here), or
 * null when the error is anything else. Both servers use it: the Remix build below and the hot paths.
 */
export function databaseOutageReply(error: unknown, route: string): { status: number; body: string; headers: Record<string, string> } | null {
  if (!isDatabaseUnavailable(error)) return null;
  logger.warn({ route, err: getErrorMessage(error).split("\n").filter(Boolean).pop() }, "database unavailable; answered 503");
  return {
    status: 503,
    body: JSON.stringify({ error: "service_unavailable", message: "The database is unavailable. Try again in a few seconds." }),
    headers: { "Content-Type": "application/json", "Retry-After": String(RETRY_AFTER_SECONDS), "Cache-Control": "no-store" },
  };
}

type DataFunction = (args: { request: Request }) => unknown;

function answerOutagesWith503(fn: DataFunction, routeId: string): DataFunction {
  return async (args) => {
    try {
      return await fn(args);
    } catch (error) {
      const reply = databaseOutageReply(error, routeId);
      if (!reply) throw error;
      throw new Response(reply.body, { status: reply.status, headers: reply.headers });
    }
  };
}

/**
 * The build with every loader and action wrapped so that a database outage becomes a 503 with
 * Retry-After (webhooks are then redelivered by Shopify, browsers and proxies retry) instead of a
 * 500. Remix v2 has no middleware, and wrapping here covers Shopify's session storage too.
 */
export function withOutageResponses(build: ServerBuild): ServerBuild {
  const routes = Object.fromEntries(
    Object.entries(build.routes).map(([id, route]) => {
      const module = { ...route.module } as Record<string, unknown>;
      for (const name of ["loader", "action"]) {
        if (typeof module[name] === "function") module[name] = answerOutagesWith503(module[name] as DataFunction, id);
      }
      return [id, { ...route, module: module as unknown as typeof route.module }];
    }),
  );
  return { ...build, routes };
}

/** Closes this process's queue and database connections once the server has stopped taking requests. */
export async function closeWebConnections(): Promise<void> {
  await closeQueues();
  await prisma.$disconnect();
}

export { logger };
