// Real web and worker processes for the chaos suite, started the way production starts them
// (`npm start`, `npm run worker`), on loopback ports against a test database and queue prefix.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import net, { type AddressInfo } from "node:net";
import path from "node:path";
import { Redis } from "ioredis";
import { buildProxyQuery } from "../standin/proxy-signature";
import { sendWebhook, type WebhookDelivery } from "../standin/webhooks";
import { waitFor } from "../support/wait";

export { sleep, waitFor } from "../support/wait";

export const ROOT = path.resolve(import.meta.dirname, "..", "..");
// The stand-in and Shopify's test helpers sign with these; the processes are given the same.
export const API_KEY = "testApiKey";
export const API_SECRET = "testApiSecretKey";
export const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";


export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}


export function newQueuePrefix(): string {
  return `skchaos-${randomBytes(4).toString("hex")}`;
}

/** Removes every Redis key under a queue prefix. */
export async function dropQueuePrefix(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}

export function appEnv({ databaseUrl, queuePrefix, port = 0 }: { databaseUrl: string; queuePrefix: string; port?: number }): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_ENV: "production",
    PORT: String(port),
    HOST: "127.0.0.1",
    SHOPIFY_API_KEY: API_KEY,
    SHOPIFY_API_SECRET: API_SECRET,
    SHOPIFY_APP_URL: `http://127.0.0.1:${port}`,
    SCOPES: "read_products,read_orders,read_all_orders,read_customers,write_customers,write_app_proxy",
    DATABASE_URL: databaseUrl,
    DATABASE_POOL_SIZE: "5",
    REDIS_URL,
    QUEUE_PREFIX: queuePrefix,
    LOG_LEVEL: "info",
  };
}

export interface AppProcess {
  name: string;
  child: ChildProcess;
  /** Everything it printed so far (the tail, if long). */
  output(): string;
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  running(): boolean;
  /** Sends the signal and waits for the exit (SIGKILL after `timeoutMs`). */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function track(name: string, child: ChildProcess): AppProcess {
  let output = "";
  const append = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-200_000);
  };
  child.stdout!.on("data", append);
  child.stderr!.on("data", append);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const running = () => child.exitCode === null && child.signalCode === null;
  return {
    name,
    child,
    output: () => output,
    exited,
    running,
    waitForOutput: (pattern, timeoutMs = 60_000) =>
      waitFor(() => {
        if (!running() && !pattern.test(output)) throw new Error(`${name} exited:\n${output.slice(-3_000)}`);
        return pattern.test(output);
      }, timeoutMs, `${name} to print ${pattern}`).catch((error) => {
        throw new Error(`${error.message}\n--- ${name} output ---\n${output.slice(-3_000)}`);
      }),
    async stop(signal = "SIGTERM", timeoutMs = 30_000) {
      if (!running()) return exited;
      child.kill(signal);
      const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
  };
}

/** The command `npm start` runs, from package.json, so the suite exercises exactly that. */
function startCommand(): string[] {
  const scripts = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")).scripts as Record<string, string>;
  const [program, ...args] = scripts.start.split(/\s+/);
  if (program !== "node") throw new Error(`npm start is "${scripts.start}"; the chaos suite expects "node <server> <build>"`);
  return args;
}

/** A web process (`npm start`, the built app) on its own port; resolves once it answers. */
export async function startWeb(env: NodeJS.ProcessEnv, name = "web"): Promise<AppProcess & { url: string; port: number }> {
  const port = await freePort();
  const child = spawn(process.execPath, startCommand(), {
    cwd: ROOT,
    env: { ...env, PORT: String(port), SHOPIFY_APP_URL: `http://127.0.0.1:${port}` },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const web = { ...track(name, child), url: `http://127.0.0.1:${port}`, port };
  await web.waitForOutput(/"msg":"web listening"/);
  return web;
}

/** A worker process (`npm run worker`); resolves once its queues are running. */
export async function startWorker(env: NodeJS.ProcessEnv, name = "worker"): Promise<AppProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "app/jobs/worker.ts")], {
    cwd: ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const worker = track(name, child);
  await worker.waitForOutput(/"msg":"worker started"/);
  return worker;
}

/** A signed webhook from the stand-in's sender to one web process. */
export function deliver(appUrl: string, request: { topic: string; shop: string; payload: unknown; eventId: string }): Promise<WebhookDelivery> {
  return sendWebhook({ appUrl, apiSecret: API_SECRET, ...request });
}

/** A signed app-proxy GET, as Shopify forwards it from /apps/shopkeeper/<path>. */
export function proxyGet(appUrl: string, shop: string, appPath: string, params: Record<string, string> = {}): Promise<Response> {
  const query = buildProxyQuery(new URLSearchParams(params), {
    shop,
    loggedInCustomerId: "",
    pathPrefix: "/apps/shopkeeper",
    timestamp: Math.floor(Date.now() / 1000),
    secret: API_SECRET,
  });
  return fetch(`${appUrl}/proxy/${appPath}?${query}`);
}
