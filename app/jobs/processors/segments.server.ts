import type { Job } from "bullmq";
import { jobPayloads } from "~/jobs/definitions";
import { enqueue } from "~/jobs/queues.server";
import { listInstalledShops } from "~/models/segments.server";
import { isShopActive } from "~/models/shop.server";
import { syncSegmentTags } from "~/services/segment-sync.server";
import { recomputeShopSegments, refreshSegmentsForCustomers } from "~/services/segments.server";

export async function segmentsRecompute(job: Job) {
  const { shop } = jobPayloads["segments-recompute"].parse(job.data);
  if (!(await isShopActive({ shop }))) return { skipped: "shop not installed" };
  return recomputeShopSegments({ shop });
}

export async function segmentsCustomersChanged(job: Job) {
  const { shop, customerIds } = jobPayloads["segments-customers-changed"].parse(job.data);
  const { changes } = await refreshSegmentsForCustomers({ shop, customerIds });
  return { changedSegments: changes.length };
}

export async function segmentsSyncTags(job: Job) {
  const { shop } = jobPayloads["segments-sync-tags"].parse(job.data);
  if (!(await isShopActive({ shop }))) return { skipped: "shop not installed" };
  return syncSegmentTags({ shop });
}

/** Fans the nightly recompute out to one job per installed shop. */
export async function segmentsNightly(job: Job) {
  jobPayloads["segments-nightly"].parse(job.data);
  const shops = await listInstalledShops();
  for (const shop of shops) await enqueue("segments-recompute", { shop });
  return { shops: shops.length };
}
