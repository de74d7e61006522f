import { readFileSync } from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { gzipSync } from "node:zlib";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDb } from "../support/context";
import { API_SECRET_KEY, RequestType, adminRequest, storeOfflineSession } from "../support/shopify";
import { signProxyQuery } from "../standin/proxy-signature";
import { importOrderExport, OrderImportFileError } from "~/services/order-import.server";
import { loader as recommendationsLoader } from "~/routes/proxy.recommendations";
import { action as eventsAction } from "~/routes/proxy.events";
import { action as notInterestedAction } from "~/routes/proxy.not-interested";
import { action as ethicsAction } from "~/routes/app.ethics";
import { action as rulesAction } from "~/routes/app.recommendations";
import { action as newExperimentAction } from "~/routes/app.experiments.new";
import { clearStorefrontCaches, closeStorefrontRedis } from "~/services/storefront.server";
import { settle } from "../support/responses";

const SHOP = "fuzz-shop.myshopify.com";
const EXPORT = path.resolve(import.meta.dirname, "../../../shared/data/online_retail_orders_export_first200.csv");

const sign = (routePath: string, params: [string, string][]) => {
  const query = new URLSearchParams(params.filter(([k]) => !["shop", "timestamp", "signature", "path_prefix"].includes(k)));
  query.set("shop", SHOP);
  query.set("path_prefix", "/apps/shopkeeper");
  query.set("timestamp", String(Math.floor(Date.now() / 1000)));
  query.set("signature", signProxyQuery(query, API_SECRET_KEY));
  return `https://shopkeeper.test${routePath}?${query}`;
};

/** A 4xx must carry a JSON body that says what is wrong. */
async function expectClear4xx(response: Response) {
  expect(response.status, "never a 5xx").toBeLessThan(500);
  if (response.status >= 400) {
    const body = await response.json();
    expect(typeof (body.error ?? body.message ?? body.errors), JSON.stringify(body)).not.toBe("undefined");
  }
}

beforeAll(async () => {
  await storeOfflineSession(SHOP);
  const at = new Date("2025-01-01T00:00:00Z");
  await testDb().prisma.shop.create({ data: { domain: SHOP, settings: {}, liveRecVersion: 1 } });
  await testDb().prisma.product.create({ data: { shop: SHOP, id: "101", handle: "p-101", title: "P 101", createdAt: at, updatedAt: at, variants: { create: { id: "201", updatedAt: at } } } });
});
afterAll(() => closeStorefrontRedis());

