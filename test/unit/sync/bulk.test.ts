import { parse, validate } from "graphql";
import { describe, expect, it } from "vitest";
import { assembleBulkJsonl, createBulkAssembler, type BulkAggregate, type BulkEmit } from "~/lib/sync/bulk-assembler";
import { mapBulkCustomer, mapBulkOrder, mapBulkProduct } from "~/lib/sync/bulk-mappers";
import { buildBulkQuery, CUSTOMERS_BULK_QUERY, ORDERS_BULK_QUERY, PRODUCTS_BULK_QUERY } from "~/lib/sync/bulk-queries";
import { SyncPayloadError } from "~/lib/sync/payload-error";
import { mapOrderPayload } from "~/lib/sync/webhook-mappers";
import { parseWebhookPayload } from "~/lib/sync/webhook-schemas";
import { buildAdminSchema } from "../../standin/graphql/schema";
import { fixture, fixtureLines } from "./fixtures";

const SHOP = "shopkeeper-demo.myshopify.com";

async function collect(lines: Iterable<string>, options?: { skipThroughLine?: number }): Promise<BulkEmit[]> {
  const out: BulkEmit[] = [];
  for await (const emit of assembleBulkJsonl(lines, options)) out.push(emit);
  return out;
}

function aggregates(emits: BulkEmit[]): BulkAggregate[] {
  return emits.flatMap((emit) => (emit.kind === "aggregate" ? [emit.aggregate] : []));
}

describe("createBulkAssembler", () => {
  it("emits a top-level node with its children once the next top-level node begins", () => {
    const assembler = createBulkAssembler();
    expect(assembler.push({ id: "gid://shopify/Product/1", title: "A" }, 1)).toEqual([]);
    expect(assembler.push({ id: "gid://shopify/ProductVariant/11", __parentId: "gid://shopify/Product/1" }, 2)).toEqual([]);
    expect(assembler.push({ id: "gid://shopify/Collection/5", handle: "x", __parentId: "gid://shopify/Product/1" }, 3)).toEqual([]);
    const emitted = assembler.push({ id: "gid://shopify/Product/2", title: "B" }, 4);
    expect(emitted).toEqual([
      {
        kind: "aggregate",
        aggregate: {
          node: { id: "gid://shopify/Product/1", title: "A" },
          line: 1,
          endLine: 3,
          children: {
            ProductVariant: [{ node: { id: "gid://shopify/ProductVariant/11" }, line: 2, children: {} }],
            Collection: [{ node: { id: "gid://shopify/Collection/5", handle: "x" }, line: 3, children: {} }],
          },
        },
      },
    ]);
    expect(assembler.flush()).toEqual([
      { kind: "aggregate", aggregate: { node: { id: "gid://shopify/Product/2", title: "B" }, line: 4, endLine: 4, children: {} } },
    ]);
    expect(assembler.flush()).toEqual([]);
  });

  it("attaches a grandchild to its child and groups by __typename when selected", () => {
    const assembler = createBulkAssembler();
    assembler.push({ id: "gid://shopify/Order/1" }, 1);
    assembler.push({ id: "gid://shopify/LineItem/2", __parentId: "gid://shopify/Order/1" }, 2);
    assembler.push({ __typename: "DiscountAllocation", amount: "1.00", __parentId: "gid://shopify/LineItem/2" }, 3);
    const [emit] = assembler.flush();
    if (emit.kind !== "aggregate") throw new Error("expected an aggregate");
    expect(emit.aggregate.endLine).toBe(3);
    expect(emit.aggregate.children.LineItem[0].children).toEqual({
      DiscountAllocation: [{ node: { __typename: "DiscountAllocation", amount: "1.00" }, line: 3, children: {} }],
    });
  });

  it("reports a child whose parent is not the current node instead of misfiling it", () => {
    const assembler = createBulkAssembler();
    assembler.push({ id: "gid://shopify/Product/1" }, 1);
    assembler.push({ id: "gid://shopify/Product/2" }, 2);
    expect(assembler.push({ id: "gid://shopify/ProductVariant/9", __parentId: "gid://shopify/Product/1" }, 3)).toEqual([
      { kind: "error", line: 3, message: '__parentId "gid://shopify/Product/1" does not match the current top-level node or its children' },
    ]);
    expect(assembler.push([1, 2], 4)).toEqual([{ kind: "error", line: 4, message: "line is not a JSON object" }]);
  });
});

describe("assembleBulkJsonl", () => {
  it("assembles the product sample into two products", async () => {
    const emits = await collect(fixtureLines("bulk-products.jsonl"));
    expect(emits.every((emit) => emit.kind === "aggregate")).toBe(true);
    const products = aggregates(emits);
    expect(products.map((p) => [p.node.id, p.line, p.endLine, Object.keys(p.children).sort()])).toEqual([
      ["gid://shopify/Product/8001", 1, 5, ["Collection", "ProductVariant"]],
      ["gid://shopify/Product/8100", 6, 7, ["ProductVariant"]],
    ]);
  });

  it("resumes after a given line without losing children of later nodes", async () => {
    const products = aggregates(await collect(fixtureLines("bulk-products.jsonl"), { skipThroughLine: 5 }));
    expect(products.map((p) => p.node.id)).toEqual(["gid://shopify/Product/8100"]);
    expect(products[0].children.ProductVariant).toHaveLength(1);
  });

  it("reports invalid JSON by line and carries on", async () => {
    const lines = ['{"id":"gid://shopify/Customer/1"}', "{not json", '{"id":"gid://shopify/Customer/2"}', ""];
    const emits = await collect(lines);
    expect(emits.map((emit) => (emit.kind === "error" ? `error@${emit.line}` : emit.aggregate.node.id))).toEqual([
      "error@2",
      "gid://shopify/Customer/1",
      "gid://shopify/Customer/2",
    ]);
  });
});

