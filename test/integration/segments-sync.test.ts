import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setUpValidSession } from "@shopify/shopify-api/test-helpers";
import { installStandinFetch, orderPayload, startStandin, StandinStore, type ShopState, type Standin, type StandinCustomer } from "../standin";
import { sessionStorage } from "~/shopify.server";
import { saveSegment, setSegmentSync } from "~/services/segments.server";
import { testDb } from "../support/context";
import { APP_SCOPES, webhookRequest } from "../support/shopify";
import { startTestWorker } from "../support/worker";

const SHOP = "segments-sync.myshopify.com";
const TAG = "shopkeeper-big-spenders";

async function deliver(topic: string, payload: unknown) {
  const request = webhookRequest(SHOP, topic, payload);
  const module = await import(`~/routes/webhooks.${topic.replace("/", ".")}.tsx`);
  const response = (await module.action({ request, params: {}, context: {} })) as Response;
  expect(response.status).toBe(200);
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe(`segment membership follows orders and syncs as Shopify tags (${testDb().flavour})`, () => {
  let standin: Standin;
  let restoreFetch: () => void;
  let worker: Awaited<ReturnType<typeof startTestWorker>>;
  let state: ShopState;
  let alice: StandinCustomer;
  let bob: StandinCustomer;
  let mugVariant: number;

  beforeAll(async () => {
    const store = new StandinStore();
    state = store.addShop({ domain: SHOP });
    const mug = state.addProduct({ title: "Mug", price: "60.00" });
    mugVariant = mug.variants[0].id;
    alice = state.addCustomer({ email: "alice@example.com" });
    bob = state.addCustomer({ email: "bob@example.com" });
    standin = await startStandin({ store, apiKey: "testApiKey", apiSecret: "testApiSecretKey" });
    restoreFetch = installStandinFetch(standin.url);
    const session = setUpValidSession({ shop: SHOP, isOnline: false, scope: APP_SCOPES, expires: undefined as unknown as Date });
    session.accessToken = standin.issueAccessToken(SHOP);
    await sessionStorage.storeSession(session);
    await testDb().prisma.shop.create({ data: { domain: SHOP, settings: {} } });
    worker = await startTestWorker();
  });

  afterAll(async () => {
    await worker?.stop();
    restoreFetch?.();
    await standin?.close();
  });

  const mutationsFor = (name: string, customer: StandinCustomer) =>
    standin.calls.mutations.filter((call) => call.name === name && (call.args as { id: string }).id === `gid://shopify/Customer/${customer.id}`);

  it("a paid order moves the customer in and tags them; cancelling it moves them out and untags them", async () => {
    const saved = await saveSegment({ shop: SHOP, input: { name: "Big spenders", rule: "amount_spent >= 100", syncToShopify: true } });
    if (!saved.ok) throw new Error(JSON.stringify(saved.errors));
    expect(saved.segment.handle).toBe("big-spenders");
    expect(saved.segment.memberCount).toBe(0);
    const prisma = testDb().prisma;

    // 2 × 60.00 = 120.00 ≥ 100.
    const { order } = await standin.createOrder({ shop: SHOP, customerId: alice.id, lines: [{ variantId: mugVariant, quantity: 2 }] }, { deliver: false });
    await deliver("orders/create", orderPayload(state, order));

    const added = await waitFor("tagsAdd for alice", () => (mutationsFor("tagsAdd", alice).length > 0 ? mutationsFor("tagsAdd", alice) : undefined));
    expect(added).toHaveLength(1);
    expect(added[0].args).toEqual({ id: `gid://shopify/Customer/${alice.id}`, tags: [TAG] });
    expect(state.requireCustomer(alice.id).tags).toContain(TAG);
    const member = await waitFor("taggedAt", async () => {
      const row = await prisma.segmentMember.findFirst({ where: { shop: SHOP, segmentId: saved.segment.id, customerId: String(alice.id) } });
      return row?.taggedAt ? row : undefined;
    });
    expect(member.customerId).toBe(String(alice.id));
    expect((await prisma.segment.findUniqueOrThrow({ where: { id: saved.segment.id } })).memberCount).toBe(1);
    expect(await prisma.segmentHistory.findMany({ where: { segmentId: saved.segment.id }, select: { customerId: true, change: true } })).toEqual([
      { customerId: String(alice.id), change: "entered" },
    ]);

    const cancelled = state.cancelOrder(order.id);
    await deliver("orders/cancelled", orderPayload(state, cancelled));
    const removed = await waitFor("tagsRemove for alice", () => (mutationsFor("tagsRemove", alice).length > 0 ? mutationsFor("tagsRemove", alice) : undefined));
    expect(removed[0].args).toEqual({ id: `gid://shopify/Customer/${alice.id}`, tags: [TAG] });
    expect(state.requireCustomer(alice.id).tags).not.toContain(TAG);
    await waitFor("pending untag cleared", async () => ((await prisma.segmentMember.count({ where: { shop: SHOP, customerId: String(alice.id) } })) === 0 ? true : undefined));
    expect((await prisma.segment.findUniqueOrThrow({ where: { id: saved.segment.id } })).memberCount).toBe(0);
    const history = await prisma.segmentHistory.findMany({ where: { segmentId: saved.segment.id }, orderBy: { at: "asc" }, select: { change: true } });
    expect(history.map((h) => h.change)).toEqual(["entered", "left"]);
    // Each change went to Shopify exactly once.
    expect(mutationsFor("tagsAdd", alice)).toHaveLength(1);
    expect(mutationsFor("tagsRemove", alice)).toHaveLength(1);
  });

  it("turning sync off removes the tag but keeps the member", async () => {
    const prisma = testDb().prisma;
    const segment = await prisma.segment.findFirstOrThrow({ where: { shop: SHOP, handle: "big-spenders" } });
    const { order } = await standin.createOrder({ shop: SHOP, customerId: bob.id, lines: [{ variantId: mugVariant, quantity: 3 }] }, { deliver: false });
    await deliver("orders/create", orderPayload(state, order));
    await waitFor("tagsAdd for bob", () => (mutationsFor("tagsAdd", bob).length > 0 ? true : undefined));
    expect(state.requireCustomer(bob.id).tags).toContain(TAG);
    await waitFor("bob tagged", async () => ((await prisma.segmentMember.findFirst({ where: { segmentId: segment.id, customerId: String(bob.id) } }))?.taggedAt ? true : undefined));

    await setSegmentSync({ shop: SHOP, id: segment.id, syncToShopify: false });
    await waitFor("tagsRemove for bob", () => (mutationsFor("tagsRemove", bob).length > 0 ? true : undefined));
    expect(state.requireCustomer(bob.id).tags).not.toContain(TAG);
    const row = await waitFor("bob untagged", async () => {
      const found = await prisma.segmentMember.findFirst({ where: { segmentId: segment.id, customerId: String(bob.id) } });
      return found && found.taggedAt === null ? found : undefined;
    });
    expect(row.customerId).toBe(String(bob.id));
  });
  it("editing the rule so a tagged member leaves removes their tag (full recompute path)", async () => {
    const prisma = testDb().prisma;
    const segment = await prisma.segment.findFirstOrThrow({ where: { shop: SHOP, handle: "big-spenders" } });
    await setSegmentSync({ shop: SHOP, id: segment.id, syncToShopify: true });
    await waitFor("bob tagged again", () => (mutationsFor("tagsAdd", bob).length === 2 ? true : undefined));
    await waitFor("taggedAt set", async () => ((await prisma.segmentMember.findFirst({ where: { segmentId: segment.id, customerId: String(bob.id) } }))?.taggedAt ? true : undefined));

    const saved = await saveSegment({ shop: SHOP, id: segment.id, input: { name: "Big spenders", rule: "amount_spent >= 1000", syncToShopify: true } });
    expect(saved.ok).toBe(true);
    expect(await prisma.segmentMember.count({ where: { segmentId: segment.id } })).toBe(0);
    await waitFor("tagsRemove for bob", () => (mutationsFor("tagsRemove", bob).length === 2 ? true : undefined));
    expect(state.requireCustomer(bob.id).tags).not.toContain(TAG);
    await waitFor("parked tag cleared", async () => ((await prisma.segmentMember.count({ where: { shop: SHOP } })) === 0 ? true : undefined));
  });
});
