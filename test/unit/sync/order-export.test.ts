import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  assembleOrderExport,
  customerKeyFromEmail,
  customerRowFromExport,
  type OrderExportItem,
  type OrderExportOptions,
} from "~/lib/sync/order-export";
import { readCsvRows, type CsvRow } from "~/services/csv-file.server";
import { FIXTURES } from "./fixtures";

const SHOP = "shopkeeper-demo.myshopify.com";
const FIRST200 = path.resolve(import.meta.dirname, "../../../../shared/data/online_retail_orders_export_first200.csv");
const BROKEN = path.join(FIXTURES, "orders-export-broken.csv");

async function run(file: string, options: Partial<OrderExportOptions> = {}) {
  let rowCount = 0;
  async function* counted(): AsyncGenerator<CsvRow> {
    for await (const row of readCsvRows(file)) {
      rowCount += 1;
      yield row;
    }
  }
  const items: OrderExportItem[] = [];
  for await (const item of assembleOrderExport(counted(), { shop: SHOP, ...options })) items.push(item);
  const orders = items.flatMap((item) => (item.kind === "order" ? [item] : []));
  const errors = items.flatMap((item) => (item.kind === "error" ? [item] : []));
  return { items, orders, errors, rowCount };
}

function headerRow(overrides: Record<string, string>): Record<string, string> {
  return {
    Name: "#1",
    Email: "",
    "Created at": "2026-01-01 10:00:00 +0000",
    Currency: "USD",
    Subtotal: "5.00",
    Total: "5.00",
    "Lineitem quantity": "1",
    "Lineitem name": "Thing",
    "Lineitem price": "5.00",
    "Lineitem sku": "",
    ...overrides,
  };
}

describe("assembleOrderExport on the first-200 export", () => {
  it("yields 200 orders covering every row, with no errors", async () => {
    const { orders, errors, rowCount } = await run(FIRST200);
    expect(errors).toEqual([]);
    expect(orders).toHaveLength(200);
    expect(rowCount).toBe(3026);
    expect(orders.reduce((sum, item) => sum + item.lines.length, 0)).toBe(rowCount);
    expect(new Set(orders.map((item) => item.order.id)).size).toBe(200);
  });

  it("reads order #1001 exactly as the file states it", async () => {
    const { orders } = await run(FIRST200);
    const first = orders[0];
    expect(first.order).toEqual({
      shop: SHOP,
      id: "5000000000001",
      name: "#1001",
      customerId: "csv-fc76b949a599e546",
      createdAt: new Date("2010-12-01T08:26:00Z"),
      updatedAt: new Date("2010-12-01T08:26:00Z"),
      processedAt: new Date("2010-12-01T08:26:00Z"),
      currency: "GBP",
      subtotalCents: 13912,
      totalCents: 13912,
      totalRefundedCents: 0,
      cancelledAt: null,
      financialStatus: "paid",
      sourceName: "web",
      source: "csv",
      noteAttributes: null,
    });
    expect(first.customerKey).toBe("csv-fc76b949a599e546");
    expect(first.acceptsMarketing).toBe(false);
    expect([first.firstLine, first.lastLine]).toEqual([2, 8]);
    // 6×2.55 + 6×3.39 + 8×2.75 + 6×3.39 + 6×3.39 + 2×7.65 + 6×4.25 = 139.12
    expect(first.lines.map((line) => [line.quantity, line.priceCents, line.productId])).toEqual([
      [6, 255, "sku:85123A"],
      [6, 339, "sku:71053"],
      [8, 275, "sku:84406B"],
      [6, 339, "sku:84029G"],
      [6, 339, "sku:84029E"],
      [2, 765, "sku:22752"],
      [6, 425, "sku:21730"],
    ]);
    expect(first.lines.reduce((sum, line) => sum + line.quantity * line.priceCents, 0)).toBe(13912);
    expect(first.lines[0]).toMatchObject({ id: "csv-5000000000001-1", orderId: "5000000000001", title: "WHITE HANGING HEART T-LIGHT HOLDER", refundedQuantity: 0 });
    // The email never reaches a row: only its hash does.
    expect(JSON.stringify(orders)).not.toContain("@example.com");
  });

  it("implies a Customer row keyed by the email hash, with no personal data", async () => {
    const { orders } = await run(FIRST200);
    expect(customerRowFromExport(orders[1])).toEqual({
      shop: SHOP,
      id: "csv-fc76b949a599e546",
      tags: ",",
      emailMarketingState: "NOT_SUBSCRIBED",
      createdAt: new Date("2010-12-01T08:28:00Z"),
      updatedAt: new Date("2010-12-01T08:28:00Z"),
    });
    // #1001 and #1002 are the same shopper, so they share one customer.
    expect(orders[0].order.customerId).toBe(orders[1].order.customerId);
    expect(new Set(orders.map((item) => item.customerKey)).size).toBeLessThan(200);
  });

  it("gives identical ids when the file is parsed twice", async () => {
    const ids = (result: Awaited<ReturnType<typeof run>>) =>
      result.orders.map((item) => [item.order.id, item.customerKey, ...item.lines.map((line) => line.id)]);
    const [once, twice] = [await run(FIRST200), await run(FIRST200)];
    expect(ids(twice)).toEqual(ids(once));
  });

  it("uses a known product id when the resolver finds the SKU", async () => {
    const catalogue = new Map([["85123A", "8123"]]);
    const { orders } = await run(FIRST200, { resolveProductId: async (sku) => catalogue.get(sku) ?? null });
    expect(orders[0].lines.map((line) => line.productId).slice(0, 2)).toEqual(["8123", "sku:71053"]);
  });
});