describe(`proxy query parameters under fuzzing (${testDb().flavour})`, () => {
  const KEYS = ["surface", "strategy", "limit", "product_id", "cart", "visitor", "consent", "optout", "logged_in_customer_id", "x", "surface[]", ""];
  const VALUES = fc.oneof(
    fc.constantFrom("home", "product", "cart", "for_you", "bought_together", "granted", "denied", "1", "0", "-1", "24", "25", "999999999999", "101", "101,101,,", "visitor-abcdef12", ""),
    fc.string({ maxLength: 30 }),
    fc.string({ unit: "binary", maxLength: 20 }),
    fc.constantFrom("x".repeat(3000), Array.from({ length: 80 }, (_, i) => String(i)).join(",")),
  );
  const randomParams = fc.array(fc.tuple(fc.oneof(fc.constantFrom(...KEYS), fc.string({ maxLength: 8 })), VALUES), { maxLength: 8 });
  // Half the runs start from a valid surface so the random rest reaches past the first check.
  const params = fc.tuple(fc.boolean(), randomParams).map(([valid, rest]) => (valid ? [["surface", "home"] as [string, string], ...rest] : rest));

  it("GET recommendations with random parameters (150 runs): 200/304 or a 4xx JSON error, never a 5xx or a throw", async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(params, async (p) => {
        clearStorefrontCaches();
        const response = await settle(recommendationsLoader({ request: new Request(sign("/proxy/recommendations", p)), params: {}, context: {} }));
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        await expectClear4xx(response);
      }),
      { numRuns: 150 },
    );
    // Both answers occurred, so the generator reached past validation and into it.
    expect(statuses.get(200) ?? 0).toBeGreaterThan(0);
    expect(statuses.get(400) ?? 0).toBeGreaterThan(0);
  });

  it("POST events and not-interested with random JSON bodies (2 × 100 runs): 2xx or a 4xx JSON error, never a 5xx", async () => {
    const event = fc.record({ type: fc.oneof(fc.constantFrom("impression", "click", "add_to_cart"), fc.string()), surface: fc.oneof(fc.constantFrom("home", "product"), fc.anything()), product_id: fc.oneof(fc.constant("101"), fc.anything()), at: fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), fc.string()) }, { requiredKeys: [] });
    const validEvent = fc.record({ type: fc.constantFrom("impression", "click", "add_to_cart"), surface: fc.constantFrom("home", "product"), product_id: fc.constant("101") });
    const body = fc.oneof(
      fc.record({ visitor: fc.constant("visitor-fuzz-001"), consent: fc.constantFrom("granted", "denied", "unknown"), events: fc.array(validEvent, { minLength: 1, maxLength: 5 }), product_id: fc.constant("101") }).map((v) => JSON.stringify(v)),
      fc.record({ visitor: fc.oneof(fc.constant("visitor-fuzz-001"), fc.string()), consent: fc.oneof(fc.constantFrom("granted", "denied"), fc.anything()), events: fc.oneof(fc.array(event, { maxLength: 60 }), fc.anything()), product_id: fc.oneof(fc.constant("101"), fc.anything()) }, { requiredKeys: [] }).map((v) => JSON.stringify(v)),
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc.string({ maxLength: 200 }),
    );
    for (const action of [eventsAction, notInterestedAction]) {
      let ok = 0;
      const seen: number[] = [];
      await fc.assert(
        fc.asyncProperty(body, fc.integer({ min: 1000, max: 9999 }), async (text, n) => {
          const url = sign("/proxy/events", [["visitor", `visitor-fuzz-${n}`]]);
          const response = await settle(action({ request: new Request(url, { method: "POST", body: text, headers: { "Content-Type": "text/plain" } }), params: {}, context: {} }));
          seen.push(response.status);
          if (response.status < 300) ok += 1;
          if (response.status !== 429) await expectClear4xx(response);
        }),
        { numRuns: 100 },
      );
      expect(ok, `statuses ${seen.join(",")}`).toBeGreaterThan(0);
    }
  });
});

