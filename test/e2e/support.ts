import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { chromium, type Browser } from "playwright-core";

const root = path.resolve(import.meta.dirname, "..", "..");

export const BROWSER_UA =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36";

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

export interface RunningDemo {
  /** The demo's own SQLite file (absolute path), for tests that seed or inspect data. */
  dbPath: string;
  adminUrl: string;
  storefrontUrl: string;
  appUrl: string;
  output: () => string;
  stop(): Promise<void>;
}

/** Runs `npm run demo` exactly as a person would, on its own ports and database, until it prints that it is ready. */
export async function startDemo({ orders, port, standinPort }: { orders: number; port: number; standinPort: number }): Promise<RunningDemo> {
  let output = "";
  const child: ChildProcess = spawn(
    "npm",
    ["run", "--silent", "demo", "--", "--orders", String(orders), "--port", String(port), "--standin-port", String(standinPort), "--db", `test-results/demo-${port}.sqlite`],
    { cwd: root, env: { ...process.env, NODE_ENV: "production" }, stdio: ["ignore", "pipe", "pipe"], detached: true },
  );
  child.stdout!.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (output += c.toString()));
  const stop = async () => {
    if (child.exitCode !== null) return;
    process.kill(-child.pid!, "SIGTERM");
    await new Promise((r) => child.once("exit", r));
  };
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`demo not ready in time:\n${output.slice(-3000)}`)), 240_000);
    child.stdout!.on("data", () => {
      if (output.includes("[demo] ready")) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`demo exited with ${code}:\n${output.slice(-3000)}`));
    });
  });
  const find = (label: string) => output.match(new RegExp(`${label}:\\s+(\\S+)`))?.[1] ?? "";
  return {
    dbPath: path.join(root, `test-results/demo-${port}.sqlite`),
    adminUrl: find("Admin \\(embedded, as in Shopify\\)"),
    storefrontUrl: find("Storefront preview"),
    appUrl: `http://127.0.0.1:${port}`,
    output: () => output,
    stop,
  };
}
