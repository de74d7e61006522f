import type { Job } from "bullmq";
import { jobPayloads } from "~/jobs/definitions";
import { enqueue } from "~/jobs/queues.server";
import { runReconcile } from "~/services/backfill.server";
import { listActiveShops } from "~/models/shop.server";

export async function reconcile(job: Job) {
  return runReconcile(jobPayloads.reconcile.parse(job.data));
}

/** Fans out one reconciliation per installed shop; the job id keeps a slow shop from piling up. */
export async function reconcileAll(job: Job) {
  jobPayloads["reconcile-all"].parse(job.data);
  const shops = await listActiveShops();
  for (const shop of shops) await enqueue("reconcile", { shop }, { jobId: `reconcile-${shop.replace(/\./g, "-")}` });
  return { shops: shops.length };
}
