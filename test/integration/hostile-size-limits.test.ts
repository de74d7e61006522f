import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { testDb } from "../support/context";
import { RequestType, adminRequest, proxyRequest, storeOfflineSession, webhookRequest } from "../support/shopify";
import { BODY_LIMITS } from "~/services/body-limit.server";
import { action as ordersCreate } from "~/routes/webhooks.orders.create";
import { action as eventsAction } from "~/routes/proxy.events";
import { action as privacyAction } from "~/routes/proxy.privacy";
import { action as ethicsAction } from "~/routes/app.ethics";
import { action as importAction } from "~/routes/app.data.import";
import { settle } from "../support/responses";

const SHOP = "limits-shop.myshopify.com";
const encoder = new TextEncoder();
// Request copies and stream pipes may pull a couple of 64 KB chunks ahead of the reader.
const PLUMBING_READ_AHEAD = 2 * 64 * 1024;

/** A chunked body with no Content-Length: `head`, then `size` filler bytes, then `tail`, produced lazily. */
function chunkedBody(size: number, { head = "", tail = "", fill = 0x61 }: { head?: string; tail?: string; fill?: number } = {}) {
  const chunk = new Uint8Array(64 * 1024).fill(fill);
  let sent = 0;
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      if (head) controller.enqueue(encoder.encode(head));
    },
    pull(controller) {
      if (sent >= size) {
        if (tail) controller.enqueue(encoder.encode(tail));
        controller.close();
        return;
      }
      const n = Math.min(chunk.length, size - sent);
      sent += n;
      controller.enqueue(n === chunk.length ? chunk : chunk.slice(0, n));
    },
  });
  return { stream, sentBytes: () => sent };
}

async function counts() {
  const prisma = testDb().prisma;
  const [deliveries, events, preferences, audit, orders, runs] = await Promise.all([
    prisma.webhookDelivery.count(),
    prisma.event.count(),
    prisma.shopperPreference.count(),
    prisma.auditLog.count(),
    prisma.order.count(),
    prisma.syncRun.count(),
  ]);
  return { deliveries, events, preferences, audit, orders, runs };
}

function proxyPost(path: string, body: BodyInit, headers: Record<string, string>) {
  return proxyRequest(SHOP, path, undefined, { method: "POST", body, headers, duplex: "half" } as RequestInit);
}

