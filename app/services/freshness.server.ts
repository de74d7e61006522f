import { enqueue } from "~/jobs/queues.server";
import { requestOrderUpdates } from "~/services/recommendations.server";

/**
 * Called after orders change (webhook, refund). Recommendations and segments refresh incrementally
 * from here once their jobs exist; today only customer aggregates (updated by the caller) react.
 */
export async function afterOrdersChanged(change: { shop: string; orderIds: string[]; customerIds: string[] }) {
  await enqueueSegmentRefresh(change);
  await requestOrderUpdates({ shop: change.shop, orderIds: change.orderIds });
}

// Segment membership follows the customers whose aggregates the caller just refreshed.
async function enqueueSegmentRefresh({ shop, customerIds }: { shop: string; customerIds: string[] }) {
  const ids = [...new Set(customerIds)];
  for (let i = 0; i < ids.length; i += 1_000) {
    await enqueue("segments-customers-changed", { shop, customerIds: ids.slice(i, i + 1_000) });
  }
}
