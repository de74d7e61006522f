import { spawnSync } from "node:child_process";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import path from "node:path";
import { Queue, Worker } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getJwt, API_KEY, API_SECRET_KEY } from "@shopify/shopify-api/test-helpers";
import { QUEUES } from "~/jobs/definitions";
import { getQueue } from "~/jobs/queues.server";
import { createRedis } from "~/redis.server";
import { createOpsServer, opsCredentials } from "~/ops/server";
import { testDb } from "../support/context";

const credentials = { username: "ops", password: "correct-horse-battery-staple" };
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
const HOUR_MS = 3_600_000;

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

/** Parses `shopkeeper_queue_jobs{queue="q",state="s"} n` lines into { q: { s: n } } and the oldest-waiting gauge. */
function parseMetrics(text: string) {
  const jobs: Record<string, Record<string, number>> = {};
  const oldest: Record<string, number> = {};
  for (const line of text.split("\n")) {
    const count = /^shopkeeper_queue_jobs\{queue="([^"]+)",state="([^"]+)"\} (\d+)$/.exec(line);
    if (count) (jobs[count[1]] ??= {})[count[2]] = Number(count[3]);
    const age = /^shopkeeper_queue_oldest_waiting_seconds\{queue="([^"]+)"\} ([\d.]+)$/.exec(line);
    if (age) oldest[age[1]] = Number(age[2]);
  }
  return { jobs, oldest };
}

