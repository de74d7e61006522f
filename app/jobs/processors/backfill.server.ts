import type { Job } from "bullmq";
import { jobPayloads } from "~/jobs/definitions";
import { runBackfill } from "~/services/backfill.server";

export async function backfill(job: Job) {
  return runBackfill(jobPayloads.backfill.parse(job.data));
}
