import type { Job } from "bullmq";
import { jobQueue, type JobName } from "~/jobs/definitions";
import { runLoggedJob } from "~/logger.server";
import { processWebhook } from "~/jobs/processors/webhook.server";
import { sweepDeliveries } from "~/jobs/processors/sweep-deliveries.server";
import { backfill } from "~/jobs/processors/backfill.server";
import { reconcile, reconcileAll } from "~/jobs/processors/reconcile.server";
import { ethicsFairness, ethicsMonthly, ethicsNightly, ethicsPurge } from "~/jobs/processors/ethics.server";
import { metricsNightly, rebuildMetricsJob } from "~/jobs/processors/metrics.server";
import { recommendationsNightly, recomputeRecommendationsJob, updateRecommendationsForOrderJob } from "~/jobs/processors/recommendations.server";
import { segmentsCustomersChanged, segmentsNightly, segmentsRecompute, segmentsSyncTags } from "~/jobs/processors/segments.server";

type Processor = (job: Job) => Promise<unknown>;

const byName: Record<JobName, Processor> = {
  "process-webhook": processWebhook,
  "sweep-deliveries": sweepDeliveries,
  backfill,
  reconcile,
  "reconcile-all": reconcileAll,
  "segments-recompute": segmentsRecompute,
  "segments-customers-changed": segmentsCustomersChanged,
  "segments-sync-tags": segmentsSyncTags,
  "segments-nightly": segmentsNightly,
  "ethics-purge": ethicsPurge,
  "ethics-fairness": ethicsFairness,
  "ethics-nightly": ethicsNightly,
  "ethics-monthly": ethicsMonthly,
  "rebuild-metrics": rebuildMetricsJob,
  "metrics-nightly": metricsNightly,
  "recompute-recommendations": recomputeRecommendationsJob,
  "update-recommendations-for-order": updateRecommendationsForOrderJob,
  "recommendations-nightly": recommendationsNightly,
};

// Both the worker's event loop and its compute threads call processors through this map, so every
// job's log lines carry jobId, job, queue and (when the payload names one) shop.
export const processors = Object.fromEntries(
  Object.entries(byName).map(([name, processor]) => [
    name,
    (job: Job) => runLoggedJob(job, jobQueue[name as JobName], () => processor(job)),
  ]),
) as Record<JobName, Processor>;