describe(`request size limits answer 413 (${testDb().flavour})`, () => {
  beforeAll(async () => {
    await storeOfflineSession(SHOP);
    await testDb().prisma.shop.create({ data: { domain: SHOP, settings: {} } });
  });

  it(`webhooks: a body over ${BODY_LIMITS.webhook} bytes is refused declared (before reading it) or chunked; one just under is recorded (1 row)`, async () => {
    const before = await counts();
    const signed = webhookRequest(SHOP, "orders/create", { id: 1 });
    const send = (body: ReadableStream<Uint8Array>, length?: number) => {
      const headers = new Headers(signed.headers);
      if (length !== undefined) headers.set("content-length", String(length));
      return settle(ordersCreate({ request: new Request(signed.url, { method: "POST", headers, body, duplex: "half" } as RequestInit), params: {}, context: {} }));
    };
    const declaredBody = chunkedBody(4 * 1024 * 1024, { head: '{"id":1,"note":"' });
    const declared = await send(declaredBody.stream, BODY_LIMITS.webhook + 1);
    expect(declared.status).toBe(413);
    expect((await declared.json()).error).toBe("The request body is larger than 2 MB.");
    expect(declaredBody.sentBytes()).toBeLessThanOrEqual(PLUMBING_READ_AHEAD);

    // Streamed without Content-Length: refused after reading just past the limit, before the HMAC is checked.
    const streamed = chunkedBody(BODY_LIMITS.webhook * 4, { head: '{"id":1,"note":"' });
    expect((await send(streamed.stream)).status).toBe(413);
    expect(streamed.sentBytes()).toBeLessThan(BODY_LIMITS.webhook + 256 * 1024);
    expect(await counts()).toEqual(before);

    const near = JSON.stringify({ id: 2, note: "y".repeat(BODY_LIMITS.webhook - 100) });
    const ok = await settle(ordersCreate({ request: webhookRequest(SHOP, "orders/create", null, { body: near, eventId: "ev-near-limit" }), params: {}, context: {} }));
    expect(ok.status).toBe(200);
    expect(await testDb().prisma.webhookDelivery.count({ where: { shop: SHOP, eventId: "ev-near-limit" } })).toBe(1);
  });

  it(`proxy POSTs: events and privacy bodies over ${BODY_LIMITS.proxy} bytes get 413 declared or chunked, and write nothing`, async () => {
    const before = await counts();
    const json = { "Content-Type": "text/plain" };
    const form = { "Content-Type": "application/x-www-form-urlencoded" };
    const declaredEvents = chunkedBody(4 * 1024 * 1024, { head: "{" });
    const declared = await settle(eventsAction({ request: await proxyPost("/proxy/events", declaredEvents.stream, { ...json, "Content-Length": String(BODY_LIMITS.proxy + 1) }), params: {}, context: {} }));
    expect(declared.status).toBe(413);
    expect(declaredEvents.sentBytes()).toBeLessThanOrEqual(PLUMBING_READ_AHEAD);
    const streamed = chunkedBody(1024 * 1024, { head: '{"consent":"granted","events":[{"type":"click","surface":"home"}],"pad":"' });
    const chunked = await settle(eventsAction({ request: await proxyPost("/proxy/events", streamed.stream, json), params: {}, context: {} }));
    expect(chunked.status).toBe(413);
    expect(streamed.sentBytes()).toBeLessThanOrEqual(BODY_LIMITS.proxy + PLUMBING_READ_AHEAD);

    const declaredPrivacy = chunkedBody(4 * 1024 * 1024, { head: "choice=off&pad=" });
    const privacy = await settle(privacyAction({ request: await proxyPost("/proxy/privacy", declaredPrivacy.stream, { ...form, "Content-Length": String(BODY_LIMITS.proxy + 1) }), params: {}, context: {} }));
    expect(privacy.status).toBe(413);
    expect((await privacy.json()).error).toBe("The request body is larger than 16 KB.");
    expect(declaredPrivacy.sentBytes()).toBeLessThanOrEqual(PLUMBING_READ_AHEAD);
    const privacyStream = chunkedBody(1024 * 1024, { head: "choice=off&pad=" });
    const privacyChunked = await settle(privacyAction({ request: await proxyPost("/proxy/privacy", privacyStream.stream, form), params: {}, context: {} }));
    expect(privacyChunked.status).toBe(413);
    expect(privacyStream.sentBytes()).toBeLessThanOrEqual(BODY_LIMITS.proxy + PLUMBING_READ_AHEAD);
    expect(await counts()).toEqual(before);

    // Within the limit the same route still works.
    const small = await settle(privacyAction({ request: await proxyPost("/proxy/privacy", "choice=off", form), params: {}, context: {} }));
    expect(small.status).toBe(303);
  });

  it(`admin forms: a form over ${BODY_LIMITS.adminForm} bytes gets 413, declared or chunked, and changes no settings`, async () => {
    const before = await counts();
    const settingsBefore = (await testDb().prisma.shop.findUniqueOrThrow({ where: { domain: SHOP } })).settings;
    const post = (body: ReadableStream<Uint8Array>, length?: number) => {
      const headers: Record<string, string> = { "Content-Type": "application/x-www-form-urlencoded" };
      if (length !== undefined) headers["Content-Length"] = String(length);
      const init = { method: "POST", body, headers, duplex: "half" } as RequestInit;
      return adminRequest(SHOP, "/app/ethics", init, undefined, RequestType.Bearer).then((request) => settle(ethicsAction({ request, params: {}, context: {} })));
    };
    const declaredBody = chunkedBody(4 * 1024 * 1024, { head: "intent=save-settings&settings=" });
    const declared = await post(declaredBody.stream, BODY_LIMITS.adminForm + 1);
    expect(declared.status).toBe(413);
    expect((await declared.json()).error).toBe("The request body is larger than 256 KB.");
    expect(declaredBody.sentBytes()).toBeLessThanOrEqual(PLUMBING_READ_AHEAD);
    const streamed = chunkedBody(BODY_LIMITS.adminForm * 4, { head: "intent=save-settings&settings=" });
    expect((await post(streamed.stream)).status).toBe(413);
    expect(streamed.sentBytes()).toBeLessThan(BODY_LIMITS.adminForm * 4);
    expect(await counts()).toEqual(before);
    expect((await testDb().prisma.shop.findUniqueOrThrow({ where: { domain: SHOP } })).settings).toEqual(settingsBefore);
  });

  it(`CSV upload: a chunked multipart body over ${BODY_LIMITS.upload} bytes of non-file parts gets 413, leaves no temp file, imports nothing`, async () => {
    const before = await counts();
    const privateTmp = mkdtempSync(path.join(tmpdir(), "sk-limits-"));
    const savedTmp = process.env.TMPDIR;
    process.env.TMPDIR = privateTmp;
    try {
      // A small file part first (so a temp file is created), then one huge field the upload handler ignores:
      // only the whole-body limit can stop this one, since no single file part is too large.
      const head =
        '--XB\r\nContent-Disposition: form-data; name="file"; filename="orders.csv"\r\nContent-Type: text/csv\r\n\r\nName,Email\r\n#1,a@b.c\r\n' +
        '--XB\r\nContent-Disposition: form-data; name="junk"\r\n\r\n';
      const streamed = chunkedBody(BODY_LIMITS.upload + 2 * 1024 * 1024, { head, tail: "\r\n--XB--\r\n" });
      const init = { method: "POST", body: streamed.stream, headers: { "Content-Type": "multipart/form-data; boundary=XB" }, duplex: "half" } as RequestInit;
      const response = await settle(importAction({ request: await adminRequest(SHOP, "/app/data/import", init, undefined, RequestType.Bearer), params: {}, context: {} }));
      expect(response.status).toBe(413);
      expect((await response.json()).error).toMatch(/larger than 50 MB/);
      expect(streamed.sentBytes()).toBeLessThan(BODY_LIMITS.upload + 2 * 1024 * 1024);
      expect(readdirSync(privateTmp)).toEqual([]);

      // A declared Content-Length over the limit is refused before a byte is read.
      const lying = chunkedBody(4 * 1024 * 1024, { head });
      const declaredInit = { method: "POST", body: lying.stream, headers: { "Content-Type": "multipart/form-data; boundary=XB", "Content-Length": String(BODY_LIMITS.upload + 1) }, duplex: "half" } as RequestInit;
      const declared = await settle(importAction({ request: await adminRequest(SHOP, "/app/data/import", declaredInit, undefined, RequestType.Bearer), params: {}, context: {} }));
      expect(declared.status).toBe(413);
      expect(lying.sentBytes()).toBeLessThanOrEqual(PLUMBING_READ_AHEAD);
      expect(readdirSync(privateTmp)).toEqual([]);
    } finally {
      process.env.TMPDIR = savedTmp;
      rmSync(privateTmp, { recursive: true, force: true });
    }
    expect(await counts()).toEqual(before);
  });
});