describe(`order-export CSV importer under fuzzing (${testDb().flavour})`, () => {
  const text = readFileSync(EXPORT, "utf8");
  const lines = text.split("\n");
  const header = lines[0];
  const rows = lines.slice(1, 40);

  const file = fc.oneof(
    // Valid rows with damage: cut rows, dropped or garbled cells, huge fields.
    fc.record({
      keep: fc.integer({ min: 0, max: rows.length }),
      damage: fc.array(fc.record({ row: fc.nat(), kind: fc.constantFrom("truncate", "garble", "huge", "blank", "quote"), at: fc.nat(), bytes: fc.string({ unit: "binary", maxLength: 6 }) }), { maxLength: 6 }),
      header: fc.constantFrom(header, header.replace("Name", "Nom"), header.replace("Lineitem quantity,", ""), header.toUpperCase(), `\uFEFF${header}`, ""),
    }).map(({ keep, damage, header: h }) => {
      const body = rows.slice(0, keep);
      for (const d of damage) {
        if (body.length === 0) break;
        const i = d.row % body.length;
        const row = body[i];
        const at = d.at % (row.length + 1);
        if (d.kind === "truncate") body[i] = row.slice(0, at);
        else if (d.kind === "garble") body[i] = row.slice(0, at) + d.bytes + row.slice(at);
        else if (d.kind === "huge") body[i] = `${row.slice(0, at)}${"Z".repeat(200_000)}${row.slice(at)}`;
        else if (d.kind === "blank") body[i] = row.split(",").map((c, j) => (j === d.at % 20 ? "" : c)).join(",");
        else body[i] = row.slice(0, at) + '"' + row.slice(at);
      }
      return Buffer.from([h, ...body].join("\n"), "utf8");
    }),
    // Random bytes, bad encodings and broken gzip.
    fc.uint8Array({ maxLength: 2000 }).map((b) => Buffer.from(b)),
    fc.constantFrom(
      Buffer.from(`${header}\n${rows.slice(0, 5).join("\n")}`, "latin1"),
      Buffer.concat([Buffer.from(header), Buffer.from([0x0a, 0xff, 0xfe, 0xc3, 0x28, 0x2c])]),
      Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x01, 0x02]),
      gzipSync(Buffer.from(`${header}\n${rows.slice(0, 3).join("\n")}`)).subarray(0, 60),
    ),
  );

  it("random, truncated, re-headed, oversized and mis-encoded files (60 runs): a summary or a clear file error, never a crash, and the database holds exactly what the run reports", async () => {
    let run = 0;
    const outcomes = { imported: 0, rowErrors: 0, fileErrors: 0 };
    await fc.assert(
      fc.asyncProperty(file, async (bytes) => {
        const shop = `csv-fuzz-${run++}.myshopify.com`;
        const prisma = testDb().prisma;
        let reported: { ordersImported: number; linesImported: number };
        try {
          const summary = await importOrderExport({ shop, input: Readable.from([bytes]) });
          for (const error of summary.errors) {
            expect(error.line).toBeGreaterThanOrEqual(2);
            expect(error.message.length).toBeGreaterThan(0);
          }
          expect(summary.errorCount).toBeGreaterThanOrEqual(summary.errors.length);
          reported = summary;
          if (summary.ordersImported > 0) outcomes.imported += 1;
          if (summary.errorCount > 0) outcomes.rowErrors += 1;
        } catch (error) {
          expect(error, String(error)).toBeInstanceOf(OrderImportFileError);
          const fileError = error as OrderImportFileError;
          expect(fileError.message.length).toBeGreaterThan(0);
          // A malformed CSV names where it broke; a bad header lists the missing columns on line 1.
          if (fileError.message.startsWith("import stopped")) expect(fileError.message).toMatch(/line \d+|gzip data is damaged/i);
          for (const e of fileError.errors) expect(e.line).toBeGreaterThanOrEqual(1);
          outcomes.fileErrors += 1;
          const runRow = await prisma.syncRun.findFirstOrThrow({ where: { shop, kind: "csv-import" } });
          expect(runRow.status).toBe("failed");
          const counts = runRow.counts as { ordersImported: number; linesImported: number };
          reported = counts;
        }
        // Nothing written that the run did not report: every saved order is whole.
        expect(await prisma.order.count({ where: { shop } })).toBe(reported.ordersImported);
        expect(await prisma.orderLine.count({ where: { shop } })).toBe(reported.linesImported);
      }),
      { numRuns: 60 },
    );
    expect(outcomes.imported).toBeGreaterThan(0);
    expect(outcomes.fileErrors).toBeGreaterThan(0);
  }, 60_000);
});

