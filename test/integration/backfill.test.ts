import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setUpValidSession } from "@shopify/shopify-api/test-helpers";
import { installStandinFetch, loadStoreFromNormalisedCsv, startStandin, StandinStore, type Standin } from "../standin";
import { sessionStorage } from "~/shopify.server";
import { runBackfill, runReconcile, startBackfill } from "~/services/backfill.server";
import { testDb } from "../support/context";
import { APP_SCOPES } from "../support/shopify";
import { waitFor } from "../support/wait";

const DATA = process.env.SHOPKEEPER_DATA_DIR ?? new URL("../../../shared/data/", import.meta.url).pathname;
const FULL_SHOP = "backfill-full.myshopify.com";
const SMALL_SHOP = "backfill-resume.myshopify.com";
const HANG_SHOP = "backfill-hang.myshopify.com";

async function install(standin: Standin, shop: string) {
  const session = setUpValidSession({ shop, isOnline: false, scope: APP_SCOPES, expires: undefined as unknown as Date });
  session.accessToken = standin.issueAccessToken(shop);
  await sessionStorage.storeSession(session);
  await testDb().prisma.shop.create({ data: { domain: shop, settings: {} } });
}

function expectedCounts(standin: Standin, shop: string) {
  const state = standin.shop(shop);
  return {
    products: state.products.size,
    customers: state.customers.size,
    orders: state.orders.size,
    lines: [...state.orders.values()].reduce((n, o) => n + o.lineItems.length, 0),
  };
}

async function storedCounts(shop: string) {
  const prisma = testDb().prisma;
  return {
    products: await prisma.product.count({ where: { shop } }),
    customers: await prisma.customer.count({ where: { shop } }),
    orders: await prisma.order.count({ where: { shop } }),
    lines: await prisma.orderLine.count({ where: { shop } }),
  };
}