describe("bulk mappers", () => {
  it("maps a bulk Product with variants and collections", async () => {
    const [apron, giftCard] = aggregates(await collect(fixtureLines("bulk-products.jsonl")));
    const { product, variants } = mapBulkProduct(SHOP, apron);
    expect(product).toEqual({
      shop: SHOP,
      id: "8001",
      handle: "linen-apron",
      title: "Linen Apron",
      productType: "Kitchen",
      vendor: "Loom & Co",
      tags: ",gift ideas,linen,kitchen,",
      collections: ",kitchen-textiles,gifts-under-30,",
      status: "ACTIVE",
      published: true,
      isGiftCard: false,
      imageUrl: "https://cdn.shopify.com/s/files/1/0001/apron.jpg",
      priceCents: 2250,
      inventory: 10,
      tracksInventory: true,
      createdAt: new Date("2025-08-30T20:20:00Z"),
      updatedAt: new Date("2026-02-11T15:00:00Z"),
      deletedAt: null,
    });
    expect(variants.map((v) => [v.id, v.productId, v.sku, v.priceCents, v.inventory])).toEqual([
      ["9001", "8001", "APR-NAT", 2495, 12],
      ["9004", "8001", null, 2250, -2],
    ]);
    expect(mapBulkProduct(SHOP, giftCard).product).toMatchObject({ isGiftCard: true, published: false, collections: ",", tags: ",", priceCents: 2500 });
  });

  it("maps bulk Orders to the same rows the webhook path produces", async () => {
    const [refunded, pos] = aggregates(await collect(fixtureLines("bulk-orders.jsonl")));
    const bulk = mapBulkOrder(SHOP, refunded);
    const parsed = parseWebhookPayload("orders/updated", fixture("orders-updated-refunded.json"));
    if (!parsed.success) throw new Error(parsed.issues.join("\n"));
    const webhook = mapOrderPayload(SHOP, parsed.data);
    expect(bulk.order).toEqual({
      ...webhook.order,
      // The bulk snapshot is later: the mug refund (21.55) has happened too.
      updatedAt: new Date("2026-03-06T16:00:00Z"),
      totalRefundedCents: 4850,
      source: "bulk",
    });
    expect(bulk.lines).toEqual([
      { ...webhook.lines[0] },
      { ...webhook.lines[1], refundedQuantity: 1, properties: null },
      { ...webhook.lines[2] },
    ]);
    expect(mapBulkOrder(SHOP, pos, "reconcile").order).toMatchObject({ id: "5612345678903", customerId: null, financialStatus: "paid", sourceName: "pos", source: "reconcile", noteAttributes: null });
  });

  it("maps bulk Customers, keeping Shopify's counters", async () => {
    const [jane, sam] = aggregates(await collect(fixtureLines("bulk-customers.jsonl")));
    expect(mapBulkCustomer(SHOP, jane)).toEqual({
      shop: SHOP,
      id: "7012345678901",
      countryCode: "CA",
      tags: ",vip,wholesale,",
      emailMarketingState: "SUBSCRIBED",
      numberOfOrders: 4,
      amountSpentCents: 31040,
      createdAt: new Date("2025-11-20T13:00:00Z"),
      updatedAt: new Date("2026-03-02T15:16:01Z"),
    });
    expect(mapBulkCustomer(SHOP, sam)).toMatchObject({ countryCode: null, emailMarketingState: "NOT_SUBSCRIBED", numberOfOrders: 0, amountSpentCents: 0 });
  });

  it("names the line and field of a malformed node", async () => {
    const lines = fixtureLines("bulk-products.jsonl");
    lines[3] = lines[3].replace('"price":"24.95"', '"price":"free"');
    const [apron] = aggregates(await collect(lines));
    expect(() => mapBulkProduct(SHOP, apron)).toThrow(SyncPayloadError);
    try {
      mapBulkProduct(SHOP, apron);
    } catch (error) {
      expect((error as SyncPayloadError).issues).toEqual(['line 4 ProductVariant.price: expected a decimal amount like "12.50", got "free"']);
    }
    const broken = { node: { id: "gid://shopify/Order/1", name: "#1" }, line: 7, endLine: 7, children: {} };
    expect(() => mapBulkOrder(SHOP, broken)).toThrow(/line 7 Order\.createdAt: is required/);
  });
});

describe("bulk queries", () => {
  it("are valid GraphQL documents selecting an id on every nested node", () => {
    for (const query of [PRODUCTS_BULK_QUERY, CUSTOMERS_BULK_QUERY, ORDERS_BULK_QUERY]) {
      expect(() => parse(query)).not.toThrow();
    }
    expect(PRODUCTS_BULK_QUERY).toContain("collections { edges { node { id handle } } }");
    expect(ORDERS_BULK_QUERY).toMatch(/lineItems \{\s+edges \{\s+node \{\s+id/);
  });

  it("validate against the stand-in's Admin GraphQL schema", () => {
    const schema = buildAdminSchema();
    const since = buildBulkQuery("products", { updatedSince: new Date("2026-03-01T00:00:00Z") });
    for (const query of [PRODUCTS_BULK_QUERY, CUSTOMERS_BULK_QUERY, ORDERS_BULK_QUERY, since]) {
      expect(validate(schema, parse(query)).map((error) => error.message)).toEqual([]);
    }
  });

  it("filters by updated_at for reconciles", () => {
    const query = buildBulkQuery("orders", { updatedSince: new Date("2026-03-01T00:00:00Z") });
    expect(() => parse(query)).not.toThrow();
    expect(query).toContain(`orders(query: "updated_at:>='2026-03-01T00:00:00.000Z'")`);
  });
});
