import { createInterface } from "node:readline";
import { Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { UnrecoverableError } from "bullmq";
import { assembleBulkJsonl, type BulkAggregate } from "~/lib/sync/bulk-assembler";
import { mapBulkCustomer, mapBulkOrder, mapBulkProduct } from "~/lib/sync/bulk-mappers";
import { buildBulkQuery, type BulkResource } from "~/lib/sync/bulk-queries";
import { createAdminClient, assertNoUserErrors, type AdminClient } from "~/services/admin-api.server";
import { saveCustomers } from "~/models/customers.server";
import { saveOrders, type OrderWithLines } from "~/models/orders.server";
import { saveProducts, type ProductWithVariants } from "~/models/catalog.server";
import { refreshCustomerAggregates, listCustomerIds, listCustomerIdsWithOrdersUpdatedSince } from "~/models/customers.server";
import { isShopActive } from "~/models/shop.server";
import {
  getLatestCompletedSyncRun,
  createSyncRun,
  getSyncRunForProcessing,
  readCounts,
  updateSyncRun,
  type SyncCounts,
} from "~/models/sync-run.server";
import { enqueue } from "~/jobs/queues.server";
import { requestRecompute } from "~/services/recommendations.server";
import { getErrorMessage, logger } from "~/logger.server";
import { refreshPlannerStatistics } from "~/db.server";
import type { CustomerRow } from "~/lib/sync/rows";

const STAGES = ["products", "customers", "orders", "aggregates"] as const;
type Stage = (typeof STAGES)[number];
const BATCH = 500;
const TABLES: Record<BulkResource, string[]> = {
  products: ["Product", "Variant"],
  customers: ["Customer"],
  orders: ["Order", "OrderLine"],
};
const POLL_MS = 1_000;

const RUN_BULK = `mutation RunBulk($query: String!) {
  bulkOperationRunQuery(query: $query) { bulkOperation { id status } userErrors { field message code } }
}`;
const CURRENT_BULK = `query CurrentBulk { currentBulkOperation(type: QUERY) { id status } }`;
const POLL_BULK = `query PollBulk($id: ID!) {
  node(id: $id) { ... on BulkOperation { id status errorCode objectCount url partialDataUrl } }
}`;

interface BulkOperationNode {
  id: string;
  status: string;
  errorCode: string | null;
  objectCount: string | number;
  url: string | null;
}

/** Creates a backfill run for the shop and queues it; the Data & sync page shows its progress. */
export async function startBackfill({ shop }: { shop: string }) {
  const run = await createSyncRun({ shop, kind: "backfill" });
  await enqueue("backfill", { syncRunId: run.id }, { jobId: `backfill-${run.id}` });
  return run;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts a bulk query. Shopify runs one per app and shop: when one is already running (typically our
 * own start whose answer timed out, so it was retried) we wait for it to end, then start ours.
 */
async function runBulkOperation(client: AdminClient, query: string): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    const data = await client.query<{
      bulkOperationRunQuery: { bulkOperation: { id: string } | null; userErrors: { field: string[] | null; message: string; code?: string | null }[] };
    }>(RUN_BULK, { query });
    const { bulkOperation, userErrors } = data.bulkOperationRunQuery;
    if (attempt < 3 && userErrors.length > 0 && userErrors.every((e) => e.code === "OPERATION_IN_PROGRESS")) {
      await waitForRunningBulkOperation(client);
      continue;
    }
    assertNoUserErrors(userErrors, "bulk operation");
    if (!bulkOperation) throw new Error("bulk operation was not created");
    return bulkOperation.id;
  }
}

const ENDED = ["COMPLETED", "FAILED", "CANCELED", "EXPIRED"];

/** Polls a bulk operation until it has ended, however it ended. */
async function pollUntilEnded(client: AdminClient, id: string): Promise<BulkOperationNode> {
  for (;;) {
    const { node } = await client.query<{ node: BulkOperationNode | null }>(POLL_BULK, { id });
    if (!node) throw new UnrecoverableError(`bulk operation ${id} not found`);
    if (ENDED.includes(node.status)) return node;
    await sleep(POLL_MS);
  }
}

