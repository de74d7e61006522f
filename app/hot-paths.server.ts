import type { IncomingMessage, ServerResponse } from "node:http";
import { gzipSync } from "node:zlib";
import { getErrorMessage, logger } from "~/logger.server";
import { readNodeBodyWithin } from "~/services/body-limit.server";
import { proxyRecommendations, type ProxyReply } from "~/services/storefront.server";
import { receiveWebhook } from "~/services/webhooks.server";
import { databaseOutageReply } from "~/web-process.server";

// Two endpoints carry almost all of the app's traffic: the storefront's recommendations (every
// product page view of every shop) and webhook intake (every order, product and customer change).
// `npm start` (scripts/web-server.mjs) answers them straight from node:http, ahead of express and
// Remix, whose per-request work (compression middleware, static-file checks, Fetch Request/Response
// conversion, route matching) cost several times what these answers do. Each makes the same service
// call as its Remix route, so the two cannot drift. docs/decisions/096.

const RECOMMENDATIONS_PATH = "/proxy/recommendations";
// Below about a kilobyte gzip saves nothing worth its CPU; the compression middleware uses the same threshold.
const GZIP_THRESHOLD_BYTES = 1024;
const GZIP_CACHE_MAX = 5_000;
// Shared answers are cached with an ETag, so their gzip bytes are computed once per answer, not per request.
const gzipByEtag = new Map<string, Buffer>();

function acceptsGzip(req: IncomingMessage): boolean {
  const header = req.headers["accept-encoding"];
  return typeof header === "string" && /\bgzip\b/.test(header);
}

function gzipped(body: string, etag: string | undefined): Buffer {
  if (!etag) return gzipSync(body);
  let bytes = gzipByEtag.get(etag);
  if (!bytes) {
    bytes = gzipSync(body);
    if (gzipByEtag.size >= GZIP_CACHE_MAX) gzipByEtag.delete(gzipByEtag.keys().next().value!);
    gzipByEtag.set(etag, bytes);
  }
  return bytes;
}

function send(req: IncomingMessage, res: ServerResponse, reply: ProxyReply): void {
  if (reply.body === null) {
    res.writeHead(reply.status, reply.headers).end();
    return;
  }
  const bytes = Buffer.byteLength(reply.body);
  if (bytes >= GZIP_THRESHOLD_BYTES && acceptsGzip(req)) {
    const body = gzipped(reply.body, reply.headers.ETag);
    res.writeHead(reply.status, { ...reply.headers, "Content-Encoding": "gzip", Vary: "Accept-Encoding", "Content-Length": body.length }).end(body);
    return;
  }
  // Cached replies are shared between requests, so their headers are never added to.
  res.setHeader("Content-Length", bytes);
  res.writeHead(reply.status, reply.headers).end(reply.body);
}

/** A Response thrown by a service (a refused signature, 405, 413) as it is; an outage 503; anything else 500. */
async function answerError(req: IncomingMessage, res: ServerResponse, route: string, error: unknown): Promise<void> {
  if (error instanceof Response) {
    // After a 413 the rest of the body was never read, so the connection can't carry another request.
    if (error.status === 413) res.setHeader("Connection", "close");
    res.writeHead(error.status, error.statusText, Object.fromEntries(error.headers)).end(await error.text());
    return;
  }
  const outage = databaseOutageReply(error, route);
  if (outage) return send(req, res, outage);
  logger.error({ route, err: getErrorMessage(error) }, "request failed");
  send(req, res, { status: 500, body: JSON.stringify({ error: "Something went wrong; try again." }), headers: { "Content-Type": "application/json; charset=utf-8" } });
}

function recommendations(req: IncomingMessage, res: ServerResponse, search: string): void {
  const failed = (error: unknown) => answerError(req, res, RECOMMENDATIONS_PATH, error);
  try {
    const ifNoneMatch = req.headers["if-none-match"];
    const reply = proxyRecommendations({ search, ifNoneMatch: typeof ifNoneMatch === "string" ? ifNoneMatch : null, now: new Date() });
    // A cached shared answer comes back synchronously and is sent in the same turn.
    if (reply instanceof Promise) reply.then((r) => send(req, res, r)).catch(failed);
    else send(req, res, reply);
  } catch (error) {
    void failed(error);
  }
}

async function webhook(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  try {
    const header = (name: string) => {
      const value = req.headers[name];
      return typeof value === "string" ? value : null;
    };
    const response = await receiveWebhook({ method: req.method ?? "POST", header, body: (limit) => readNodeBodyWithin(req, limit) });
    res.writeHead(response.status, response.statusText, Object.fromEntries(response.headers)).end(await response.text());
  } catch (error) {
    await answerError(req, res, path, error);
  }
}

/**
 * The hot-path handler for a build with these route ids (its webhook routes, one per topic, say which
 * paths are webhook intake). It answers a request that is one of the hot paths and returns true;
 * otherwise it returns false and leaves the request untouched for express and Remix.
 */
export function createHotPaths(routeIds: readonly string[]): (req: IncomingMessage, res: ServerResponse) => boolean {
  const webhookPaths = new Set(routeIds.filter((id) => id.startsWith("routes/webhooks.")).map((id) => `/${id.slice("routes/".length).replaceAll(".", "/")}`));
  return (req, res) => {
    const raw = req.url ?? "/";
    const query = raw.indexOf("?");
    const pathname = query === -1 ? raw : raw.slice(0, query);
    if (pathname === RECOMMENDATIONS_PATH && (req.method === "GET" || req.method === "HEAD")) {
      recommendations(req, res, query === -1 ? "" : raw.slice(query + 1));
      return true;
    }
    if (req.method === "POST" && webhookPaths.has(pathname)) {
      void webhook(req, res, pathname);
      return true;
    }
    return false;
  };
}
