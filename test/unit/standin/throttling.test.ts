import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startStandin, type Standin } from "../../standin/server";
import { StandinStore } from "../../standin/store";
import { graphql } from "./fixtures";

const FIFTY = "{ products(first: 50) { edges { node { id } } } }";

describe("cost-based throttling", () => {
  let standin: Standin;
  let token: string;
  let clock = 0;
  beforeEach(async () => {
    clock = Date.parse("2025-03-01T12:00:00Z");
    const store = new StandinStore();
    const shop = store.addShop({ domain: "busy-shop.myshopify.com" });
    for (let i = 1; i <= 60; i++) shop.addProduct({ title: `Product ${i}`, price: "1.00" });
    standin = await startStandin({ store, nowMs: () => clock, bucket: { maximumAvailable: 100, restoreRate: 10 } });
    token = standin.issueAccessToken();
  });
  afterEach(async () => {
    await standin.close();
  });
  const q = (query: string) => graphql(standin.url, token, query);

  it("answers THROTTLED when the bucket cannot cover the requested cost, then recovers at the restore rate", async () => {
    // 2 + 50 × 1 = 52 requested, and 52 actual because 50 of the 60 products come back.
    const first = await q(FIFTY);
    expect(first.body.extensions.cost).toMatchObject({ requestedQueryCost: 52, actualQueryCost: 52, throttleStatus: { currentlyAvailable: 48 } });

    const throttled = await q(FIFTY);
    expect(throttled.status).toBe(200);
    expect(throttled.body.data).toBeUndefined();
    expect(throttled.body.errors).toEqual([{ message: "Throttled", extensions: { code: "THROTTLED", documentation: "https://shopify.dev/api/usage/rate-limits" } }]);
    expect(throttled.body.extensions.cost).toEqual({ requestedQueryCost: 52, actualQueryCost: null, throttleStatus: { maximumAvailable: 100, currentlyAvailable: 48, restoreRate: 10 } });

    clock += 300; // 48 + 3 = 51, still short
    expect((await q(FIFTY)).body.errors?.[0].extensions.code).toBe("THROTTLED");
    clock += 100; // 52: exactly enough
    const recovered = await q(FIFTY);
    expect(recovered.body.data.products.edges).toHaveLength(50);
    expect(recovered.body.extensions.cost.throttleStatus.currentlyAvailable).toBe(0);
    expect(standin.calls.graphql.map((c) => c.throttled)).toEqual([false, true, true, false]);
  });

  it("throttles a drained bucket until it refills", async () => {
    standin.admin.bucketFor("busy-shop.myshopify.com").drain();
    expect((await q("{ shop { name } }")).body.errors[0].extensions.code).toBe("THROTTLED");
    clock += 100; // 1 point back; `shop` costs 1
    expect((await q("{ shop { name } }")).body.data.shop.name).toBe("busy-shop");
  });

  it("refuses a single query above the bucket size", async () => {
    const body = (await q("{ products(first: 250) { edges { node { id } } } }")).body;
    expect(body.errors[0].extensions).toEqual({ code: "MAX_COST_EXCEEDED", cost: 252, maxCost: 100 });
  });

  it("injects forced throttles, 5xx responses, delays and hangs", async () => {
    standin.faults.throttleNext(1).failNext(2, 502);
    expect((await q("{ shop { name } }")).body.errors[0].extensions.code).toBe("THROTTLED");
    expect((await q("{ shop { name } }")).status).toBe(502);
    expect((await q("{ shop { name } }")).status).toBe(502);
    expect((await q("{ shop { name } }")).status).toBe(200);

    standin.faults.delayNext(1, 20);
    expect((await q("{ shop { name } }")).body.data.shop.name).toBe("busy-shop");

    standin.faults.hangNext(1);
    const hung = fetch(`${standin.url}/admin/api/2025-07/graphql.json`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": token },
      body: JSON.stringify({ query: "{ shop { name } }" }),
      signal: AbortSignal.timeout(200),
    });
    await expect(hung).rejects.toThrow();
    expect(standin.faults.pending()).toBe(0);
  });
});
