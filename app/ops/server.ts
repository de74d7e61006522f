// The operators' process: `npm run ops`. Queue dashboard (Bull Board) and Prometheus metrics on their
// own port, behind HTTP Basic credentials that have nothing to do with merchants' Shopify sessions.
process.env.SHOPKEEPER_PROCESS ??= "ops";
import { createHash, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createBullBoard } from "@bull-board/api";
import { BullMQAdapter } from "@bull-board/api/bullMQAdapter";
import { ExpressAdapter } from "@bull-board/express";
import type { Queue } from "bullmq";
import { init, type Env } from "~/env.server";
import { QUEUES } from "~/jobs/definitions";
import { closeQueues, getQueue } from "~/jobs/queues.server";
import { getErrorMessage, logger } from "~/logger.server";
import { readQueueMetrics, toPrometheusText } from "~/ops/queue-metrics.server";

export interface OpsCredentials {
  username: string;
  password: string;
}

const DASHBOARD_PATH = "/queues";

/** The ops credentials from the environment; refuses to run without them, open dashboards leak job data. */
export function opsCredentials(env: Pick<Env, "OPS_USERNAME" | "OPS_PASSWORD">): OpsCredentials {
  if (!env.OPS_PASSWORD) {
    throw new Error(
      "OPS_PASSWORD is not set. The ops dashboard shows job data and can retry or remove jobs, so it never runs unauthenticated.\n" +
        "Set OPS_PASSWORD (at least 16 characters) and optionally OPS_USERNAME (default: ops).",
    );
  }
  return { username: env.OPS_USERNAME, password: env.OPS_PASSWORD };
}

// Hashing first gives equal-length buffers, so the comparison takes the same time whatever was sent.
function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash("sha256").update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** True only for `Authorization: Basic` with the ops username and password; bearer tokens never pass. */
export function isOpsAuthorized(header: string | undefined, credentials: OpsCredentials): boolean {
  const match = /^Basic ([A-Za-z0-9+/]+=*)$/i.exec(header?.trim() ?? "");
  if (!match) return false;
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return false;
  const userOk = sameSecret(decoded.slice(0, colon), credentials.username);
  const passwordOk = sameSecret(decoded.slice(colon + 1), credentials.password);
  return userOk && passwordOk;
}

function send(response: ServerResponse, status: number, body: string, headers: Record<string, string> = {}) {
  response.writeHead(status, { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store", ...headers });
  response.end(body);
}

/** The ops HTTP server for the given queues (not yet listening). */
export function createOpsServer({ credentials, queues }: { credentials: OpsCredentials; queues: Queue[] }): Server {
  const board = new ExpressAdapter();
  board.setBasePath(DASHBOARD_PATH);
  createBullBoard({ queues: queues.map((queue) => new BullMQAdapter(queue)), serverAdapter: board });
  const dashboard = board.getRouter() as (request: IncomingMessage, response: ServerResponse) => void;

  return createServer((request, response) => {
    const path = (request.url ?? "/").split("?")[0];
    if (path === "/healthz") return send(response, 200, "ok\n");
    if (!isOpsAuthorized(request.headers.authorization, credentials)) {
      logger.warn({ path, method: request.method }, "ops request refused: missing or wrong credentials");
      return send(response, 401, "Authentication required.\n", { "WWW-Authenticate": 'Basic realm="Shopkeeper ops", charset="UTF-8"' });
    }
    if (path === "/") return send(response, 302, "", { Location: DASHBOARD_PATH });
    if (path === "/metrics") {
      Promise.all(queues.map((queue) => readQueueMetrics(queue)))
        .then((metrics) => send(response, 200, toPrometheusText(metrics), { "Content-Type": "text/plain; version=0.0.4; charset=utf-8" }))
        .catch((error) => {
          logger.warn({ err: getErrorMessage(error) }, "queue metrics unavailable");
          send(response, 503, "Queue metrics unavailable: Redis did not answer.\n");
        });
      return;
    }
    if (path === DASHBOARD_PATH || path.startsWith(`${DASHBOARD_PATH}/`)) {
      // Bull Board's router serves from its own root; it builds links from the base path set above.
      request.url = request.url!.slice(DASHBOARD_PATH.length) || "/";
      return dashboard(request, response);
    }
    send(response, 404, "Not found. The dashboard is at /queues, metrics at /metrics.\n");
  });
}

/** Starts the ops process on OPS_PORT; stops cleanly on SIGTERM. */
export async function startOps() {
  const env = init();
  const credentials = opsCredentials(env);
  const queues = Object.values(QUEUES).map((name) => getQueue(name));
  const server = createOpsServer({ credentials, queues });
  await new Promise<void>((resolve) => server.listen(env.OPS_PORT, resolve));
  logger.info({ port: env.OPS_PORT, queues: queues.map((q) => q.name) }, "ops listening");
  const shutdown = async (signal: string) => {
    logger.info({ signal }, "ops shutting down");
    server.closeIdleConnections();
    await new Promise((resolve) => server.close(resolve));
    await closeQueues();
  };
  return { server, shutdown };
}

const isMain = import.meta.url === `file://${process.argv[1]}`;
if (isMain) {
  startOps()
    .then(({ shutdown }) => {
      for (const signal of ["SIGTERM", "SIGINT"] as const) {
        process.once(signal, () => void shutdown(signal).then(() => process.exit(0)));
      }
    })
    .catch((error) => {
      console.error(`\nShopkeeper ops could not start.\n${getErrorMessage(error)}\n`);
      process.exit(1);
    });
}
