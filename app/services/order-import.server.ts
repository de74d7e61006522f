import type { Readable } from "node:stream";
import { readCsvRows } from "~/services/csv-file.server";
import { assembleOrderExport, customerRowFromExport, type ExportOrder } from "~/lib/sync/order-export";
import type { CustomerRow } from "~/lib/sync/rows";
import { mapSkusToProductIds } from "~/models/catalog.server";
import { saveOrders } from "~/models/orders.server";
import { listOrdersToApply } from "~/models/stored-orders.server";
import { refreshCustomerAggregates, saveCustomers } from "~/models/customers.server";
import { createSyncRun, updateSyncRun } from "~/models/sync-run.server";
import { afterOrdersChanged } from "~/services/freshness.server";
import { getErrorMessage } from "~/logger.server";
import { refreshPlannerStatistics } from "~/db.server";

const BATCH = 200;
const SKU_CHUNK = 500;
/** How many row errors a summary lists; the rest are only counted. */
export const MAX_LISTED_ERRORS = 100;

export interface ImportRowError {
  line: number;
  column: string | null;
  message: string;
}

export interface OrderImportSummary {
  syncRunId: string;
  ordersImported: number;
  ordersUnchanged: number;
  linesImported: number;
  /** The first MAX_LISTED_ERRORS problems, in file order. */
  errors: ImportRowError[];
  /** Every problem found, including those left out of `errors`. */
  errorCount: number;
}

/** The file as a whole cannot be imported (unreadable, not an orders export, no rows). */
export class OrderImportFileError extends Error {
  constructor(
    message: string,
    readonly errors: ImportRowError[] = [],
    readonly syncRunId: string | null = null,
  ) {
    super(message);
    this.name = "OrderImportFileError";
  }
}

export function describeRowError(error: ImportRowError): string {
  return `line ${error.line}${error.column ? `, ${error.column}` : ""}: ${error.message}`;
}

// SKUs are resolved per batch with one query instead of one per line.
async function resolveProducts(shop: string, batch: ExportOrder[]) {
  const skus = new Set<string>();
  for (const item of batch) {
    for (const line of item.lines) if (line.productId?.startsWith("sku:")) skus.add(line.productId.slice(4));
  }
  if (skus.size === 0) return;
  const bySku = new Map<string, string>();
  const list = [...skus];
  // Chunked: SQLite caps the number of bound parameters in one statement.
  for (let i = 0; i < list.length; i += SKU_CHUNK) {
    for (const [sku, productId] of await mapSkusToProductIds({ shop, skus: list.slice(i, i + SKU_CHUNK) })) bySku.set(sku, productId);
  }
  for (const item of batch) {
    for (const line of item.lines) {
      const productId = line.productId?.startsWith("sku:") ? bySku.get(line.productId.slice(4)) : undefined;
      if (productId) line.productId = productId;
    }
  }
}

/**
 * Imports a Shopify "Export orders" CSV (plain or gzipped, path or stream). Every row is checked; an
 * order with any bad row is reported and skipped whole, and a bad row never stops the file. Saves are
 * upserts keyed by ids derived from the file, so importing the same file again changes nothing.
 * Throws OrderImportFileError when the file itself is unusable; the SyncRun records either outcome.
 */
export async function importOrderExport({ shop, input }: { shop: string; input: string | Readable }): Promise<OrderImportSummary> {
  const run = await createSyncRun({ shop, kind: "csv-import" });
  await updateSyncRun({ shop, id: run.id, data: { status: "running", stage: "orders" } });
  const summary: OrderImportSummary = {
    syncRunId: run.id,
    ordersImported: 0,
    ordersUnchanged: 0,
    linesImported: 0,
    errors: [],
    errorCount: 0,
  };
  let lastError: ImportRowError | null = null;
  let linesDone = 0;
  let seenRows = false;
  let batch: ExportOrder[] = [];
  const counts = () => ({
    ordersImported: summary.ordersImported,
    ordersUnchanged: summary.ordersUnchanged,
    linesImported: summary.linesImported,
    errors: summary.errorCount,
  });

  const flush = async () => {
    if (batch.length === 0) return;
    const items = batch;
    batch = [];
    await resolveProducts(shop, items);
    // One customer row per key, the latest order's copy, as customerRowFromExport expects.
    const customers = new Map<string, CustomerRow>();
    for (const item of items) {
      const row = customerRowFromExport(item);
      if (row) customers.set(row.id, row);
    }
    await saveCustomers({ shop, rows: [...customers.values()] });
    const keep = await listOrdersToApply({ shop, items: items.map(({ order, lines }) => ({ order, lines })) });
    const result = await saveOrders({ shop, items: items.filter((item) => keep.has(item.order.id)).map(({ order, lines }) => ({ order, lines })) });
    const applied = new Set(result.appliedIds);
    for (const item of items) {
      if (applied.has(item.order.id)) {
        summary.ordersImported += 1;
        summary.linesImported += item.lines.length;
      } else {
        summary.ordersUnchanged += 1;
      }
    }
    if (result.customerIds.length > 0) {
      await refreshCustomerAggregates({ shop, customerIds: result.customerIds });
      await afterOrdersChanged({ shop, orderIds: result.appliedIds, customerIds: result.customerIds });
    }
    linesDone = items[items.length - 1].lastLine;
    await updateSyncRun({
      shop,
      id: run.id,
      data: { linesDone, counts: counts(), lastError: lastError ? describeRowError(lastError) : null },
    });
  };

  const fail = async (message: string, errors: ImportRowError[] = []) => {
    await updateSyncRun({
      shop,
      id: run.id,
      data: { status: "failed", counts: counts(), lastError: message.slice(0, 2_000), finishedAt: new Date() },
    });
    return new OrderImportFileError(message, errors, run.id);
  };

  try {
    const headerErrors: ImportRowError[] = [];
    for await (const item of assembleOrderExport(readCsvRows(input), { shop })) {
      seenRows = true;
      if (item.kind === "error") {
        const error = { line: item.line, column: item.column, message: item.message };
        // Data starts on line 2, so a line-1 error is about the header: the file is not an orders export.
        if (item.line === 1) {
          headerErrors.push(error);
          continue;
        }
        summary.errorCount += 1;
        if (summary.errors.length < MAX_LISTED_ERRORS) summary.errors.push(error);
        lastError = error;
        continue;
      }
      batch.push(item);
      if (batch.length >= BATCH) await flush();
    }
    if (headerErrors.length > 0) {
      throw await fail(`not a Shopify orders export: ${headerErrors.map((e) => e.column).join(", ")} missing`, headerErrors);
    }
    if (!seenRows) throw await fail("the file has no order rows");
    await flush();
  } catch (error) {
    if (error instanceof OrderImportFileError) throw error;
    throw await fail(`import stopped: ${getErrorMessage(error)}`);
  }

  // As after a backfill: later reads of the shop's history must be planned with the imported row counts.
  await refreshPlannerStatistics(["Order", "OrderLine", "Customer"]);
  await updateSyncRun({
    shop,
    id: run.id,
    data: {
      status: "completed",
      stage: null,
      counts: counts(),
      lastError: lastError ? describeRowError(lastError) : null,
      finishedAt: new Date(),
    },
  });
  return summary;
}
