import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStandin, type Standin } from "../../standin/server";
import { graphql, tinyStore } from "./fixtures";

const FIXED_MS = Date.parse("2025-03-01T12:00:00Z");

describe("Admin GraphQL", () => {
  let standin: Standin;
  let token: string;
  const fixture = tinyStore();
  beforeAll(async () => {
    standin = await startStandin({ store: fixture.store, nowMs: () => FIXED_MS });
    token = standin.issueAccessToken();
  });
  afterAll(async () => {
    await standin.close();
  });
  const q = (query: string, variables?: Record<string, unknown>) => graphql(standin.url, token, query, variables).then((r) => r.body);

  it("returns products with the cost block (requested from page sizes, actual from results)", async () => {
    const body = await q("{ products(first: 10) { edges { node { id title } } } }");
    expect(body.data.products.edges.map((e: { node: { title: string } }) => e.node.title)).toEqual(["Blue Mug", "Lavender Candle", "Baby Bib"]);
    expect(body.data.products.edges[0].node.id).toBe(`gid://shopify/Product/${fixture.mug.id}`);
    // requested: 2 + 10 × 1 = 12; actual: 2 + 3 × 1 = 5; the bucket keeps 1000 − 5.
    expect(body.extensions.cost).toEqual({
      requestedQueryCost: 12,
      actualQueryCost: 5,
      throttleStatus: { maximumAvailable: 1000, currentlyAvailable: 995, restoreRate: 50 },
    });
  });

  it("pages with cursors and pageInfo", async () => {
    const page1 = await q("{ products(first: 2) { edges { cursor node { handle } } pageInfo { hasNextPage hasPreviousPage endCursor } } }");
    expect(page1.data.products.edges.map((e: { node: { handle: string } }) => e.node.handle)).toEqual(["blue-mug", "lavender-candle"]);
    expect(page1.data.products.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const page2 = await q("query($after: String) { products(first: 2, after: $after) { nodes { handle } pageInfo { hasNextPage hasPreviousPage } } }", { after: page1.data.products.pageInfo.endCursor });
    expect(page2.data.products.nodes).toEqual([{ handle: "baby-bib" }]);
    expect(page2.data.products.pageInfo).toEqual({ hasNextPage: false, hasPreviousPage: true });
  });

  it("filters with updated_at:> as incremental syncs do", async () => {
    const products = await q(`{ products(first: 10, query: "updated_at:>'2025-02-01T00:00:00Z'") { nodes { title } } }`);
    expect(products.data.products.nodes).toEqual([{ title: "Baby Bib" }]);
    const orders = await q(`{ orders(first: 10, query: "updated_at:>=2025-02-01", sortKey: UPDATED_AT) { nodes { name } } }`);
    expect(orders.data.orders.nodes).toEqual([{ name: "#1002" }]);
  });

  it("serves orders with money sets, line items and custom attributes", async () => {
    const body = await q(`{ orders(first: 1) { nodes {
      id name displayFinancialStatus cancelledAt currencyCode sourceName customer { id }
      totalPriceSet { shopMoney { amount currencyCode } } totalRefundedSet { shopMoney { amount } }
      lineItems(first: 5) { nodes { quantity currentQuantity sku variant { id } product { id } originalUnitPriceSet { shopMoney { amount } } customAttributes { key value } } }
    } } }`);
    const order = body.data.orders.nodes[0];
    expect(order).toMatchObject({
      id: `gid://shopify/Order/${fixture.first.id}`,
      name: "#1001",
      displayFinancialStatus: "PAID",
      cancelledAt: null,
      currencyCode: "GBP",
      sourceName: "web",
      customer: { id: `gid://shopify/Customer/${fixture.ann.id}` },
      // 2 × 5.00 + 1 × 7.50 + 3 × 3.25
      totalPriceSet: { shopMoney: { amount: "27.25", currencyCode: "GBP" } },
      totalRefundedSet: { shopMoney: { amount: "0.00" } },
    });
    expect(order.lineItems.nodes[2]).toEqual({
      quantity: 3,
      currentQuantity: 3,
      sku: "BIB-1",
      variant: { id: `gid://shopify/ProductVariant/${fixture.bib.variants[0].id}` },
      product: { id: `gid://shopify/Product/${fixture.bib.id}` },
      originalUnitPriceSet: { shopMoney: { amount: "3.25" } },
      customAttributes: [{ key: "_sk_rec", value: "r1" }],
    });
  });

  it("serves customers with order stats, country and consent", async () => {
    const body = await q("{ customers(first: 5) { nodes { id numberOfOrders amountSpent { amount currencyCode } defaultAddress { countryCodeV2 } emailMarketingConsent { marketingState } } } }");
    expect(body.data.customers.nodes).toEqual([
      { id: `gid://shopify/Customer/${fixture.ann.id}`, numberOfOrders: "1", amountSpent: { amount: "27.25", currencyCode: "GBP" }, defaultAddress: { countryCodeV2: "GB" }, emailMarketingConsent: { marketingState: "SUBSCRIBED" } },
      { id: `gid://shopify/Customer/${fixture.bob.id}`, numberOfOrders: "1", amountSpent: { amount: "5.00", currencyCode: "GBP" }, defaultAddress: { countryCodeV2: "FR" }, emailMarketingConsent: { marketingState: "NOT_SUBSCRIBED" } },
    ]);
  });

  it("charges nodes(ids:) per id", async () => {
    const ids = [fixture.mug.id, fixture.bib.id].map((id) => `gid://shopify/Product/${id}`);
    const body = await q(`query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids });
    expect(body.data.nodes).toEqual(ids.map((id) => ({ id })));
    expect([body.extensions.cost.requestedQueryCost, body.extensions.cost.actualQueryCost]).toEqual([2, 2]);
  });

  it("resolves node(id:) to the right type", async () => {
    const body = await q(`{ node(id: "gid://shopify/Product/${fixture.candle.id}") { __typename id ... on Product { totalInventory tags } } }`);
    expect(body.data.node).toEqual({ __typename: "Product", id: `gid://shopify/Product/${fixture.candle.id}`, totalInventory: 0, tags: [] });
  });

  it("adds and removes tags, records the mutations and reports userErrors", async () => {
    const id = `gid://shopify/Customer/${fixture.bob.id}`;
    const added = await q(`mutation($id: ID!) { tagsAdd(id: $id, tags: ["vip", "segment:loyal"]) { node { id } userErrors { field message } } }`, { id });
    expect(added.data.tagsAdd).toEqual({ node: { id }, userErrors: [] });
    expect(added.extensions.cost.requestedQueryCost).toBe(10);
    expect(fixture.bob.tags).toEqual(["segment:loyal", "vip"]);
    await q(`mutation($id: ID!) { tagsRemove(id: $id, tags: ["vip"]) { userErrors { message } } }`, { id });
    expect(fixture.bob.tags).toEqual(["segment:loyal"]);
    const missing = await q(`mutation { tagsAdd(id: "gid://shopify/Customer/1", tags: ["x"]) { node { id } userErrors { field message } } }`);
    expect(missing.data.tagsAdd).toEqual({ node: null, userErrors: [{ field: ["id"], message: "Resource not found" }] });
    expect(standin.calls.mutations.filter((m) => m.name.startsWith("tags")).map((m) => [m.name, m.args])).toEqual([
      ["tagsAdd", { id, tags: ["vip", "segment:loyal"] }],
      ["tagsRemove", { id, tags: ["vip"] }],
      ["tagsAdd", { id: "gid://shopify/Customer/1", tags: ["x"] }],
    ]);
  });

  it("rejects unknown fields and connections without a page size", async () => {
    const unknown = await q("{ products(first: 1) { nodes { notAField } } }");
    expect(unknown.errors[0].message).toContain("notAField");
    const unbounded = await q("{ products { nodes { id } } }");
    expect(unbounded.errors[0].message).toBe("you must provide one of first or last");
  });
});

describe("order visibility without read_all_orders", () => {
  it("hides orders older than 60 days, as Shopify does", async () => {
    const fixture = tinyStore();
    const old = fixture.shop.addOrder({ customerId: fixture.ann.id, createdAt: "2024-12-30T11:59:59Z", lines: [{ variantId: fixture.mug.variants[0].id, quantity: 1 }] });
    const edge = fixture.shop.addOrder({ customerId: fixture.ann.id, createdAt: "2024-12-31T12:00:00Z", lines: [{ variantId: fixture.mug.variants[0].id, quantity: 1 }] });
    const standin = await startStandin({ store: fixture.store, scopes: "read_orders,read_products", nowMs: () => FIXED_MS });
    try {
      const token = standin.issueAccessToken();
      const body = (await graphql(standin.url, token, `{ orders(first: 10) { nodes { name } } old: node(id: "gid://shopify/Order/${old.id}") { id } }`)).body;
      // 2025-03-01T12:00Z minus 60 days is 2024-12-31T12:00Z: the edge order stays, the older one goes.
      expect(body.data.orders.nodes.map((o: { name: string }) => o.name)).toEqual(["#1001", "#1002", edge.name]);
      expect(body.data.old).toBeNull();
    } finally {
      await standin.close();
    }
  });
});
