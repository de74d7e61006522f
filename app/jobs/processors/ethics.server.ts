import type { Job } from "bullmq";
import { jobPayloads } from "~/jobs/definitions";
import { enqueue } from "~/jobs/queues.server";
import { purgeExpiredEvents } from "~/models/ethics.server";
import { getShopSettings, isShopActive, listActiveShops } from "~/models/shop.server";
import { runFairnessReport } from "~/services/fairness.server";

/** Deletes the shop's events older than its retention setting. */
export async function ethicsPurge(job: Job) {
  const { shop } = jobPayloads["ethics-purge"].parse(job.data);
  const { ethics } = await getShopSettings({ shop });
  return purgeExpiredEvents({ shop, now: new Date(), retentionDays: ethics.eventRetentionDays });
}

/** Stores the shop's exposure & fairness report for the last 30 days. */
export async function ethicsFairness(job: Job) {
  const { shop } = jobPayloads["ethics-fairness"].parse(job.data);
  if (!(await isShopActive({ shop }))) return { skipped: "shop not installed" };
  const { id } = await runFairnessReport({ shop });
  return { reportId: id };
}

/** Fans the nightly retention purge out to one job per installed shop. */
export async function ethicsNightly(job: Job) {
  jobPayloads["ethics-nightly"].parse(job.data);
  const shops = await listActiveShops();
  for (const shop of shops) await enqueue("ethics-purge", { shop });
  return { shops: shops.length };
}

/** Fans the monthly fairness report out to one job per installed shop. */
export async function ethicsMonthly(job: Job) {
  jobPayloads["ethics-monthly"].parse(job.data);
  const shops = await listActiveShops();
  for (const shop of shops) await enqueue("ethics-fairness", { shop });
  return { shops: shops.length };
}
