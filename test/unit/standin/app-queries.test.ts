// Contract check: the app's own bulk queries run unchanged against the stand-in.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildBulkQuery, CUSTOMERS_BULK_QUERY, ORDERS_BULK_QUERY, PRODUCTS_BULK_QUERY } from "~/lib/sync/bulk-queries";
import { startStandin, type Standin } from "../../standin/server";
import { graphql, tinyStore } from "./fixtures";

const RUN = `mutation($q: String!) { bulkOperationRunQuery(query: $q) { bulkOperation { id } userErrors { message } } }`;

describe("the app's bulk queries against the stand-in", () => {
  let standin: Standin;
  let token: string;
  beforeAll(async () => {
    standin = await startStandin({ store: tinyStore().store });
    token = standin.issueAccessToken();
  });
  afterAll(async () => {
    await standin.close();
  });

  async function runBulk(query: string) {
    const body = (await graphql(standin.url, token, RUN, { q: query })).body;
    expect(body.data.bulkOperationRunQuery.userErrors).toEqual([]);
    const op = await standin.bulk.waitFor(body.data.bulkOperationRunQuery.bulkOperation.id);
    const text = op.url ? await (await fetch(op.url)).text() : "";
    return { op, lines: text.trimEnd().split("\n").filter(Boolean).map((l) => JSON.parse(l)) };
  }

  it.each([
    // 3 products + 3 variants + 1 collection membership
    ["products", PRODUCTS_BULK_QUERY, 7, 3],
    ["customers", CUSTOMERS_BULK_QUERY, 2, 2],
    // 2 orders + 4 line items
    ["orders", ORDERS_BULK_QUERY, 6, 2],
  ])("%s: completes with the expected object counts", async (_name, query, objects, roots) => {
    const { op, lines } = await runBulk(query);
    expect([op.status, op.objectCount, op.rootObjectCount]).toEqual(["COMPLETED", objects, roots]);
    expect(lines).toHaveLength(objects);
  });

  it("honours the incremental updated_at filter", async () => {
    const { op, lines } = await runBulk(buildBulkQuery("orders", { updatedSince: new Date("2025-02-01T00:00:00Z") }));
    expect(op.rootObjectCount).toBe(1);
    expect(lines[0].name).toBe("#1002");
  });
});
