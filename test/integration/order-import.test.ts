import { readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { gzipSync } from "node:zlib";
import path from "node:path";
import { Readable } from "node:stream";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { testDb } from "../support/context";
import { importOrderExport, MAX_LISTED_ERRORS, OrderImportFileError } from "~/services/order-import.server";
import { saveProducts } from "~/models/catalog.server";
import { action as importAction } from "~/routes/app.data.import";
import { MAX_UPLOAD_BYTES } from "~/components/DataImportCard";
import { RequestType, adminRequest, storeOfflineSession } from "../support/shopify";

const FIRST200 = path.resolve(import.meta.dirname, "../../../shared/data/online_retail_orders_export_first200.csv");
const BROKEN = path.resolve(import.meta.dirname, "../fixtures/webhooks/orders-export-broken.csv");

// Expected figures come from reading the file independently of the importer.
const fileRows = parse(readFileSync(FIRST200), { columns: true, bom: true }) as Record<string, string>[];
const fileOrders = new Set(fileRows.map((r) => r.Name)).size;
const fileCustomers = new Set(fileRows.filter((r) => r.Email !== "").map((r) => r.Email.trim().toLowerCase())).size;

async function tableCounts(shop: string) {
  const prisma = testDb().prisma;
  const [orders, lines, customers, runs] = await Promise.all([
    prisma.order.count({ where: { shop } }),
    prisma.orderLine.count({ where: { shop } }),
    prisma.customer.count({ where: { shop } }),
    prisma.syncRun.count({ where: { shop, kind: "csv-import" } }),
  ]);
  return { orders, lines, customers, runs };
}

describe(`order-export CSV import (${testDb().flavour})`, () => {
  it("imports the first-200 export (200 orders, 3026 lines, 147 customers) and a re-import changes nothing", async () => {
    const shop = "csv-first200.myshopify.com";
    expect(fileOrders).toBe(200);
    const first = await importOrderExport({ shop, input: FIRST200 });
    expect(first).toMatchObject({ ordersImported: fileOrders, ordersUnchanged: 0, linesImported: fileRows.length, errorCount: 0, errors: [] });
    const afterFirst = await tableCounts(shop);
    expect(afterFirst, "orders = distinct Names, lines = data rows, customers = distinct emails").toEqual({
      orders: fileOrders,
      lines: fileRows.length,
      customers: fileCustomers,
      runs: 1,
    });
    const prisma = testDb().prisma;
    const snapshot = await prisma.order.findMany({ where: { shop }, orderBy: { id: "asc" }, select: { id: true, syncedAt: true } });
    const customersBefore = await prisma.customer.findMany({ where: { shop }, orderBy: { id: "asc" } });

    // Gzipped and streamed this time: the same file must be recognised as the same orders.
    const second = await importOrderExport({ shop, input: Readable.from([gzipSync(readFileSync(FIRST200))]) });
    expect(second).toMatchObject({ ordersImported: 0, ordersUnchanged: fileOrders, linesImported: 0, errorCount: 0 });
    expect(await tableCounts(shop)).toEqual({ ...afterFirst, runs: 2 });
    expect(await prisma.order.findMany({ where: { shop }, orderBy: { id: "asc" }, select: { id: true, syncedAt: true } })).toEqual(snapshot);
    expect(await prisma.customer.findMany({ where: { shop }, orderBy: { id: "asc" } })).toEqual(customersBefore);

    const runs = await prisma.syncRun.findMany({ where: { shop, kind: "csv-import" }, orderBy: { startedAt: "asc" } });
    expect(runs.map((r) => [r.status, r.counts])).toEqual([
      ["completed", { ordersImported: 200, ordersUnchanged: 0, linesImported: 3026, errors: 0 }],
      ["completed", { ordersImported: 0, ordersUnchanged: 200, linesImported: 0, errors: 0 }],
    ]);
  });

  it("sets customer aggregates from the imported orders (#1001 + #1002 for customer 17850: 2 orders, 139.12 + 22.20)", async () => {
    const shop = "csv-aggregates.myshopify.com";
    const text = readFileSync(FIRST200, "utf8").split("\n");
    // The header and the nine rows of #1001 (7 rows) and #1002 (2 rows).
    const head = text.slice(0, 10).join("\n") + "\n";
    const summary = await importOrderExport({ shop, input: Readable.from([head]) });
    expect(summary).toMatchObject({ ordersImported: 2, linesImported: 9, errorCount: 0 });
    const [customer] = await testDb().prisma.customer.findMany({ where: { shop } });
    expect(customer).toMatchObject({ numberOfOrders: 2, amountSpentCents: 13_912 + 2_220, emailMarketingState: "NOT_SUBSCRIBED" });
    expect(JSON.stringify(customer)).not.toContain("@");
  });

  it("resolves SKUs to catalogue products (85123A → product 9001) and leaves unknown SKUs as sku:<SKU>", async () => {
    const shop = "csv-skus.myshopify.com";
    const at = new Date("2026-01-01T00:00:00Z");
    await saveProducts({
      shop,
      items: [
        {
          product: {
            shop, id: "9001", handle: "heart", title: "Heart holder", productType: "", vendor: "", tags: ",", status: "ACTIVE",
            published: true, imageUrl: null, priceCents: 255, inventory: 0, createdAt: at, updatedAt: at, deletedAt: null,
          },
          variants: [{ shop, id: "9101", productId: "9001", title: "Default", sku: "85123A", priceCents: 255, inventory: 0, updatedAt: at }],
        },
      ],
    });
    const head = readFileSync(FIRST200, "utf8").split("\n").slice(0, 3).join("\n") + "\n";
    await importOrderExport({ shop, input: Readable.from([head]) });
    const lines = await testDb().prisma.orderLine.findMany({ where: { shop }, orderBy: { id: "asc" } });
    expect(lines.map((l) => l.productId)).toEqual(["9001", "sku:71053"]);
  });

  it("reports a broken export by row and column (6 errors) and imports only the 2 whole orders (14 lines)", async () => {
    const shop = "csv-broken.myshopify.com";
    const summary = await importOrderExport({ shop, input: BROKEN });
    expect(summary.errors.map((e) => `${e.line}:${e.column}`)).toEqual([
      "4:Lineitem quantity",
      "11:Name",
      "12:Paid at",
      "14:Currency",
      "16:Lineitem price",
      "17:Name",
    ]);
    expect(summary).toMatchObject({ ordersImported: 2, ordersUnchanged: 0, linesImported: 14, errorCount: 6 });
    // Order #1001 had one bad row: none of its 7 rows may be stored.
    expect(await tableCounts(shop)).toMatchObject({ orders: 2, lines: 14 });
    expect(await testDb().prisma.order.findMany({ where: { shop }, select: { name: true }, orderBy: { name: "asc" } })).toEqual([
      { name: "#1002" },
      { name: "#1003" },
    ]);
    const run = await testDb().prisma.syncRun.findFirstOrThrow({ where: { shop } });
    expect(run.status).toBe("completed");
    expect(run.lastError).toBe("line 17, Name: rows of order #1002 are not contiguous (the order started at line 9); these rows are skipped");
  });

  it(`lists at most ${MAX_LISTED_ERRORS} errors and counts the rest (150 bad orders → 150 errors)`, async () => {
    const shop = "csv-many-errors.myshopify.com";
    const header = "Name,Created at,Currency,Subtotal,Total,Lineitem quantity,Lineitem name,Lineitem price";
    const rows = Array.from({ length: 150 }, (_, i) => `#${i + 1},2026-01-01 10:00:00 +0000,USD,1.00,1.00,0,Thing,1.00`);
    const summary = await importOrderExport({ shop, input: Readable.from([[header, ...rows].join("\n")]) });
    expect(summary.errorCount).toBe(150);
    expect(summary.errors).toHaveLength(MAX_LISTED_ERRORS);
    expect(summary.errors[0]).toEqual({ line: 2, column: "Lineitem quantity", message: '"0" is not a positive whole number' });
    expect(await tableCounts(shop)).toMatchObject({ orders: 0, lines: 0 });
  });

  it("rejects a file that is not an orders export (wrong columns) and records the failed run", async () => {
    const shop = "csv-wrong-columns.myshopify.com";
    const input = Readable.from(["order_id,customer_id,created_at,product_id,product_title,quantity,unit_price\n1,2,2026-01-01,3,x,1,1.00\n"]);
    const error = await importOrderExport({ shop, input }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OrderImportFileError);
    expect((error as OrderImportFileError).errors.map((e) => e.column)).toEqual([
      "Name",
      "Created at",
      "Currency",
      "Subtotal",
      "Total",
      "Lineitem quantity",
      "Lineitem name",
      "Lineitem price",
    ]);
    const run = await testDb().prisma.syncRun.findFirstOrThrow({ where: { shop } });
    expect(run.status).toBe("failed");
    expect(run.lastError).toMatch(/^not a Shopify orders export: Name, Created at/);
    expect(await tableCounts(shop)).toMatchObject({ orders: 0, lines: 0 });
  });

  it("rejects an unreadable file", async () => {
    const error = await importOrderExport({ shop: "csv-missing.myshopify.com", input: "/nonexistent/orders.csv" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OrderImportFileError);
    expect((error as Error).message).toMatch(/ENOENT/);
  });
});

describe(`order-export upload route (${testDb().flavour})`, () => {
  const shop = "csv-upload.myshopify.com";
  const call = async (init: RequestInit) => {
    const request = await adminRequest(shop, "/app/data/import", { method: "POST", ...init }, undefined, RequestType.Bearer);
    try {
      return (await importAction({ request, params: {}, context: {} })) as Response;
    } catch (thrown) {
      if (thrown instanceof Response) return thrown;
      throw thrown;
    }
  };

  it("imports an uploaded export and returns the summary (2 orders, 14 lines, 6 row errors)", async () => {
    await storeOfflineSession(shop);
    const form = new FormData();
    form.append("file", new File([readFileSync(BROKEN)], "orders_export.csv", { type: "text/csv" }));
    const response = await call({ body: form });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toMatchObject({ ok: true, fileName: "orders_export.csv", summary: { ordersImported: 2, linesImported: 14, errorCount: 6 } });
    expect(body.summary.errors[0]).toEqual({ line: 4, column: "Lineitem quantity", message: '"two" is not a positive whole number' });
    expect(await tableCounts(shop)).toMatchObject({ orders: 2, lines: 14, runs: 1 });
    expect(readdirSync(tmpdir()).filter((name) => name.startsWith("shopkeeper-import-"))).toEqual([]);
  });

  it("answers 422 with the missing columns for a file that is not an orders export", async () => {
    const form = new FormData();
    form.append("file", new File(["order_id,quantity\n1,2\n"], "normalised.csv", { type: "text/csv" }));
    const response = await call({ body: form });
    expect(response.status).toBe(422);
    const body = await response.json();
    expect(body.ok).toBe(false);
    expect(body.errors).toHaveLength(8);
  });

  it(`answers 413 for an upload larger than ${MAX_UPLOAD_BYTES} bytes, without importing`, async () => {
    const before = await tableCounts(shop);
    const chunk = new Uint8Array(1024 * 1024).fill(0x41);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(
          '--XBOUNDARY\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\nContent-Type: text/csv\r\n\r\n',
        ));
      },
      pull(controller) {
        if (sent > MAX_UPLOAD_BYTES) {
          controller.enqueue(new TextEncoder().encode("\r\n--XBOUNDARY--\r\n"));
          controller.close();
          return;
        }
        sent += chunk.length;
        controller.enqueue(chunk);
      },
    });
    const response = await call({
      body,
      headers: { "Content-Type": "multipart/form-data; boundary=XBOUNDARY" },
      duplex: "half",
    } as RequestInit);
    expect(response.status).toBe(413);
    expect((await response.json()).error).toMatch(/larger than 50 MB/);
    expect(await tableCounts(shop)).toEqual(before);
  });
});
