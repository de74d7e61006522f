import type { Job } from "bullmq";
import { jobPayloads } from "~/jobs/definitions";
import { listInstalledShops } from "~/models/segments.server";
import { isShopActive } from "~/models/shop.server";
import { recomputeRecommendations, requestRecompute, updateRecommendationsForOrder } from "~/services/recommendations.server";

export async function recomputeRecommendationsJob(job: Job) {
  const { shop } = jobPayloads["recompute-recommendations"].parse(job.data);
  if (!(await isShopActive({ shop }))) return { skipped: "shop not installed" };
  return recomputeRecommendations({ shop });
}

export async function updateRecommendationsForOrderJob(job: Job) {
  const { shop, orderId } = jobPayloads["update-recommendations-for-order"].parse(job.data);
  return updateRecommendationsForOrder({ shop, orderId });
}

/** Fans the nightly recompute out to one job per installed shop. */
export async function recommendationsNightly(job: Job) {
  jobPayloads["recommendations-nightly"].parse(job.data);
  const shops = await listInstalledShops();
  for (const shop of shops) await requestRecompute({ shop });
  return { shops: shops.length };
}