describe(`bulk backfill through the stand-in (${testDb().flavour})`, () => {
  let standin: Standin;
  let restoreFetch: () => void;

  beforeAll(async () => {
    const store = new StandinStore();
    await loadStoreFromNormalisedCsv(`${DATA}/online_retail.csv.gz`, { shop: FULL_SHOP, store });
    await loadStoreFromNormalisedCsv(`${DATA}/online_retail.csv.gz`, { shop: SMALL_SHOP, store, maxOrders: 400 });
    standin = await startStandin({ store, apiKey: "testApiKey", apiSecret: "testApiSecretKey" });
    restoreFetch = installStandinFetch(standin.url);
    await install(standin, FULL_SHOP);
    await install(standin, SMALL_SHOP);
    await loadStoreFromNormalisedCsv(`${DATA}/online_retail.csv.gz`, { shop: HANG_SHOP, store, maxOrders: 150 });
    await install(standin, HANG_SHOP);
  }, 120_000);

  afterAll(async () => {
    restoreFetch?.();
    await standin?.close();
  });

  it("imports exactly the Online Retail shop's products, customers, orders and lines", async () => {
    const expected = expectedCounts(standin, FULL_SHOP);
    const run = await startBackfill({ shop: FULL_SHOP });
    const counts = await runBackfill({ syncRunId: run.id });
    expect(await storedCounts(FULL_SHOP)).toEqual(expected);
    expect(counts).toMatchObject({ products: expected.products, customers: expected.customers, orders: expected.orders });

    const state = standin.shop(FULL_SHOP);
    const buyers = new Set([...state.orders.values()].map((o) => o.customerId).filter((c) => c !== null)).size;
    expect(await testDb().prisma.customer.count({ where: { shop: FULL_SHOP, numberOfOrders: { gt: 0 } } })).toBe(buyers);
    const row = await testDb().prisma.syncRun.findUniqueOrThrow({ where: { id: run.id } });
    expect(row.status).toBe("completed");
  }, 600_000);

  it("rides out throttling, 5xx, resumes after a failed bulk operation, and re-running changes nothing", async () => {
    const expected = expectedCounts(standin, SMALL_SHOP);
    const run = await startBackfill({ shop: SMALL_SHOP });
    standin.faults.throttleNext(3).failNext(2, 503);
    // Products and customers succeed; the orders export then fails part-way through.
    standin.faults.failNextBulkOperation({ errorCode: "INTERNAL_SERVER_ERROR", afterObjects: 0 });
    standin.faults.failNextBulkOperation({ errorCode: "INTERNAL_SERVER_ERROR", afterObjects: 0 });
    standin.faults.failNextBulkOperation({ errorCode: "INTERNAL_SERVER_ERROR", afterObjects: 100 });
    let failures = 0;
    for (let attempt = 0; attempt < 6; attempt += 1) {
      try {
        await runBackfill({ syncRunId: run.id });
        break;
      } catch (error) {
        failures += 1;
        expect(String(error)).toMatch(/bulk operation .* ended FAILED/);
        const row = await testDb().prisma.syncRun.findUniqueOrThrow({ where: { id: run.id } });
        expect(row.status).toBe("failed");
        expect(row.lastError).toMatch(/INTERNAL_SERVER_ERROR/);
      }
    }
    expect(failures).toBe(3);
    expect(standin.faults.pending(), "every throttle and 5xx was served").toBe(0);
    expect(await storedCounts(SMALL_SHOP)).toEqual(expected);

    const again = await startBackfill({ shop: SMALL_SHOP });
    await runBackfill({ syncRunId: again.id });
    expect(await storedCounts(SMALL_SHOP)).toEqual(expected);
  }, 300_000);

  it("a bulk start whose answer never comes: the call times out, the retry finds the operation in progress, waits for it to end, then starts its own and imports every row", async () => {
    const expected = expectedCounts(standin, HANG_SHOP);
    const runBulkCalls = () => standin.calls.graphql.filter((c) => c.shop === HANG_SHOP && c.query.includes("RunBulk")).length;
    const currentBulkCalls = () => standin.calls.graphql.filter((c) => c.shop === HANG_SHOP && c.query.includes("CurrentBulk")).length;
    // The stand-in starts the operation but never answers; held, it stays RUNNING past the client's timeout.
    standin.bulk.hold();
    standin.faults.hangNext(1);
    const run = await startBackfill({ shop: HANG_SHOP });
    const done = runBackfill({ syncRunId: run.id });
    await waitFor(() => currentBulkCalls() >= 1, 60_000, "the refused retry to look for the running operation");
    const inProgress = standin.bulk.current(HANG_SHOP);
    expect(inProgress?.status, "the timed-out start left an operation running").toMatch(/CREATED|RUNNING/);
    expect(runBulkCalls(), "the start was retried and refused as in progress").toBe(2);
    standin.bulk.release();
    await done;

    expect(standin.faults.pending(), "the hang was served").toBe(0);
    // One start per resource, plus the one whose answer was lost and its retry refused as in progress.
    expect(runBulkCalls()).toBe(3 + 2);
    expect(await storedCounts(HANG_SHOP)).toEqual(expected);
    expect((await testDb().prisma.syncRun.findUniqueOrThrow({ where: { id: run.id } })).status).toBe("completed");
  }, 120_000);

  it("reconciliation catches an order and a product change whose webhooks never arrived", async () => {
    const state = standin.shop(SMALL_SHOP);
    const product = [...state.products.values()][0];
    const customer = [...state.customers.values()][0];
    // Changed in "Shopify" with no webhook delivered.
    await standin.updateProduct(product.id, { title: "Renamed while webhooks were down" }, { shop: SMALL_SHOP, deliver: false });
    const { order } = await standin.createOrder(
      { shop: SMALL_SHOP, customerId: customer.id, lines: [{ variantId: product.variants[0].id, quantity: 2 }] },
      { deliver: false },
    );
    const prisma = testDb().prisma;
    expect(await prisma.order.count({ where: { shop: SMALL_SHOP, id: String(order.id) } })).toBe(0);

    const counts = (await runReconcile({ shop: SMALL_SHOP })) as Record<string, number>;
    expect(await prisma.order.count({ where: { shop: SMALL_SHOP, id: String(order.id) } })).toBe(1);
    expect((await prisma.product.findFirstOrThrow({ where: { shop: SMALL_SHOP, id: String(product.id) } })).title).toBe(
      "Renamed while webhooks were down",
    );
    expect(await storedCounts(SMALL_SHOP)).toEqual(expectedCounts(standin, SMALL_SHOP));
    // Only what changed since the last sync was fetched, not the whole history.
    expect(counts.orders).toBeLessThan(expectedCounts(standin, SMALL_SHOP).orders);
    const runs = await prisma.syncRun.findMany({ where: { shop: SMALL_SHOP, kind: "reconcile" } });
    expect(runs.map((r) => r.status)).toEqual(["completed"]);
  }, 300_000);
});
