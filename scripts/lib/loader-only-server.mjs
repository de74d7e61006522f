// Measurement aid for bench:storefront, not a way to serve the app: the built app's
// proxy.recommendations loader behind a plain node:http server, without express, compression or
// Remix's request handling, so the bench can show what the framework layer costs per request.
// Usage: node scripts/lib/loader-only-server.mjs <build/index.js> <port>   (env as for the app)
import { createServer } from "node:http";
import path from "node:path";
import url from "node:url";
import { installGlobals } from "@remix-run/node";

const build = await import(url.pathToFileURL(path.resolve(process.argv[2])).href);
installGlobals({ nativeFetch: build.future.v3_singleFetch });
const { loader } = build.routes["routes/proxy.recommendations"].module;
const port = Number(process.argv[3]);

createServer(async (req, res) => {
  try {
    const request = new Request(`http://127.0.0.1:${port}${req.url}`, { headers: req.headers });
    const response = await loader({ request, params: {}, context: {} });
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  } catch (error) {
    res.writeHead(error instanceof Response ? error.status : 500);
    res.end();
  }
}).listen(port, "127.0.0.1");
