import { beforeAll, describe, expect, it } from "vitest";
import { action as newAction } from "~/routes/app.segments.new";
import { action as editAction } from "~/routes/app.segments.$id.edit";
import { action as previewAction } from "~/routes/app.segments.preview";
import { loader as exportLoader } from "~/routes/app.segments.$id.export";
import { loader as listLoader } from "~/routes/app.segments._index";
import { testDb } from "../support/context";
import { RequestType, adminRequest, storeOfflineSession } from "../support/shopify";

const SHOP = "segments-routes.myshopify.com";
const OTHER = "segments-routes-other.myshopify.com";

function form(fields: Record<string, string>) {
  const body = new URLSearchParams(fields);
  return { method: "POST", body, headers: { "Content-Type": "application/x-www-form-urlencoded" } };
}

async function call(handler: (args: never) => Promise<unknown>, path: string, init: RequestInit = {}, params: Record<string, string> = {}) {
  const request = await adminRequest(SHOP, path, init, undefined, RequestType.Bearer);
  try {
    return (await handler({ request, params, context: {} } as never)) as Response;
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

describe(`segment admin routes (${testDb().flavour})`, () => {
  beforeAll(async () => {
    await storeOfflineSession(SHOP);
    const prisma = testDb().prisma;
    await prisma.shop.create({ data: { domain: SHOP, settings: {} } });
    const at = new Date("2026-01-01T00:00:00Z");
    const base = { shop: SHOP, createdAt: at, updatedAt: at };
    await prisma.customer.createMany({
      data: [
        { ...base, id: "101", numberOfOrders: 3, amountSpentCents: 25_000, tags: ",vip,", lastOrderAt: at },
        { ...base, id: "102", numberOfOrders: 1, amountSpentCents: 4_000, tags: ",", lastOrderAt: at },
        { ...base, id: "103", numberOfOrders: 5, amountSpentCents: 60_000, tags: ",vip,wholesale,", lastOrderAt: at },
        { ...base, id: "104", numberOfOrders: 0, amountSpentCents: 0, tags: ",vip," },
        // Another shop's customer matches every rule below but must never be counted.
        { ...base, shop: OTHER, id: "999", numberOfOrders: 9, amountSpentCents: 90_000, tags: ",vip," },
      ],
    });
  });

  it("rejects a rule with a syntax error with 422, the line, the column and a hint, and saves nothing", async () => {
    const response = await call(newAction, "/app/segments/new", form({ name: "VIPs", rule: "customer_tags CONTAINS 'vip'\nAND amount_spnt > 100", syncToShopify: "false" }));
    expect(response.status).toBe(422);
    const body = await response.json();
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0]).toMatchObject({ field: "rule", line: 2, column: 5 });
    expect(body.errors[0].message).toMatch(/amount_spnt/);
    expect(body.errors[0].hint).toMatch(/amount_spent/);
    expect(await testDb().prisma.segment.count({ where: { shop: SHOP } })).toBe(0);
  });

  it("answers 400 when the form misses its fields", async () => {
    const response = await call(newAction, "/app/segments/new", form({ rule: "" }));
    expect(response.status).toBe(400);
    const body = await response.json();
    expect(body.errors.map((e: { field: string }) => e.field).sort()).toEqual(["name", "rule"]);
  });

  it("previews a rule with the shop's count, total and a sample in id order", async () => {
    const response = await call(previewAction, "/app/segments/preview", form({ rule: "customer_tags CONTAINS 'VIP' AND number_of_orders >= 1" }));
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toMatchObject({ ok: true, count: 2, total: 4 });
    expect(body.sample.map((c: { id: string }) => c.id)).toEqual(["101", "103"]);
    expect(body.description).toBe("Tags include 'VIP' and number of orders is at least 1");

    const invalid = await call(previewAction, "/app/segments/preview", form({ rule: "number_of_orders >" }));
    expect(invalid.status).toBe(422);
    const errors = (await invalid.json()).errors;
    expect(errors[0]).toMatchObject({ field: "rule", line: 1, column: 19 });
  });

  it("saves a valid segment, computes its members and refuses a duplicate name with 422", async () => {
    const response = await call(newAction, "/app/segments/new", form({ name: "VIP buyers", rule: "customer_tags CONTAINS 'vip' AND amount_spent > 100", syncToShopify: "false" }));
    expect(response.status).toBe(302);
    const segment = await testDb().prisma.segment.findFirstOrThrow({ where: { shop: SHOP } });
    expect(new URL(response.headers.get("location")!, "https://x.test").pathname).toBe(`/app/segments/${segment.id}`);
    expect(segment).toMatchObject({ handle: "vip-buyers", kind: "custom", memberCount: 2, syncToShopify: false });
    const members = await testDb().prisma.segmentMember.findMany({ where: { shop: SHOP, segmentId: segment.id }, orderBy: { customerId: "asc" } });
    expect(members.map((m) => m.customerId)).toEqual(["101", "103"]);

    const duplicate = await call(newAction, "/app/segments/new", form({ name: "VIP  Buyers!", rule: "number_of_orders > 0", syncToShopify: "false" }));
    expect(duplicate.status).toBe(422);
    expect((await duplicate.json()).errors[0]).toMatchObject({ field: "name" });

    // Editing narrows the rule: 101 leaves, and the history says so.
    const edited = await call(editAction, `/app/segments/${segment.id}/edit`, form({ name: "VIP buyers", rule: "customer_tags CONTAINS 'vip' AND amount_spent > 500", syncToShopify: "false" }), { id: segment.id });
    expect(edited.status).toBe(302);
    const history = await testDb().prisma.segmentHistory.findMany({ where: { segmentId: segment.id }, select: { customerId: true, change: true }, orderBy: [{ change: "asc" }, { customerId: "asc" }] });
    expect(history).toEqual([
      { customerId: "101", change: "entered" },
      { customerId: "103", change: "entered" },
      { customerId: "101", change: "left" },
    ]);

    const list = await call(listLoader, "/app/segments");
    const listed = (await list.json()).segments;
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ name: "VIP buyers", memberCount: 1, entered30d: 2, left30d: 1 });

    const csv = await call(exportLoader, `/app/segments/${segment.id}/export`, {}, { id: segment.id });
    expect(csv.status).toBe(200);
    expect(csv.headers.get("Content-Disposition")).toBe('attachment; filename="segment-vip-buyers.csv"');
    const lines = (await csv.text()).trim().split("\n");
    expect(lines[0]).toBe("customer_id,member_since,number_of_orders,amount_spent,last_order_at,rfm_recency,rfm_frequency,rfm_monetary,rfm_group,lifecycle_stage,churn_risk,churn_reason,expected_value_12m");
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^103,[^,]+,5,600\.00,2026-01-01T00:00:00\.000Z,/);
  });

  it("answers 404 for another shop's or a missing segment", async () => {
    const response = await call(exportLoader, "/app/segments/nope/export", {}, { id: "nope" });
    expect(response.status).toBe(404);
    const edit = await call(editAction, "/app/segments/nope/edit", form({ name: "x", rule: "number_of_orders > 0", syncToShopify: "false" }), { id: "nope" });
    expect(edit.status).toBe(404);
  });
});