describe("assembleOrderExport on broken rows", () => {
  it("reports each problem by line and column and still imports the good orders", async () => {
    const { items } = await run(BROKEN);
    const summary = items.map((item) =>
      item.kind === "order" ? `order ${item.order.name} ${item.order.id} lines=${item.lines.length}` : `error line ${item.line} ${item.column}`,
    );
    expect(summary).toEqual([
      "error line 4 Lineitem quantity",
      "error line 11 Name",
      "order #1002 5000000000002 lines=2",
      "error line 12 Paid at",
      "error line 14 Currency",
      "error line 16 Lineitem price",
      "error line 17 Name",
      "order #1003 csv-afe9ad55ef683092 lines=12",
    ]);
  });

  it("explains each error in words a merchant can act on", async () => {
    const { errors } = await run(BROKEN);
    expect(errors.map((error) => error.message)).toEqual([
      '"two" is not a positive whole number',
      "Name is empty, so the row belongs to no order",
      '"yesterday" is not a date like 2024-01-31 13:45:00 +0000',
      '"USD" conflicts with "GBP" on line 12, the first row of order #1004',
      '"1,50" is not an amount like 12.50',
      "rows of order #1002 are not contiguous (the order started at line 9); these rows are skipped",
    ]);
  });

  it("derives the order id from the name when the Id column is empty, and totals still match", async () => {
    const { orders } = await run(BROKEN);
    const derived = orders[1];
    expect(derived.order.subtotalCents).toBe(27873);
    expect(derived.lines.reduce((sum, line) => sum + line.quantity * line.priceCents, 0)).toBe(27873);
    expect(derived.customerKey).toBe("csv-71e1a9a64d164c57");
    expect(derived.lines.map((line) => line.id).slice(0, 2)).toEqual(["csv-csv-afe9ad55ef683092-1", "csv-csv-afe9ad55ef683092-2"]);
  });

  it("stops at a header that is not an orders export", async () => {
    const items: OrderExportItem[] = [];
    for await (const item of assembleOrderExport([{ line: 2, row: { order_id: "1", quantity: "2" } }], { shop: SHOP })) items.push(item);
    expect(items.map((item) => item.kind === "error" && item.column)).toEqual([
      "Name",
      "Created at",
      "Currency",
      "Subtotal",
      "Total",
      "Lineitem quantity",
      "Lineitem name",
      "Lineitem price",
    ]);
  });

  it("reads cancellations, refunds, note attributes and a later timestamp as updatedAt", async () => {
    const rows = [
      {
        line: 2,
        row: headerRow({
          Email: " Shopper@Example.com ",
          "Cancelled at": "2026-01-03 09:00:00 +0100",
          "Refunded Amount": "5.00",
          "Paid at": "2026-01-01 10:05:00 +0000",
          "Note Attributes": "gift: yes\nchannel: instagram",
          "Financial Status": "Refunded",
          "Accepts Marketing": "yes",
        }),
      },
    ];
    const items: OrderExportItem[] = [];
    for await (const item of assembleOrderExport(rows, { shop: SHOP })) items.push(item);
    expect(items).toHaveLength(1);
    const [item] = items;
    if (item.kind !== "order") throw new Error("expected an order");
    expect(item.order).toMatchObject({
      id: "csv-675bda694aa07148",
      cancelledAt: new Date("2026-01-03T08:00:00Z"),
      updatedAt: new Date("2026-01-03T08:00:00Z"),
      totalRefundedCents: 500,
      financialStatus: "refunded",
      noteAttributes: [
        { name: "gift", value: "yes" },
        { name: "channel", value: "instagram" },
      ],
    });
    expect(item.customerKey).toBe(customerKeyFromEmail("shopper@example.com"));
    expect(item.acceptsMarketing).toBe(true);
    expect(customerRowFromExport(item)?.emailMarketingState).toBe("SUBSCRIBED");
    expect(item.lines[0].productId).toBeNull();
    const guest = { ...item, customerKey: null };
    expect(customerRowFromExport(guest)).toBeNull();
  });

  it("rejects a whole order when one line is bad, so no order is imported in part", async () => {
    const rows = [
      { line: 2, row: headerRow({ Subtotal: "10.00", Total: "10.00" }) },
      { line: 3, row: headerRow({ Subtotal: "", Total: "", Currency: "", "Lineitem quantity": "0" }) },
      { line: 4, row: headerRow({ Name: "#2", "Lineitem price": "-1.00" }) },
    ];
    const items: OrderExportItem[] = [];
    for await (const item of assembleOrderExport(rows, { shop: SHOP })) items.push(item);
    expect(items.map((item) => (item.kind === "error" ? `${item.line}:${item.column}` : item.kind))).toEqual([
      "3:Lineitem quantity",
      "4:Lineitem price",
    ]);
  });
});
