import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startStandin, type Standin } from "../../standin/server";
import { graphql, tinyStore } from "./fixtures";

const RUN = `mutation($q: String!) { bulkOperationRunQuery(query: $q) { bulkOperation { id status } userErrors { field message code } } }`;
const ORDERS = `{ orders { edges { node { id name lineItems { edges { node { id quantity } } } } } } }`;

describe("bulk operations", () => {
  let standin: Standin;
  let token: string;
  let fixture: ReturnType<typeof tinyStore>;
  beforeEach(async () => {
    fixture = tinyStore();
    standin = await startStandin({ store: fixture.store });
    token = standin.issueAccessToken();
  });
  afterEach(async () => {
    await standin.close();
  });
  const q = (query: string, variables?: Record<string, unknown>) => graphql(standin.url, token, query, variables).then((r) => r.body);

  it("writes one JSONL line per node with __parentId on nested connection nodes", async () => {
    const started = await q(RUN, { q: ORDERS });
    expect(started.data.bulkOperationRunQuery.userErrors).toEqual([]);
    expect(started.data.bulkOperationRunQuery.bulkOperation.status).toBe("CREATED");
    await standin.bulk.waitFor(started.data.bulkOperationRunQuery.bulkOperation.id);

    const current = (await q("{ currentBulkOperation { id status errorCode objectCount rootObjectCount fileSize url partialDataUrl completedAt } }")).data.currentBulkOperation;
    expect(current).toMatchObject({ status: "COMPLETED", errorCode: null, objectCount: "6", rootObjectCount: "2", partialDataUrl: null });
    const file = await (await fetch(current.url)).text();
    expect(Number(current.fileSize)).toBe(Buffer.byteLength(file));
    const order1 = `gid://shopify/Order/${fixture.first.id}`;
    const order2 = `gid://shopify/Order/${fixture.second.id}`;
    const [l1, l2, l3] = fixture.first.lineItems.map((l) => `gid://shopify/LineItem/${l.id}`);
    const l4 = `gid://shopify/LineItem/${fixture.second.lineItems[0].id}`;
    expect(file.trimEnd().split("\n").map((line) => JSON.parse(line))).toEqual([
      { id: order1, name: "#1001" },
      { id: l1, quantity: 2, __parentId: order1 },
      { id: l2, quantity: 1, __parentId: order1 },
      { id: l3, quantity: 3, __parentId: order1 },
      { id: order2, name: "#1002" },
      { id: l4, quantity: 1, __parentId: order2 },
    ]);
  });

  it("counts every object across several nested connections", async () => {
    const started = await q(RUN, { q: `{ products { edges { node { id title variants { edges { node { id sku } } } collections { edges { node { id handle } } } } } } }` });
    const op = await standin.bulk.waitFor(started.data.bulkOperationRunQuery.bulkOperation.id);
    // 3 products + 3 variants + 1 collection (only the mug is in "Kitchen").
    expect([op.status, op.objectCount, op.rootObjectCount]).toEqual(["COMPLETED", 7, 3]);
    const lines = (await (await fetch(op.url!)).text()).trimEnd().split("\n").map((l) => JSON.parse(l));
    expect(lines.filter((l) => l.__parentId === `gid://shopify/Product/${fixture.mug.id}`).map((l) => l.sku ?? l.handle)).toEqual(["MUG-1", "kitchen"]);
  });

  it("runs one bulk query per shop at a time", async () => {
    standin.bulk.hold();
    const first = (await q(RUN, { q: ORDERS })).data.bulkOperationRunQuery.bulkOperation;
    const polled = await q(`query($id: ID!) { node(id: $id) { ... on BulkOperation { status } } }`, { id: first.id });
    expect(polled.data.node.status).toBe("CREATED");
    const second = (await q(RUN, { q: ORDERS })).data.bulkOperationRunQuery;
    expect(second.bulkOperation).toBeNull();
    expect(second.userErrors).toEqual([{ field: null, message: `A bulk query operation for this app and shop is already in progress: ${first.id}.`, code: "OPERATION_IN_PROGRESS" }]);
    standin.bulk.release();
    expect((await standin.bulk.waitFor(first.id)).status).toBe("COMPLETED");
    expect((await q(RUN, { q: ORDERS })).data.bulkOperationRunQuery.userErrors).toEqual([]);
  });

  it("fails on demand, keeping a partial file", async () => {
    standin.faults.failNextBulkOperation({ errorCode: "INTERNAL_SERVER_ERROR", afterObjects: 3 });
    const started = (await q(RUN, { q: ORDERS })).data.bulkOperationRunQuery.bulkOperation;
    const op = await standin.bulk.waitFor(started.id);
    expect([op.status, op.errorCode, op.objectCount, op.url]).toEqual(["FAILED", "INTERNAL_SERVER_ERROR", 3, null]);
    const partial = await (await fetch(op.partialDataUrl!)).text();
    expect(partial.trimEnd().split("\n")).toHaveLength(3);
  });

  it("rejects queries Shopify would reject", async () => {
    const noId = (await q(RUN, { q: `{ orders { edges { node { name lineItems { edges { node { id } } } } } } }` })).data.bulkOperationRunQuery;
    expect(noId.bulkOperation).toBeNull();
    expect(noId.userErrors[0].code).toBe("INVALID");
    expect(noId.userErrors[0].message).toContain("must select the 'id' field");
    const noConnection = (await q(RUN, { q: `{ shop { name } }` })).data.bulkOperationRunQuery;
    expect(noConnection.userErrors[0].message).toContain("at least one connection");
  });
});
