import { readFileSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import type { ActionFunctionArgs } from "@remix-run/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { logger, setLogSink } from "~/logger.server";
import { installRequestContext } from "~/request-context.server";
import { testDb } from "../support/context";
import { webhookRequest } from "../support/shopify";
import { startTestWorker, waitForDeliveries } from "../support/worker";

const fixtures = path.resolve(import.meta.dirname, "../fixtures/webhooks");
const fixture = (name: string) => JSON.parse(readFileSync(path.join(fixtures, `${name}.json`), "utf8"));

// Distinctive personal values: none of them may appear anywhere in the log output.
const PERSONAL: Record<string, string> = {
  email: "zephyrine.q.7f3@example.org",
  contact_email: "zephyrine.q.7f3@example.org",
  first_name: "Zephyrine",
  last_name: "Quillfeather",
  name: "Zephyrine Quillfeather",
  phone: "+447700900417",
  address1: "17 Larkspur Mews",
  city: "Wexcombe",
  zip: "WX9 4QQ",
  browser_ip: "198.51.100.77",
  note: "ring Zephyrine after six",
};
const PERSONAL_VALUES = [...new Set(Object.values(PERSONAL))];

/** Overwrites every personal field, at any depth, with the values above (order `name` is "#1001", not personal). */
function personalise(value: unknown, inOrder = false): unknown {
  if (Array.isArray(value)) return value.map((v) => personalise(v));
  if (!value || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (key in PERSONAL && !(inOrder && key === "name") && key !== "line_items") out[key] = PERSONAL[key];
    else if (key === "line_items") out[key] = v;
    else out[key] = personalise(v);
  }
  return out;
}

/** Serves one Remix route action over real HTTP, as the web process does (the request-start hook runs first). */
function serveRoute(action: (args: ActionFunctionArgs) => Promise<Response>): Promise<{ server: Server; url: string }> {
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers as IncomingHttpHeaders)) if (typeof value === "string") headers.set(name, value);
    const request = new Request(`https://shopkeeper.test${req.url}`, { method: req.method, headers, body: chunks.length ? Buffer.concat(chunks) : undefined });
    let response: Response;
    try {
      response = await action({ request, params: {}, context: {} });
    } catch (thrown) {
      if (!(thrown instanceof Response)) throw thrown;
      response = thrown;
    }
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })));
}

/** Re-sends a signed test webhook over HTTP with an optional X-Request-Id. */
async function post(url: string, topic: string, shop: string, payload: unknown, requestId?: string) {
  const signed = webhookRequest(shop, topic, payload);
  const headers = new Headers(signed.headers);
  if (requestId !== undefined) headers.set("X-Request-Id", requestId);
  return fetch(`${url}/webhooks/${topic}`, { method: "POST", headers, body: await signed.text() });
}

type Line = Record<string, unknown>;

