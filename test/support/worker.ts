import { startWorkers } from "~/jobs/worker";
import { testDb } from "./context";

/** Starts the real BullMQ workers in this process, on the test file's queue prefix. */
export async function startTestWorker() {
  const { shutdown } = await startWorkers();
  return { stop: () => shutdown("test") };
}

/** Polls until every delivery of the shop has left the "received" state (or the timeout passes). */
export async function waitForDeliveries(shop: string, expected: number, timeoutMs = 20_000) {
  const prisma = testDb().prisma;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = await prisma.webhookDelivery.findMany({ where: { shop } });
    const done = rows.filter((r) => r.status !== "received");
    if (rows.length >= expected && done.length === rows.length) return rows;
    if (Date.now() > deadline) {
      throw new Error(`timed out: ${done.length}/${rows.length} deliveries settled, expected ${expected}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
