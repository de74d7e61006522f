// Scale-out: 2 web processes (`npm start`) and 2 worker processes (`npm run worker`) on one
// PostgreSQL database and one Redis. A burst of signed webhooks (duplicates across both web
// processes, orders/updated before orders/create, refunds) is applied exactly once, while one worker
// is SIGKILLed in the middle of the burst and of a full recommendation recompute.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { init } from "~/env.server";
import { setPrismaClient } from "~/db.server";
import { enqueue, closeQueues } from "~/jobs/queues.server";
import { insertRowsQuery, ORDER_COLUMNS, ORDER_LINE_COLUMNS, PRODUCT_COLUMNS } from "~/models/bulk-insert.server";
import { recomputeRecommendations } from "~/services/recommendations.server";
import { generateShop } from "../../scripts/lib/synthetic-orders";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { startTcpRelay, type TcpRelay } from "../support/tcp-relay";
import { StandinStore, orderTotals } from "../standin/store";
import { orderPayload, refundPayload, reorder } from "../standin/webhooks";
import { appEnv, deliver, dropQueuePrefix, newQueuePrefix, sleep, startWeb, startWorker, waitFor, type AppProcess } from "./support";

const SHOP = "chaos-burst.myshopify.com";
const REC_SHOP = "chaos-recompute.myshopify.com";
const ORDERS = 100;
const REFUNDED = 20;
const DUPLICATED = 30;
const CUSTOMERS = 20;

interface Delivery {
  topic: string;
  eventId: string;
  payload: unknown;
}

/** The burst, built by the stand-in the way Shopify would send it, plus the state it must converge to. */
function buildBurst() {
  let clock = Date.UTC(2026, 5, 1, 9);
  const store = new StandinStore({ now: () => new Date(clock) });
  const shop = store.addShop({ domain: SHOP });
  const products = Array.from({ length: 12 }, (_, i) => shop.addProduct({ title: `Chaos product ${i}`, price: `${5 + i}.50`, sku: `CH-${i}` }));
  const customers = Array.from({ length: CUSTOMERS }, () => shop.addCustomer());
  const creates: Delivery[] = [];
  const orders = Array.from({ length: ORDERS }, (_, i) => {
    clock += 60_000;
    const lines = Array.from({ length: 1 + (i % 3) }, (_, k) => ({ variantId: products[(i * 5 + k * 7) % products.length].variants[0].id, quantity: 2 }));
    const order = shop.addOrder({ customerId: customers[i % CUSTOMERS].id, lines });
    creates.push({ topic: "orders/create", eventId: `ev-create-${order.id}`, payload: orderPayload(shop, order) });
    return order;
  });
  // An hour later, one unit of the first line of some orders comes back: refunds/create, then orders/updated.
  clock += 3_600_000;
  const later: Delivery[] = [];
  for (const order of orders.slice(0, REFUNDED)) {
    const refund = shop.refundOrder(order.id, [{ lineItemId: order.lineItems[0].id, quantity: 1 }]);
    later.push({ topic: "refunds/create", eventId: `ev-refund-${refund.id}`, payload: refundPayload(shop, order, refund) });
    later.push({ topic: "orders/updated", eventId: `ev-updated-${order.id}`, payload: orderPayload(shop, order) });
  }
  // Shopify does not order deliveries: shuffle everything, so many orders/updated come before their orders/create.
  const distinct = reorder([...creates, ...later], { seed: 9 });
  const duplicated = new Set(reorder(distinct, { seed: 4 }).slice(0, DUPLICATED).map((d) => d.eventId));
  const expected = {
    deliveries: distinct.length,
    orders: ORDERS,
    lines: orders.reduce((sum, o) => sum + o.lineItems.length, 0),
    refundedUnits: REFUNDED,
    totalCents: orders.reduce((sum, o) => sum + orderTotals(o).totalCents, 0),
    customers: customers.map((c) => ({ id: String(c.id), numberOfOrders: c.numberOfOrders })),
  };
  const updatedBeforeCreate = orders
    .slice(0, REFUNDED)
    .filter((o) => distinct.findIndex((d) => d.eventId === `ev-updated-${o.id}`) < distinct.findIndex((d) => d.eventId === `ev-create-${o.id}`)).length;
  return { distinct, duplicated, expected, updatedBeforeCreate };
}

