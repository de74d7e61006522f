import type { IncomingMessage, ServerResponse } from "node:http";
import { gzipSync } from "node:zlib";
import { isDatabaseUnavailable } from "~/lib/database-outage";
import { getErrorMessage, logger } from "~/logger.server";
import { proxyRecommendations, type ProxyReply } from "~/services/storefront.server";
import { databaseUnavailableReply } from "~/web-process.server";

// The storefront's recommendations endpoint is called for every product page view of every shop, so
// `npm start` (scripts/web-server.mjs) answers it straight from node:http, ahead of express and Remix,
// whose per-request work (compression middleware, static-file checks, Fetch Request/Response
// conversion, route matching) cost several times what the answer itself does. The answer is the same
// service call the Remix route makes, so the two cannot drift. docs/decisions/096.

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
  const headers: Record<string, string | number> = { ...reply.headers };
  if (reply.body === null) {
    res.writeHead(reply.status, headers).end();
    return;
  }
  let body: string | Buffer = reply.body;
  if (Buffer.byteLength(body) >= GZIP_THRESHOLD_BYTES && acceptsGzip(req)) {
    body = gzipped(reply.body, reply.headers.ETag);
    headers["Content-Encoding"] = "gzip";
    headers.Vary = "Accept-Encoding";
  }
  headers["Content-Length"] = Buffer.byteLength(body);
  res.writeHead(reply.status, headers).end(body);
}

async function recommendations(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  try {
    const ifNoneMatch = req.headers["if-none-match"];
    send(req, res, await proxyRecommendations({ url, ifNoneMatch: typeof ifNoneMatch === "string" ? ifNoneMatch : null, now: new Date() }));
  } catch (error) {
    if (error instanceof Response) {
      // A refused signature, thrown as the Remix routes throw it.
      res.writeHead(error.status, error.statusText, Object.fromEntries(error.headers)).end(await error.text());
    } else if (isDatabaseUnavailable(error)) {
      logger.warn({ route: RECOMMENDATIONS_PATH, err: getErrorMessage(error).split("\n").filter(Boolean).pop() }, "database unavailable; answered 503");
      send(req, res, databaseUnavailableReply());
    } else {
      logger.error({ route: RECOMMENDATIONS_PATH, err: getErrorMessage(error) }, "storefront request failed");
      send(req, res, { status: 500, body: JSON.stringify({ error: "Something went wrong; try again." }), headers: { "Content-Type": "application/json; charset=utf-8" } });
    }
  }
}

/**
 * Answers the request if it is one of the hot paths and returns true; otherwise returns false and
 * leaves it untouched for express and Remix.
 */
export function serveHotPath(req: IncomingMessage, res: ServerResponse): boolean {
  const raw = req.url ?? "/";
  const query = raw.indexOf("?");
  const pathname = query === -1 ? raw : raw.slice(0, query);
  if (pathname === RECOMMENDATIONS_PATH && (req.method === "GET" || req.method === "HEAD")) {
    void recommendations(req, res, new URL(raw, "http://hot-path.invalid"));
    return true;
  }
  return false;
}
