import { mkdirSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { BROWSER_UA, launchBrowser, startDemo, type RunningDemo } from "./support";

const shots = path.resolve(import.meta.dirname, "..", "..", "test-results");
const VISITOR = "e2e-ethics-visitor-01";

type Recommendations = { personal: boolean; items: unknown[]; strategy: string };

describe("Ethics & privacy settings, changed in a real browser, change the storefront", () => {
  let demo: RunningDemo;
  let browser: Browser;
  let standin: string;
  let customerId: string;

  const readDb = <T,>(sql: string, ...args: unknown[]): T[] => {
    const db = new Database(demo.dbPath, { readonly: true, fileMustExist: true });
    try {
      return db.prepare(sql).all(...args) as T[];
    } finally {
      db.close();
    }
  };

  const recommendations = async (customer = customerId): Promise<Recommendations> => {
    const url = `${standin}/apps/shopkeeper/recommendations?surface=product&strategy=for_you&consent=granted&visitor=${VISITOR}&customer=${customer}&limit=4`;
    const response = await fetch(url, { headers: { "User-Agent": BROWSER_UA } });
    expect(response.status).toBe(200);
    return (await response.json()) as Recommendations;
  };

  const privacyPage = async () => (await (await fetch(`${standin}/apps/shopkeeper/privacy?customer=${customerId}`, { headers: { "User-Agent": BROWSER_UA } })).text());

  beforeAll(async () => {
    demo = await startDemo({ orders: 600, port: 3530, standinPort: 4530 });
    standin = new URL(demo.adminUrl).origin;
    browser = await launchBrowser();
    mkdirSync(shots, { recursive: true });
    // The backfill runs in the worker; wait until customers with orders have arrived.
    const deadline = Date.now() + 180_000;
    let candidates: { id: string }[] = [];
    for (;;) {
      candidates = readDb<{ id: string }>("SELECT id FROM Customer WHERE numberOfOrders >= 1 ORDER BY numberOfOrders DESC, id LIMIT 10");
      if (candidates.length >= 10 || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 2_000));
    }
    expect(candidates.length, demo.output().slice(-2000)).toBeGreaterThan(0);
    // The demo does not compute recommendations, so each candidate gets a stored personal list; a
    // customer the default experiment puts in its holdout still gets non-personal picks, so the
    // first customer who is actually served the personal list is used.
    const db = new Database(demo.dbPath, { timeout: 10_000 });
    try {
      const version = (db.prepare("SELECT liveRecVersion AS v FROM Shop").get() as { v: number }).v;
      const products = db.prepare("SELECT id FROM Product WHERE status = 'ACTIVE' AND published = 1 AND deletedAt IS NULL ORDER BY id LIMIT 4").all() as { id: string }[];
      const items = JSON.stringify(products.map((p, i) => ({ productId: p.id, score: 1 - i / 10, reason: "Because of your orders", source: "personal" })));
      const insert = db.prepare("INSERT OR REPLACE INTO RecList (shop, version, kind, subjectId, items) VALUES (?, ?, 'personal', ?, ?)");
      for (const c of candidates) insert.run("shopkeeper-demo.myshopify.com", version, c.id, items);
    } finally {
      db.close();
    }
    for (const c of candidates) {
      if ((await recommendations(c.id)).personal) {
        customerId = c.id;
        break;
      }
    }
    expect(customerId, "no candidate customer was served personal recommendations").toBeDefined();
  }, 420_000);

  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
  });

  it("turns personalisation off from /app/ethics, and the proxy, privacy page and blocks follow", async () => {
    const before = await recommendations();
    expect(before.personal).toBe(true);
    expect(await privacyPage()).toContain("We only personalise recommendations if you agree to it");

    const page = await browser.newPage({ userAgent: BROWSER_UA, viewport: { width: 1280, height: 1000 } });
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(`${demo.adminUrl.replace(/&path=[^&]*/, "")}&path=${encodeURIComponent("/app/ethics")}`);
    await page.getByRole("heading", { name: "Ethics & privacy" }).first().waitFor({ timeout: 60_000 });
    expect(await page.locator("body").innerText()).toContain("Protected attributes are never used");

    // An invalid value is refused with a message next to the field, and nothing is saved.
    const retention = page.getByLabel("Days to keep browsing events");
    await retention.fill("0");
    await page.getByRole("button", { name: "Save settings" }).click();
    await page.getByText("Fix 1 setting before saving").waitFor({ timeout: 30_000 });
    expect(await page.getByText("Days to keep browsing events must be at least 1.").count()).toBeGreaterThan(0);
    expect(readDb("SELECT id FROM AuditLog WHERE action = 'settings.update'")).toHaveLength(0);

    await retention.fill("60");
    const killSwitch = page.getByLabel("Personalisation is on");
    expect(await killSwitch.isChecked()).toBe(true);
    await killSwitch.uncheck({ force: true });
    await page.getByRole("button", { name: "Save settings" }).click();
    await page.getByText("Settings saved.").waitFor({ timeout: 30_000 });
    await page.screenshot({ path: path.join(shots, "ethics-settings.png"), fullPage: true });

    const audits = readDb<{ actor: string; before: string; after: string }>("SELECT actor, before, after FROM AuditLog WHERE action = 'settings.update'");
    expect(audits).toHaveLength(1);
    expect(JSON.parse(audits[0].before)).toMatchObject({ personalisationEnabled: true, eventRetentionDays: 90 });
    expect(JSON.parse(audits[0].after)).toMatchObject({ personalisationEnabled: false, eventRetentionDays: 60 });
    // The audit log on the page shows the change after the reload that follows the save.
    await page.reload();
    await page.getByRole("heading", { name: "Ethics & privacy" }).first().waitFor({ timeout: 60_000 });
    expect(await page.getByLabel("Personalisation is on").isChecked()).toBe(false);
    expect(await page.locator("body").innerText()).toContain("personalisationEnabled: true → false");
    expect(errors).toEqual([]);
    await page.close();

    // The storefront: the proxy stops personalising at once, whatever the shopper's consent.
    const after = await recommendations();
    expect(after.personal).toBe(false);
    expect(after.strategy).toBe(before.strategy);
    expect(await privacyPage()).toContain("This shop does not personalise recommendations at the moment.");

    // The blocks on the storefront preview request recommendations and get non-personal ones.
    const shopper = await browser.newPage({ userAgent: BROWSER_UA });
    const replies: Recommendations[] = [];
    shopper.on("response", (response) => {
      if (response.url().includes("/apps/shopkeeper/recommendations") && response.status() === 200) {
        void response.json().then((body: Recommendations) => replies.push(body)).catch(() => {});
      }
    });
    await shopper.goto(`${demo.storefrontUrl}?consent=granted&customer=${customerId}`);
    const deadline = Date.now() + 30_000;
    while (replies.length === 0 && Date.now() < deadline) await shopper.waitForTimeout(250);
    expect(replies.length).toBeGreaterThan(0);
    expect(replies.every((r) => r.personal === false)).toBe(true);
    await shopper.close();
    console.info(`[ethics e2e] customer ${customerId}: personal before=${before.personal}, after=${after.personal}; ${replies.length} block replies, all non-personal`);
  }, 300_000);

  it("runs the fairness report on demand from impressions sent through the storefront, and draws its charts", async () => {
    const products = readDb<{ id: string }>("SELECT id FROM Product WHERE status = 'ACTIVE' AND deletedAt IS NULL ORDER BY id LIMIT 6");
    // Two shoppers' lists, sent as the blocks send them: product pages, granted consent.
    for (const [visitor, ids] of [["e2e-fair-visitor-a", products.slice(0, 4)], ["e2e-fair-visitor-b", products.slice(2, 6)]] as const) {
      const response = await fetch(`${standin}/apps/shopkeeper/events`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "User-Agent": BROWSER_UA },
        body: JSON.stringify({ visitor, consent: "granted", events: ids.map((p) => ({ type: "impression", surface: "product", strategy: "bestsellers", product_id: p.id })) }),
      });
      expect(response.status, await response.clone().text()).toBeLessThan(300);
    }
    const stored = readDb<{ n: number }>("SELECT COUNT(*) AS n FROM Event WHERE type = 'impression' AND visitorId LIKE 'e2e-fair-%'")[0].n;
    expect(stored).toBe(8);
    const impressions = readDb<{ n: number }>("SELECT COUNT(*) AS n FROM Event WHERE type = 'impression' AND productId IS NOT NULL")[0].n;

    const page = await browser.newPage({ userAgent: BROWSER_UA, viewport: { width: 1280, height: 1000 } });
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(`${demo.adminUrl.replace(/&path=[^&]*/, "")}&path=${encodeURIComponent("/app/ethics")}`);
    await page.getByRole("heading", { name: "Ethics & privacy" }).first().waitFor({ timeout: 60_000 });
    await page.getByRole("button", { name: "Run report now" }).click();
    await page.getByText("Catalogue coverage").waitFor({ timeout: 60_000 });
    const text = await page.locator("body").innerText();
    expect(text).toContain(`${impressions.toLocaleString("en-US")} impressions to`);
    // The bar chart is drawn in the browser only, after hydration.
    await page.getByText("Impressions by vendor (top 10)").waitFor();
    await page.locator("svg[role='img'], svg").first().waitFor();
    expect(await page.locator("text=Loading charts…").count()).toBe(0);
    await page.screenshot({ path: path.join(shots, "ethics-fairness.png"), fullPage: true });
    expect(readDb("SELECT id FROM FairnessReport")).toHaveLength(1);
    expect(errors).toEqual([]);
    await page.close();
  }, 300_000);

  it("approves a pending rule with a roll-out and rejects a pending segment strategy from the approval queue", async () => {
    const iso = new Date().toISOString().replace("Z", "+00:00");
    const db = new Database(demo.dbPath, { timeout: 10_000 });
    try {
      db.prepare(
        "INSERT INTO MerchRule (id, shop, action, targetType, targetValue, position, status, rolloutPct, createdBy, createdAt, updatedAt) VALUES ('e2e-rule-1', 'shopkeeper-demo.myshopify.com', 'pin', 'product', '12345', 1, 'pending', 100, 'ann@example.com', ?, ?)",
      ).run(iso, iso);
      db.prepare(
        "INSERT INTO Segment (id, shop, handle, name, kind, rule, strategy, strategyStatus, createdAt, updatedAt) VALUES ('e2e-seg-1', 'shopkeeper-demo.myshopify.com', 'e2e-vip', 'E2E VIP', 'custom', 'orders >= 3', 'buy_again', 'pending', ?, ?)",
      ).run(iso, iso);
    } finally {
      db.close();
    }
    const page = await browser.newPage({ userAgent: BROWSER_UA, viewport: { width: 1280, height: 1000 } });
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(`${demo.adminUrl.replace(/&path=[^&]*/, "")}&path=${encodeURIComponent("/app/ethics")}`);
    await page.getByText("Rule: Pin product “12345” at position 1 on all pages").waitFor({ timeout: 60_000 });
    await page.getByText("Strategy: show “buy_again” to the E2E VIP segment").waitFor();
    await page.getByLabel("Roll out to % of shoppers").fill("25");
    await page.getByRole("button", { name: "Approve" }).first().click();
    await page.getByText("Rule: Pin product").waitFor({ state: "detached", timeout: 30_000 });
    await page.getByRole("button", { name: "Reject" }).first().click();
    await page.getByText("Nothing is waiting for approval.").waitFor({ timeout: 30_000 });

    const [rule] = readDb<{ status: string; rolloutPct: number; approvedBy: string }>("SELECT status, rolloutPct, approvedBy FROM MerchRule WHERE id = 'e2e-rule-1'");
    expect(rule).toMatchObject({ status: "approved", rolloutPct: 25 });
    expect(rule.approvedBy).toMatch(/^user:\d+$/);
    expect(readDb("SELECT strategyStatus FROM Segment WHERE id = 'e2e-seg-1'")).toEqual([{ strategyStatus: "rejected" }]);
    expect(readDb<{ action: string }>("SELECT action FROM AuditLog WHERE entityId IN ('e2e-rule-1', 'e2e-seg-1') ORDER BY at").map((r) => r.action)).toEqual(["rule.approve", "strategy.reject"]);
    expect(await page.locator("body").innerText()).toContain("rule.approve");
    expect(errors).toEqual([]);
    await page.close();
  }, 300_000);
});
