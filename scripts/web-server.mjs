// The web process: `npm start` (node scripts/web-server.mjs build/index.js). What remix-serve does
// (compression, static assets, the Remix handler) plus what running several processes behind a load
// balancer needs: a database outage answers 503 instead of 500, and SIGTERM drains in-flight
// requests and closes the Prisma and Redis connections before exiting 0. docs/decisions/090.
import { createServer } from "node:http";
import path from "node:path";
import url from "node:url";
import { createRequestHandler } from "@remix-run/express";
import { installGlobals } from "@remix-run/node";
import compression from "compression";
import express from "express";

process.env.NODE_ENV ??= "production";
// Platforms send SIGKILL about 30 s after SIGTERM (Heroku, Kubernetes' default grace period).
const DRAIN_TIMEOUT_MS = 25_000;

const buildPath = path.resolve(process.argv[2] ?? "build/index.js");
const build = await import(url.pathToFileURL(buildPath).href);
installGlobals({ nativeFetch: build.future.v3_singleFetch });
const { closeWebConnections, createHotPaths, logger, withOutageResponses } = build.entry.module;
const serveHotPath = createHotPaths(Object.keys(build.routes));

let draining = false;
const app = express();
app.disable("x-powered-by");
app.use(compression());
app.use(build.publicPath, express.static(build.assetsBuildDirectory, { immutable: true, maxAge: "1y" }));
app.use(express.static("public", { maxAge: "1h" }));
app.all("*", createRequestHandler({ build: withOutageResponses(build), mode: process.env.NODE_ENV }));

const port = Number(process.env.PORT ?? 3000);
// Storefront recommendations and webhook intake are answered before express (app/hot-paths.server.ts).
const server = createServer((request, response) => {
  // Keep-alive clients learn to reconnect elsewhere instead of reusing a connection that is going away.
  if (draining) response.setHeader("Connection", "close");
  if (!serveHotPath(request, response)) app(request, response);
});
server.listen(port, process.env.HOST ?? "0.0.0.0", () => logger.info({ port }, "web listening"));

async function shutdown(signal) {
  if (draining) return;
  draining = true;
  logger.info({ signal }, "web shutting down");
  const closed = new Promise((resolve) => server.close(resolve));
  server.closeIdleConnections();
  const timer = setTimeout(() => {
    logger.warn({ afterMs: DRAIN_TIMEOUT_MS }, "requests still running; closing their connections");
    server.closeAllConnections();
  }, DRAIN_TIMEOUT_MS);
  await closed;
  clearTimeout(timer);
  await closeWebConnections();
  logger.info("web stopped");
  process.exit(0);
}

for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () =>
    shutdown(signal).catch((error) => {
      logger.error({ err: error }, "web shutdown failed");
      process.exit(1);
    }),
  );
}