/** A shop with enough order history that a full recompute takes a while. */
async function seedRecomputeShop(db: TestDatabase) {
  const { products, orders } = generateShop({ orders: 2_500, products: 300, seed: 11 });
  // Synced an hour ago, as an earlier import would be: a recompute replays orders synced while it ran,
  // and those incremental updates would change the live set's size under the readers.
  const now = new Date(Date.now() - 3_600_000);
  await db.prisma.shop.create({ data: { domain: REC_SHOP, settings: {} } });
  const productRows = products.map((p) => ({
    shop: REC_SHOP, id: p.id, handle: p.id, title: p.title, productType: p.productType, vendor: p.vendor, tags: ",", collections: ",",
    status: "ACTIVE", published: true, isGiftCard: false, imageUrl: null, priceCents: p.priceCents, inventory: 10, tracksInventory: false,
    createdAt: new Date(p.createdAt), updatedAt: new Date(p.createdAt), deletedAt: null, syncedAt: now,
  }));
  await db.prisma.$transaction([insertRowsQuery("Product", PRODUCT_COLUMNS, productRows)]);
  for (let i = 0; i < orders.length; i += 2_000) {
    const chunk = orders.slice(i, i + 2_000);
    const orderRows = chunk.map((o) => ({ shop: REC_SHOP, id: o.id, name: `#${o.id}`, customerId: o.customerId, createdAt: new Date(o.createdAt), updatedAt: new Date(o.createdAt), currency: "GBP", subtotalCents: 0, totalCents: 0, totalRefundedCents: 0, source: "csv", syncedAt: now }));
    const lineRows = chunk.flatMap((o) => o.lines.map((l, k) => ({ shop: REC_SHOP, id: `${o.id}-${k}`, orderId: o.id, productId: l.productId, title: "", quantity: l.quantity, refundedQuantity: 0, priceCents: l.priceCents })));
    await db.prisma.$transaction([insertRowsQuery("Order", ORDER_COLUMNS, orderRows), insertRowsQuery("OrderLine", ORDER_LINE_COLUMNS, lineRows)]);
  }
}