describe(`settings forms under fuzzing (${testDb().flavour})`, () => {
  const post = async (action: (a: never) => Promise<unknown>, routePath: string, form: URLSearchParams) =>
    settle(action({ request: await adminRequest(SHOP, routePath, { method: "POST", body: form }, undefined, RequestType.Bearer), params: {}, context: {} } as never));

  async function state() {
    const p = testDb().prisma;
    const [shop, audit, rules, experiments] = await Promise.all([
      p.shop.findUniqueOrThrow({ where: { domain: SHOP } }),
      p.auditLog.count({ where: { shop: SHOP } }),
      p.merchRule.count({ where: { shop: SHOP } }),
      p.experiment.count({ where: { shop: SHOP } }),
    ]);
    return { settings: JSON.stringify(shop.settings), audit, rules, experiments };
  }

  const anyField = fc.oneof(fc.constantFrom("", " ", "0", "-1", "50", "100", "101", "1e9", "NaN", "true", "home", "product", "for_you", "pin", "tag", "vip"), fc.string({ maxLength: 20 }));

  it("ethics settings with random JSON (120 runs): saved with one audit entry, or 4xx field errors with nothing written", async () => {
    const keys = ["consentRequired", "personalisationEnabled", "sensitiveTags", "sensitiveCollections", "minimumEvidence", "eventRetentionDays", "maxPersonalOffersPerShopperPerWeek", "surfaces", "diversity", "discoverySlots", "attributionWindowDays", "unknownKey"];
    const settings = fc.oneof(
      fc.dictionary(fc.constantFrom(...keys), fc.oneof(fc.jsonValue(), anyField)).map((v) => JSON.stringify(v)),
      fc.string({ maxLength: 40 }),
    );
    let saved = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(settings, async (json) => {
        const before = await state();
        const response = await post(ethicsAction, "/app/ethics", new URLSearchParams({ intent: "save-settings", settings: json }));
        expect(response.status).toBeLessThan(500);
        const body = await response.json();
        const after = await state();
        if (response.status === 200) {
          expect(body.saved).toBe(true);
          expect(after.audit).toBe(before.audit + 1);
          saved += 1;
        } else {
          expect([400, 422]).toContain(response.status);
          expect(Object.keys(body.errors).length).toBeGreaterThan(0);
          for (const message of Object.values(body.errors)) expect(String(message).length).toBeGreaterThan(0);
          expect(after).toEqual(before);
          refused += 1;
        }
      }),
      { numRuns: 120 },
    );
    expect(saved).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
  });

  it("merchandising rules and new experiments with random fields (2 × 100 runs): one row saved, or field errors and no row", async () => {
    const ruleForm = fc.record({ action: anyField, targetType: anyField, targetValue: anyField, position: anyField, weight: anyField, surfaces: anyField });
    await fc.assert(
      fc.asyncProperty(ruleForm, fc.constantFrom("create-rule", "preview-rule"), async (fields, intent) => {
        const before = await state();
        const response = await post(rulesAction, "/app/recommendations", new URLSearchParams({ intent, productId: "101", ...fields }));
        expect(response.status).toBeLessThan(500);
        const body = await response.json();
        const after = await state();
        if (response.status >= 400) {
          expect(Object.keys(body.errors ?? {}).length).toBeGreaterThan(0);
          expect(after).toEqual(before);
        } else if (intent === "create-rule") expect(after.rules).toBe(before.rules + 1);
        else expect(after.rules).toBe(before.rules);
      }),
      { numRuns: 100 },
    );

    const experimentForm = fc.dictionary(fc.constantFrom("name", "surface", "holdoutPct", "rolloutPct", "baselineRate", "minimumDetectableEffect", "arms", "strategy", "weight", "intent"), anyField);
    await fc.assert(
      fc.asyncProperty(experimentForm, async (fields) => {
        const before = await state();
        const response = await post(newExperimentAction, "/app/experiments/new", new URLSearchParams(fields));
        expect(response.status).toBeLessThan(500);
        const after = await state();
        if (response.status === 302) {
          expect(after.experiments).toBe(before.experiments + 1);
        } else {
          if (response.status >= 400) expect(Object.keys((await response.json()).errors ?? {}).length).toBeGreaterThan(0);
          expect(after.experiments).toBe(before.experiments);
        }
      }),
      { numRuns: 100 },
    );
  });
});