async function waitForRunningBulkOperation(client: AdminClient): Promise<void> {
  const { currentBulkOperation: current } = await client.query<{ currentBulkOperation: { id: string; status: string } | null }>(CURRENT_BULK);
  if (current && !ENDED.includes(current.status)) await pollUntilEnded(client, current.id);
}

async function waitForBulkOperation(client: AdminClient, id: string): Promise<BulkOperationNode> {
  const node = await pollUntilEnded(client, id);
  if (node.status !== "COMPLETED") throw new Error(`bulk operation ${id} ended ${node.status}${node.errorCode ? ` (${node.errorCode})` : ""}`);
  return node;
}

/** Streams a bulk result file line by line; it is never held in memory whole. */
async function* downloadLines(url: string): AsyncGenerator<string> {
  const response = await fetch(url);
  if (!response.ok || !response.body) throw new Error(`bulk result download failed with HTTP ${response.status}`);
  const lines = createInterface({ input: Readable.fromWeb(response.body as WebReadableStream), crlfDelay: Infinity });
  for await (const line of lines) yield line;
}

type Mapped =
  | { stage: "products"; item: ProductWithVariants }
  | { stage: "customers"; item: CustomerRow }
  | { stage: "orders"; item: OrderWithLines };

function mapAggregate(shop: string, stage: BulkResource, aggregate: BulkAggregate): Mapped {
  if (stage === "products") return { stage, item: mapBulkProduct(shop, aggregate) };
  if (stage === "customers") return { stage, item: mapBulkCustomer(shop, aggregate) };
  return { stage, item: mapBulkOrder(shop, aggregate) };
}

async function saveBatch(shop: string, stage: BulkResource, batch: Mapped[]) {
  if (stage === "products") await saveProducts({ shop, items: batch.map((m) => m.item as ProductWithVariants) });
  else if (stage === "customers") await saveCustomers({ shop, rows: batch.map((m) => m.item as CustomerRow) });
  else await saveOrders({ shop, items: batch.map((m) => m.item as OrderWithLines) });
}

// Reconciliation overlaps the previous sync a little, so nothing updated during it slips between runs.
const RECONCILE_OVERLAP_MS = 10 * 60_000;

/**
 * Reconciliation: the same bulk path as the backfill, limited to records updated since the last
 * completed sync, so any webhook that never arrived is caught. Runs inline in its job.
 */
export async function runReconcile({ shop }: { shop: string }) {
  if (!(await isShopActive({ shop }))) return { skipped: "shop not installed" };
  const [lastBackfill, lastReconcile] = await Promise.all([
    getLatestCompletedSyncRun({ shop, kind: "backfill" }),
    getLatestCompletedSyncRun({ shop, kind: "reconcile" }),
  ]);
  const starts = [lastBackfill?.startedAt, lastReconcile?.startedAt].filter((d): d is Date => !!d);
  if (starts.length === 0) return { skipped: "no completed backfill yet" };
  const since = new Date(Math.max(...starts.map((d) => d.getTime())) - RECONCILE_OVERLAP_MS);
  const run = await createSyncRun({ shop, kind: "reconcile", since });
  return runBackfill({ syncRunId: run.id });
}

/**
 * Runs (or resumes) a backfill: one bulk operation per resource, streamed and saved in batches,
 * then customer aggregates. Progress is saved after every batch, so a crashed worker's retry skips
 * the lines already applied (and re-applying is harmless anyway: saves are idempotent).
 */
