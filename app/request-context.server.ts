import { randomUUID } from "node:crypto";
import { subscribe } from "node:diagnostics_channel";
import type { IncomingMessage, ServerResponse } from "node:http";
import { enterLogContext, logger } from "~/logger.server";

export const REQUEST_ID_HEADER = "X-Request-Id";

// What load balancers and proxies send (UUIDs, Heroku's and Cloudflare's ids); anything else could be
// log injection or an unbounded string, so it is replaced rather than echoed.
const WELL_FORMED_REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{7,127}$/;

/** The incoming request id if it is well formed, else a new UUID. */
export function requestIdFrom(header: string | string[] | null | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value && WELL_FORMED_REQUEST_ID.test(value) ? value : randomUUID();
}

// Probes are polled every few seconds; logging each at info would drown everything else.
const QUIET_PATHS = new Set(["/healthz", "/readyz"]);

function onRequestStart(message: unknown) {
  const { request, response } = message as { request: IncomingMessage; response: ServerResponse };
  const requestId = requestIdFrom(request.headers[REQUEST_ID_HEADER.toLowerCase()]);
  response.setHeader(REQUEST_ID_HEADER, requestId);
  // The same object stays the request's context, so a shop added after authentication shows up below.
  const context = enterLogContext({ requestId });
  // The path only: query strings carry session tokens, proxy signatures and customer ids.
  const url = request.url ?? "/";
  const query = url.indexOf("?");
  const path = query === -1 ? url : url.slice(0, query);
  const level = QUIET_PATHS.has(path) ? "debug" : "info";
  // A process logging above this level spends nothing per request on the line.
  if (!logger.isLevelEnabled(level)) return;
  const started = performance.now();
  response.once("finish", () => {
    logger[level]({ ...context, method: request.method, path, status: response.statusCode, ms: Math.round(performance.now() - started) }, "request");
  });
}

let installed = false;

/**
 * Gives every request served by this process's HTTP server (remix-serve, remix dev or any custom
 * server) a request id, answers it in `X-Request-Id`, puts it on every log line emitted while the
 * request is handled, and logs one line per request. The request-start diagnostics channel fires
 * synchronously before the server's request handler, which is what lets the context flow into it.
 */
export function installRequestContext(): void {
  if (installed) return;
  installed = true;
  subscribe("http.server.request.start", onRequestStart);
}