describe(`ops dashboard and queue metrics (${testDb().flavour})`, () => {
  let server: Server;
  let base: string;

  beforeAll(async () => {
    const ingest = getQueue(QUEUES.ingest);
    const compute = getQueue(QUEUES.compute);
    const maintenance = getQueue(QUEUES.maintenance);
    // ingest: 5 waiting — one plain, three at priority 1, and one enqueued an hour ago at priority 5,
    // behind the newer priority-1 jobs, so the oldest-waiting gauge has to look past the head of the queue.
    await ingest.add("process-webhook", { deliveryId: "plain" });
    for (const id of ["a", "b", "c"]) await ingest.add("process-webhook", { deliveryId: id }, { priority: 1 });
    await ingest.add("backfill", { syncRunId: "old" }, { priority: 5, timestamp: Date.now() - HOUR_MS });
    // compute: 1 delayed.
    await compute.add("recompute-recommendations", { shop: "ops.myshopify.com" }, { delay: HOUR_MS });
    // maintenance: 1 completed and 1 failed, run by a real BullMQ worker.
    const worker = new Worker(
      QUEUES.maintenance,
      async (job) => {
        if (job.name === "reconcile-all") throw new Error("planned failure");
        return "done";
      },
      { connection: createRedis(process.env.REDIS_URL!, "worker"), prefix: process.env.QUEUE_PREFIX },
    );
    await maintenance.add("sweep-deliveries", { olderThanMs: 30_000 });
    await maintenance.add("reconcile-all", {}, { attempts: 1 });
    for (let i = 0; i < 400; i += 1) {
      const counts = await maintenance.getJobCounts("completed", "failed");
      if (counts.completed === 1 && counts.failed === 1) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    await worker.close();

    server = createOpsServer({ credentials, queues: [ingest, compute, maintenance] });
    base = await listen(server);
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it.each(["/metrics", "/queues", "/queues/api/queues"])(
    "%s: no credentials, a wrong password, a wrong user, a merchant session token and the app secret all get 401",
    async (route) => {
      const { token } = await getJwt("ops", API_KEY, API_SECRET_KEY);
      const attempts: Record<string, string | undefined> = {
        none: undefined,
        "wrong password": basic("ops", "correct-horse-battery-stapler"),
        "wrong user": basic("admin", credentials.password),
        "merchant session token": `Bearer ${token}`,
        "session token as password": basic("ops", token),
        "Shopify app secret": basic("ops", API_SECRET_KEY),
        malformed: "Basic %%%",
      };
      for (const [label, authorization] of Object.entries(attempts)) {
        const response = await fetch(`${base}${route}`, { headers: authorization ? { authorization } : {} });
        expect(response.status, label).toBe(401);
        expect(response.headers.get("www-authenticate"), label).toMatch(/^Basic realm=/);
        expect(await response.text(), label).not.toMatch(/ingest|maintenance/);
      }
      const ok = await fetch(`${base}${route}`, { headers: { authorization: basic(credentials.username, credentials.password) } });
      expect(ok.status).toBe(200);
    },
  );

  it("/metrics lists the three real queues with their real counts (5 waiting, 1 delayed, 1 completed, 1 failed) and oldest-waiting age", async () => {
    const response = await fetch(`${base}/metrics`, { headers: { authorization: basic(credentials.username, credentials.password) } });
    expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const { jobs, oldest } = parseMetrics(await response.text());
    expect(Object.keys(jobs).sort()).toEqual(["compute", "ingest", "maintenance"]);
    expect(jobs.ingest).toEqual({ waiting: 5, active: 0, delayed: 0, failed: 0, completed: 0, "waiting-children": 0 });
    expect(jobs.compute).toEqual({ waiting: 0, active: 0, delayed: 1, failed: 0, completed: 0, "waiting-children": 0 });
    expect(jobs.maintenance).toEqual({ waiting: 0, active: 0, delayed: 0, failed: 1, completed: 1, "waiting-children": 0 });
    // The hour-old job sits behind four newer ones; the gauge must still find it.
    expect(oldest.ingest).toBeGreaterThanOrEqual(3_600);
    expect(oldest.ingest).toBeLessThan(3_600 + 600);
    expect(oldest.compute).toBe(0);
    expect(oldest.maintenance).toBe(0);
  });

  it("the Bull Board API and page show the same queues and counts", async () => {
    const authorization = basic(credentials.username, credentials.password);
    const api = await fetch(`${base}/queues/api/queues?jobsPerPage=10&page=1`, { headers: { authorization } });
    expect(api.status).toBe(200);
    const body = (await api.json()) as { queues: { name: string; counts: Record<string, number> }[] };
    const byName = Object.fromEntries(body.queues.map((q) => [q.name, q.counts]));
    expect(Object.keys(byName).sort()).toEqual(["compute", "ingest", "maintenance"]);
    expect(byName.ingest.waiting + byName.ingest.prioritized).toBe(5);
    expect(byName.compute.delayed).toBe(1);
    expect([byName.maintenance.completed, byName.maintenance.failed]).toEqual([1, 1]);

    const page = await fetch(`${base}/queues`, { headers: { authorization } });
    expect(page.headers.get("content-type")).toMatch(/text\/html/);
    const html = await page.text();
    expect(html).toContain('<base href="/queues/"');
    // The page's own script, resolved against that base, is served too (behind the same credentials).
    const script = /src="(static\/js\/main\.[^"]+\.js)"/.exec(html)![1];
    expect((await fetch(`${base}/queues/${script}`)).status).toBe(401);
    const asset = await fetch(`${base}/queues/${script}`, { headers: { authorization } });
    expect([asset.status, asset.headers.get("content-type")]).toEqual([200, expect.stringMatching(/javascript/)]);
  });

  it("/healthz answers without credentials and reveals nothing; unknown paths are 404 after auth", async () => {
    const health = await fetch(`${base}/healthz`);
    expect([health.status, await health.text()]).toEqual([200, "ok\n"]);
    const unknown = await fetch(`${base}/nope`, { headers: { authorization: basic(credentials.username, credentials.password) } });
    expect(unknown.status).toBe(404);
  });

  it("answers 503 for /metrics when Redis is unreachable", async () => {
    const dead = new Queue("ingest", { connection: createRedis("redis://127.0.0.1:1", "producer"), prefix: process.env.QUEUE_PREFIX });
    dead.on("error", () => {});
    const offline = createOpsServer({ credentials, queues: [dead] });
    const url = await listen(offline);
    try {
      const response = await fetch(`${url}/metrics`, { headers: { authorization: basic(credentials.username, credentials.password) } });
      expect(response.status).toBe(503);
    } finally {
      offline.closeAllConnections();
      await new Promise((resolve) => offline.close(resolve));
      await dead.close();
    }
  });

  it("refuses to start without OPS_PASSWORD: opsCredentials throws, and `npm run ops` exits 1 with the reason", () => {
    expect(() => opsCredentials({ OPS_USERNAME: "ops", OPS_PASSWORD: undefined })).toThrow(/OPS_PASSWORD is not set/);
    const root = path.resolve(import.meta.dirname, "..", "..");
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: "production", LOG_LEVEL: "silent" };
    delete env.OPS_PASSWORD;
    const run = spawnSync(path.join(root, "node_modules/.bin/tsx"), ["app/ops/server.ts"], { cwd: root, env, encoding: "utf8", timeout: 30_000 });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("OPS_PASSWORD is not set");
  });
});