export async function runBackfill({ syncRunId }: { syncRunId: string }) {
  const run = await getSyncRunForProcessing({ id: syncRunId });
  if (!run) throw new UnrecoverableError(`sync run ${syncRunId} not found`);
  if (run.status === "completed") return readCounts(run.counts);
  const shop = run.shop;
  const counts: SyncCounts = readCounts(run.counts);
  let stage = (run.stage ?? "products") as Stage;
  let bulkOperationId = run.bulkOperationId;
  let linesDone = run.linesDone;
  await updateSyncRun({ shop, id: run.id, data: { status: "running", stage, lastError: null } });

  try {
    const client = await createAdminClient(shop, { expectedCost: 10 });
    for (let index = STAGES.indexOf(stage); index < STAGES.length; index += 1) {
      stage = STAGES[index];
      await updateSyncRun({ shop, id: run.id, data: { stage } });
      if (stage === "aggregates") {
        // A reconciliation only refreshes customers whose orders it may have changed.
        const ids = run.since ? await listCustomerIdsWithOrdersUpdatedSince({ shop, since: run.since }) : await listCustomerIds({ shop });
        const result = await refreshCustomerAggregates({ shop, customerIds: ids });
        counts.aggregates = result.updated;
        continue;
      }
      if (!bulkOperationId) {
        bulkOperationId = await runBulkOperation(client, buildBulkQuery(stage, { updatedSince: run.since ?? undefined }));
        linesDone = 0;
        await updateSyncRun({ shop, id: run.id, data: { bulkOperationId, linesDone } });
      }
      const operation = await waitForBulkOperation(client, bulkOperationId);
      await updateSyncRun({ shop, id: run.id, data: { totalHint: Number(operation.objectCount) || null } });
      if (operation.url) {
        let batch: Mapped[] = [];
        let batches = 0;
        let batchEnd = linesDone;
        const flush = async () => {
          if (batch.length === 0) return;
          await saveBatch(shop, stage as BulkResource, batch);
          batches += 1;
          if (batches === 1 || batches % 40 === 0) await refreshPlannerStatistics(TABLES[stage as BulkResource]);
          counts[stage] = (counts[stage] ?? 0) + batch.length;
          linesDone = batchEnd;
          batch = [];
          await updateSyncRun({ shop, id: run.id, data: { linesDone, counts } });
        };
        for await (const emit of assembleBulkJsonl(downloadLines(operation.url), { skipThroughLine: linesDone })) {
          if (emit.kind === "error") {
            counts[`${stage}Errors`] = (counts[`${stage}Errors`] ?? 0) + 1;
            await updateSyncRun({ shop, id: run.id, data: { lastError: `line ${emit.line}: ${emit.message}` } });
            continue;
          }
          try {
            batch.push(mapAggregate(shop, stage, emit.aggregate));
          } catch (error) {
            counts[`${stage}Errors`] = (counts[`${stage}Errors`] ?? 0) + 1;
            await updateSyncRun({ shop, id: run.id, data: { lastError: `line ${emit.aggregate.line}: ${getErrorMessage(error)}` } });
          }
          batchEnd = emit.aggregate.endLine;
          if (batch.length >= BATCH) await flush();
        }
        await flush();
      }
      bulkOperationId = null;
      linesDone = 0;
      await updateSyncRun({ shop, id: run.id, data: { bulkOperationId: null, linesDone: 0, counts } });
    }
    // The recompute requested below reads the whole history: plan it with the loaded row counts, not
    // those of the last refresh (at 2M orders a stale plan scans every line for each page of orders).
    await refreshPlannerStatistics(Object.values(TABLES).flat());
    await updateSyncRun({ shop, id: run.id, data: { status: "completed", stage: null, counts, finishedAt: new Date() } });
    logger.info({ shop, syncRunId: run.id, counts }, "backfill completed");
    await requestRecompute({ shop });
    return counts;
  } catch (error) {
    // A failed bulk operation must be re-run, not re-polled.
    const failedOperation = /bulk operation .* ended/.test(getErrorMessage(error));
    await updateSyncRun({
      shop,
      id: run.id,
      data: { status: "failed", lastError: getErrorMessage(error), ...(failedOperation ? { bulkOperationId: null, linesDone: 0 } : {}) },
    });
    throw error;
  }
}
