import type { Job } from "bullmq";
import { jobPayloads } from "~/jobs/definitions";
import { enqueue } from "~/jobs/queues.server";
import { listInstalledShopDomains, rebuildMetrics } from "~/models/metrics.server";
import { isShopActive } from "~/models/shop.server";

export async function rebuildMetricsJob(job: Job) {
  const { shop, from, to } = jobPayloads["rebuild-metrics"].parse(job.data);
  if (!(await isShopActive({ shop }))) return { skipped: "shop not installed" };
  return rebuildMetrics({ shop, from, to });
}

/** Daily fan-out: rebuilds the last 3 days of every installed shop, so late events and refunds land. */
export async function metricsNightly(job: Job) {
  jobPayloads["metrics-nightly"].parse(job.data);
  const shops = await listInstalledShopDomains();
  const now = new Date(job.timestamp);
  const day = (offset: number) => new Date(now.getTime() - offset * 86_400_000).toISOString().slice(0, 10);
  for (const shop of shops) await enqueue("rebuild-metrics", { shop, from: day(3), to: day(0) });
  return { shops: shops.length };
}