describe("2 web + 2 worker processes on one PostgreSQL and one Redis", () => {
  let db: TestDatabase;
  const prefix = newQueuePrefix();
  const processes: AppProcess[] = [];
  let relay: TcpRelay;

  beforeAll(async () => {
    db = await createTestDatabase("postgres");
    // This process seeds and reads through the app's own modules, on the same database and queues.
    process.env.DATABASE_URL = db.url;
    process.env.QUEUE_PREFIX = prefix;
    init();
    setPrismaClient(db.prisma);
  });
  afterAll(async () => {
    for (const p of processes) if (p.running()) p.child.kill("SIGCONT");
    await Promise.all(processes.map((p) => p.stop("SIGKILL")));
    relay?.resume();
    await relay?.down();
    await closeQueues();
    setPrismaClient(undefined);
    await dropQueuePrefix(prefix);
    await db?.drop();
  });

  it("a burst of 170 signed webhooks (140 distinct events) over both web processes is applied exactly once while a worker is SIGKILLed mid-burst and mid-recompute; readers only ever see the old or the new complete recommendation set", async () => {
    const started = Date.now();
    const phases: string[] = [];
    const phase = (name: string) => phases.push(`${name} ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const { distinct, duplicated, expected, updatedBeforeCreate } = buildBurst();
    expect(distinct.length).toBe(ORDERS + 2 * REFUNDED);
    expect(updatedBeforeCreate, "some orders/updated are delivered before their orders/create").toBeGreaterThan(5);

    await db.prisma.shop.create({ data: { domain: SHOP, settings: {} } });
    await seedRecomputeShop(db);
    phase("seeded");
    const first = await recomputeRecommendations({ shop: REC_SHOP });
    phase("first recompute");
    const oldVersion = first.version;
    const oldCount = await db.prisma.recList.count({ where: { shop: REC_SHOP, version: oldVersion } });
    expect(oldCount).toBe(first.rowsWritten);

    // The worker to be killed reaches PostgreSQL through a relay, so its work can be frozen at the kill.
    relay = await startTcpRelay(db.url);
    const env = appEnv({ databaseUrl: db.url, queuePrefix: prefix });
    const [web1, web2, doomed, survivor] = await Promise.all([
      startWeb(env, "web-1"),
      startWeb(env, "web-2"),
      startWorker(appEnv({ databaseUrl: relay.url(), queuePrefix: prefix }), "worker-1"),
      startWorker(env, "worker-2"),
    ]);
    processes.push(web1, web2, doomed, survivor);
    phase("processes up");

    // Readers poll the live recommendation set throughout.
    const seen: [number, number][] = [];
    let reading = true;
    const reader = (async () => {
      while (reading) {
        const liveVersion = async () => (await db.prisma.shop.findUniqueOrThrow({ where: { domain: REC_SHOP } })).liveRecVersion;
        const version = await liveVersion();
        const count = await db.prisma.recList.count({ where: { shop: REC_SHOP, version } });
        // A read that straddles a flip is repeated, as the storefront's reader (getLiveRecLists) does.
        if ((await liveVersion()) === version) seen.push([version, count]);
        await sleep(20);
      }
    })();

    // worker-2 is stopped for a moment so that worker-1 takes the recompute.
    survivor.child.kill("SIGSTOP");
    await enqueue("recompute-recommendations", { shop: REC_SHOP });

    const statuses: number[] = [];
    const burst = (async () => {
      let next = 0;
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          for (let i = next++; i < distinct.length; i = next++) {
            const d = distinct[i];
            const [a, b] = i % 2 === 0 ? [web1.url, web2.url] : [web2.url, web1.url];
            const request = { topic: d.topic, shop: SHOP, payload: d.payload, eventId: d.eventId };
            // A duplicate arrives at the other web process at the same moment, with the same event id.
            const sent = await Promise.all(duplicated.has(d.eventId) ? [deliver(a, request), deliver(b, request)] : [deliver(a, request)]);
            statuses.push(...sent.map((s) => s.status));
          }
        }),
      );
    })();

    const processedCount = () => db.prisma.webhookDelivery.count({ where: { shop: SHOP, status: "processed" } });
    const runningRun = () => db.prisma.recomputeRun.findFirst({ where: { shop: REC_SHOP, version: { gt: oldVersion }, status: "running" } });
    await waitFor(async () => (await runningRun()) !== null && (await processedCount()) >= 5, 60_000, "worker-1 to be recomputing and applying webhooks");
    // Freeze worker-1's database traffic, confirm the recompute has not published, then kill it.
    relay.pause();
    const killedRun = await runningRun();
    expect(killedRun, "the recompute is still running at the kill").not.toBeNull();
    const processedByDoomed = await processedCount();
    doomed.child.kill("SIGKILL");
    await doomed.exited;
    phase("worker-1 killed");
    survivor.child.kill("SIGCONT");
    relay.resume();
    expect(processedByDoomed, "the kill landed mid-burst").toBeLessThan(expected.deliveries);

    await burst;
    phase("burst acknowledged");
    expect(statuses.length).toBe(distinct.length + DUPLICATED);
    expect(statuses.filter((s) => s !== 200), "every delivery acknowledged with 200").toEqual([]);

    // worker-2 finishes the burst and, once the dead worker's locks expire, its recompute.
    await waitFor(
      async () => (await db.prisma.webhookDelivery.count({ where: { shop: SHOP, status: { not: "received" } } })) === expected.deliveries,
      150_000,
      "every delivery to be processed",
    );
    phase("deliveries settled");
    await waitFor(
      async () => (await db.prisma.recomputeRun.count({ where: { shop: REC_SHOP, version: { gt: killedRun!.version }, status: "completed" } })) === 1,
      150_000,
      "the recompute to be retried and completed by worker-2",
    );
    reading = false;
    await reader;
    phase("recompute retried");

    const deliveries = await db.prisma.webhookDelivery.findMany({ where: { shop: SHOP } });
    // Each customer's spend must equal the net of their stored orders: counted once, none missed.
    const spentByCustomer = new Map<string, number>();
    for (const o of await db.prisma.order.findMany({ where: { shop: SHOP }, select: { customerId: true, totalCents: true, totalRefundedCents: true } })) {
      spentByCustomer.set(o.customerId!, (spentByCustomer.get(o.customerId!) ?? 0) + o.totalCents - o.totalRefundedCents);
    }
    const [orders, lines, refunded, totals, customers] = await Promise.all([
      db.prisma.order.count({ where: { shop: SHOP } }),
      db.prisma.orderLine.count({ where: { shop: SHOP } }),
      db.prisma.orderLine.aggregate({ where: { shop: SHOP }, _sum: { refundedQuantity: true } }),
      db.prisma.order.aggregate({ where: { shop: SHOP }, _sum: { totalCents: true, totalRefundedCents: true } }),
      db.prisma.customer.findMany({ where: { shop: SHOP }, select: { id: true, numberOfOrders: true, amountSpentCents: true }, orderBy: { id: "asc" } }),
    ]);
    // A refund that keeps arriving before its order (held by the killed worker until its lock expired)
    // exhausts its retries; nothing is lost, because the order's orders/updated restates every refund.
    const unprocessed = deliveries.filter((d) => d.status !== "processed");
    const refundsGivenUp = unprocessed.filter((d) => d.topic === "REFUNDS_CREATE" && d.status === "failed" && /not synced yet/.test(d.lastError ?? ""));
    expect(
      unprocessed.filter((d) => !refundsGivenUp.includes(d)).map((d) => ({ topic: d.topic, status: d.status, attempts: d.attempts, lastError: d.lastError })),
      `deliveries neither processed nor superseded (${phases.join(", ")})`,
    ).toEqual([]);
    expect({
      deliveries: deliveries.length,
      distinctEventIds: new Set(deliveries.map((d) => d.eventId)).size,
      processedOrSuperseded: deliveries.length - unprocessed.length + refundsGivenUp.length,
      orders,
      lines,
      refundedUnits: refunded._sum.refundedQuantity,
      totalCents: totals._sum.totalCents,
      customers,
    }).toEqual({
      deliveries: expected.deliveries,
      distinctEventIds: expected.deliveries,
      processedOrSuperseded: expected.deliveries,
      orders: expected.orders,
      lines: expected.lines,
      refundedUnits: expected.refundedUnits,
      totalCents: expected.totalCents,
      customers: expected.customers.map(({ id, numberOfOrders }) => ({ id, numberOfOrders, amountSpentCents: spentByCustomer.get(id) ?? 0 })).sort((a, b) => a.id.localeCompare(b.id)),
    });

    // The recompute: the killed run never published; the retry did, and only its rows remain.
    const shopRow = await db.prisma.shop.findUniqueOrThrow({ where: { domain: REC_SHOP } });
    const newVersion = shopRow.liveRecVersion;
    expect(newVersion).toBeGreaterThan(killedRun!.version);
    const newCount = await db.prisma.recList.count({ where: { shop: REC_SHOP, version: newVersion } });
    expect(await db.prisma.recList.count({ where: { shop: REC_SHOP, version: { not: newVersion } } }), "the killed run's partial rows are gone").toBe(0);
    expect((await db.prisma.recomputeRun.findUniqueOrThrow({ where: { id: killedRun!.id } })).status, "the killed run stays unpublished").toBe("running");
    expect(seen.length).toBeGreaterThan(10);
    const partial = seen.filter(([v, c]) => !((v === oldVersion && c === oldCount) || (v === newVersion && c === newCount)));
    expect(partial, `readers saw only (v${oldVersion}, ${oldCount} lists) or (v${newVersion}, ${newCount} lists)`).toEqual([]);

    const attempts = deliveries.reduce<Record<number, number>>((acc, d) => ({ ...acc, [d.attempts]: (acc[d.attempts] ?? 0) + 1 }), {});
    console.info(
      `exact-once: ${statuses.length} webhooks sent (${DUPLICATED} duplicates across both web processes, ${updatedBeforeCreate} orders/updated before their orders/create), ` +
        `${deliveries.length} deliveries = ${expected.deliveries} distinct event ids, ${deliveries.length - unprocessed.length} processed + ${refundsGivenUp.length} refunds/create superseded by orders/updated; attempts ${JSON.stringify(attempts)}; ` +
        `orders ${orders}/${expected.orders}, lines ${lines}/${expected.lines}, refunded units ${refunded._sum.refundedQuantity}/${expected.refundedUnits}, ` +
        `${customers.length} customer aggregates exact; worker-1 SIGKILLed after ${processedByDoomed} processed, mid-recompute of v${killedRun!.version}; ` +
        `retry published v${newVersion} (${newCount} lists); ${seen.length} reads all complete sets; ${phases.join(", ")}`,
    );
  }, 240_000);
});
