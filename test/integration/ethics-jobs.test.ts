import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enqueue, getQueue } from "~/jobs/queues.server";
import { QUEUES } from "~/jobs/definitions";
import { testDb } from "../support/context";
import { startTestWorker } from "../support/worker";

const A = "ethics-jobs-a.myshopify.com";
const B = "ethics-jobs-b.myshopify.com";
const GONE = "ethics-jobs-gone.myshopify.com";
const prisma = () => testDb().prisma;

async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe(`ethics jobs through the real worker (${testDb().flavour})`, () => {
  let worker: Awaited<ReturnType<typeof startTestWorker>>;

  beforeAll(async () => {
    const old = new Date(Date.now() - 200 * 86_400_000);
    const recent = new Date(Date.now() - 86_400_000);
    await prisma().shop.create({ data: { domain: A, settings: {} } });
    await prisma().shop.create({ data: { domain: B, settings: { ethics: { eventRetentionDays: 300 } } } });
    await prisma().shop.create({ data: { domain: GONE, settings: {}, installState: "uninstalled" } });
    for (const shop of [A, B, GONE]) {
      await prisma().event.createMany({
        data: [old, recent].map((occurredAt) => ({ shop, type: "impression", surface: "product", visitorId: "visitor-1", productId: "1", occurredAt })),
      });
    }
    worker = await startTestWorker();
  });

  afterAll(async () => {
    await worker?.stop();
  });

  it("registers the nightly purge and the monthly fairness schedulers", async () => {
    const schedulers = await getQueue(QUEUES.maintenance).getJobSchedulers(0, -1);
    const byKey = new Map(schedulers.map((s) => [s.key, s.pattern]));
    expect(byKey.get("ethics-nightly")).toBe("30 3 * * *");
    expect(byKey.get("ethics-monthly")).toBe("0 4 1 * *");
  });

  it("the nightly fan-out purges each installed shop by its own retention period", async () => {
    await enqueue("ethics-nightly", {});
    const audits = await waitFor(
      () => prisma().auditLog.findMany({ where: { action: "retention.purge" } }),
      (rows) => rows.length >= 2,
    );
    expect(audits.map((a) => a.shop).sort()).toEqual([A, B]);
    // A keeps 90 days (the default), so its 200-day-old event goes; B keeps 300 days, so nothing goes.
    expect(await prisma().event.count({ where: { shop: A } })).toBe(1);
    expect(await prisma().event.count({ where: { shop: B } })).toBe(2);
    expect(await prisma().event.count({ where: { shop: GONE } })).toBe(2);
    expect(audits.find((a) => a.shop === A)!.after).toMatchObject({ events: 1, retentionDays: 90 });
  });

  it("the monthly fan-out stores one fairness report per installed shop", async () => {
    await enqueue("ethics-monthly", {});
    const reports = await waitFor(
      () => prisma().fairnessReport.findMany(),
      (rows) => rows.length >= 2,
    );
    expect(reports.map((r) => r.shop).sort()).toEqual([A, B]);
    const b = reports.find((r) => r.shop === B)!;
    // B's recent impression is inside the 30-day period; the 200-day-old one is not.
    expect((b.metrics as { overall: { impressions: number } }).overall.impressions).toBe(1);
  });
});