describe(`structured logs carry request, job and shop ids and no personal data (${testDb().flavour})`, () => {
  const raw: string[] = [];
  const lines = () => raw.map((line) => JSON.parse(line) as Line);
  let worker: Awaited<ReturnType<typeof startTestWorker>>;
  const servers: Server[] = [];
  const previousLevel = logger.level;

  beforeAll(async () => {
    installRequestContext();
    setLogSink({ write: (line) => raw.push(line) });
    logger.level = "trace";
    worker = await startTestWorker();
  });
  afterAll(async () => {
    await worker.stop();
    for (const server of servers) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
    logger.level = previousLevel;
    setLogSink(undefined);
  });

  it("a customer and an order full of personal data, plus a malformed order, through route and processor: ids on every line, 0 personal values", async () => {
    const shop = "log-ids.myshopify.com";
    const customers = await serveRoute((await import("~/routes/webhooks.customers.create")).action);
    const orders = await serveRoute((await import("~/routes/webhooks.orders.create")).action);
    servers.push(customers.server, orders.server);

    const customer = personalise(fixture("customers-update"));
    const order = { ...(personalise(fixture("orders-create"), true) as Record<string, unknown>), id: 9_100_001 };
    const malformed = { ...order, id: 9_100_002, total_price: "lots" };
    const answers = [
      await post(customers.url, "customers/create", shop, customer, "lb-req-customer-0001"),
      await post(orders.url, "orders/create", shop, order, "lb-req-order-00000002"),
      await post(orders.url, "orders/create", shop, malformed, "bad id with spaces & <tags>"),
    ];
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    const [customerId, orderId, generatedId] = answers.map((a) => a.headers.get("x-request-id")!);
    expect([customerId, orderId]).toEqual(["lb-req-customer-0001", "lb-req-order-00000002"]);
    // A malformed incoming id is replaced, not echoed.
    expect(generatedId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);

    const deliveries = await waitForDeliveries(shop, 3);
    expect(deliveries.map((d) => d.status).sort()).toEqual(["failed", "processed", "processed"]);
    // The completion lines and the worker's failure line follow the deliveries' status updates.
    const settled = () =>
      lines().filter((l) => l.msg === "job completed" && l.shop === shop).length === 2 &&
      lines().some((l) => l.msg === "job failed" && l.shop === shop);
    for (let i = 0; i < 400 && !settled(); i += 1) await new Promise((r) => setTimeout(r, 25));

    // Web: one access line per request, with its request id, the verified shop, and the path without query.
    const requests = lines().filter((l) => l.msg === "request" && l.shop === shop);
    expect(requests.map((l) => [l.requestId, l.path, l.status])).toEqual([
      [customerId, "/webhooks/customers/create", 200],
      [orderId, "/webhooks/orders/create", 200],
      [generatedId, "/webhooks/orders/create", 200],
    ]);

    // Jobs: every line emitted while a delivery was processed names the job, its queue and the shop.
    const jobIds = deliveries.map((d) => `wh-${d.id}`).sort();
    const jobLines = lines().filter((l) => typeof l.jobId === "string" && jobIds.includes(l.jobId as string));
    expect(jobLines.filter((l) => l.msg === "job completed").map((l) => l.jobId).sort()).toHaveLength(2);
    const failure = jobLines.find((l) => l.msg === "webhook processing failed")!;
    expect(failure).toMatchObject({ job: "process-webhook", queue: "ingest", shop, topic: "ORDERS_CREATE" });
    expect(String(failure.err)).toContain("total_price");
    expect(jobLines.filter((l) => l.msg === "job failed")).toHaveLength(1);
    for (const line of jobLines) expect(line).toMatchObject({ job: "process-webhook", queue: "ingest", shop });
    expect(new Set(jobLines.map((l) => l.jobId))).toEqual(new Set(jobIds));

    // And nothing personal anywhere in the output, at any level down to trace.
    const output = raw.join("");
    const leaks = PERSONAL_VALUES.filter((value) => output.includes(value));
    expect(leaks).toEqual([]);
    expect(output).not.toContain("ring Zephyrine");
  });

  it("redacts personal fields and secrets a caller passes by mistake, at any of four levels", () => {
    const before = raw.length;
    logger.info(
      {
        email: PERSONAL.email,
        customer: { id: "1", email: PERSONAL.email },
        order: { billing_address: { address1: PERSONAL.address1 }, lines: [{ customer_email: PERSONAL.email }] },
        context: { shopify: { headers: { "x-shopify-hmac-sha256": "c2lnbmF0dXJl", authorization: "Bearer eyJhbGciOi" } } },
        session: { accessToken: "shpat_0123456789" },
        deep: { a: { b: { phone: PERSONAL.phone, first_name: PERSONAL.first_name } } },
        payload: JSON.stringify({ email: PERSONAL.email }),
        shop: "redact.myshopify.com",
        customerId: "7012345678901",
      },
      "caller mistake",
    );
    const [line] = raw.slice(before).map((l) => JSON.parse(l) as Line);
    const text = JSON.stringify(line);
    for (const secret of [...PERSONAL_VALUES, "c2lnbmF0dXJl", "eyJhbGciOi", "shpat_0123456789"]) expect(text).not.toContain(secret);
    // Ids stay: they are how operators find things.
    expect(line).toMatchObject({ shop: "redact.myshopify.com", customerId: "7012345678901", email: "[redacted]", customer: "[redacted]" });
  });
});
