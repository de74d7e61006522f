import { afterAll, beforeAll, describe, expect, it } from "vitest";
import Database from "better-sqlite3";
import type { Browser, Page, Request as PwRequest } from "playwright-core";
import { createPrismaClient, setPrismaClient } from "~/db.server";
import { attributedRevenue } from "~/models/events.server";
import { BROWSER_UA, launchBrowser, startDemo, type RunningDemo } from "./support";

const ORDERS = 800;

/** Starts counting layout shifts before any script on the page runs. */
async function trackLayoutShift(page: Page) {
  await page.addInitScript(() => {
    const w = window as unknown as { __cls: number };
    w.__cls = 0;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries() as (PerformanceEntry & { value: number; hadRecentInput: boolean })[]) if (!entry.hadRecentInput) w.__cls += entry.value;
    }).observe({ type: "layout-shift", buffered: true });
  });
}

describe("storefront blocks against the real app proxy", () => {
  let demo: RunningDemo;
  let browser: Browser;
  let sqlite: Database.Database;
  let customerId: string;
  let productUrl: string;

  beforeAll(async () => {
    demo = await startDemo({ orders: ORDERS, port: 3520, standinPort: 4520 });
    browser = await launchBrowser();
    sqlite = new Database(demo.dbPath, { readonly: true, fileMustExist: true });
    // The worker backfills in the background; the blocks need products and order history.
    const deadline = Date.now() + 200_000;
    for (;;) {
      const orders = (sqlite.prepare(`SELECT COUNT(*) AS n FROM "Order"`).get() as { n: number }).n;
      const products = (sqlite.prepare(`SELECT COUNT(*) AS n FROM "Product"`).get() as { n: number }).n;
      if ((orders >= ORDERS && products > 0) || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 2_000));
    }
    customerId = (sqlite.prepare(`SELECT "customerId" AS id FROM "Order" WHERE "customerId" IS NOT NULL ORDER BY "customerId" LIMIT 1`).get() as { id: string }).id;
    productUrl = demo.storefrontUrl;
    setPrismaClient(createPrismaClient(`file:${demo.dbPath}`));
  }, 300_000);

  afterAll(async () => {
    sqlite?.close();
    await browser?.close();
    await demo?.stop();
  });

  it("consent granted: items appear without layout shift; click, add to cart and checkout give attributed revenue", async () => {
    const context = await browser.newContext({ userAgent: BROWSER_UA, viewport: { width: 1200, height: 900 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await trackLayoutShift(page);
    const started = new Date();
    await page.goto(`${productUrl}?consent=granted&customer=${customerId}`);
    const block = page.locator("[data-shopkeeper][data-sk-state=ready]").first();
    await block.waitFor({ timeout: 30_000 });
    const cards = block.locator("[data-sk-list] [data-pid]");
    expect(await cards.count()).toBeGreaterThan(0);
    await page.waitForTimeout(500);
    const cls = await page.evaluate(() => (window as unknown as { __cls: number }).__cls);
    expect(cls).toBeLessThan(0.01);
    // Every rendered card has a title, a price and a relative product link from the app.
    const first = cards.first();
    const pid = await first.getAttribute("data-pid");
    expect(await first.locator("[data-sk-title]").innerText()).not.toBe("");
    expect(await first.locator("[data-sk-link]").getAttribute("href")).toMatch(/^\/products\/[\w-]+$/);
    expect(await page.evaluate(() => localStorage.getItem("shopkeeper:visitor"))).toMatch(/^[\w-]{8,64}$/);

    // Click through: the click is remembered for cross-page attribution and sent as an event on pagehide.
    await Promise.all([page.waitForURL(/\/products\//), first.locator("[data-sk-link]").click()]);
    await page.locator("form[action='/cart/add'] button[type=submit]").waitFor();
    // The script loads deferred; a shopper who adds to cart before it runs is simply not attributed.
    await page.waitForFunction(() => "Shopkeeper" in window);
    await Promise.all([page.waitForURL(/\/storefront\/cart/), page.locator("form[action='/cart/add'] button[type=submit]").click()]);
    expect(await page.locator(".properties").innerText()).toMatch(/_shopkeeper: product\|[a-z_]+\|[a-z_-]+/);
    await Promise.all([page.waitForURL(/\/storefront\/checkout/), page.getByRole("button", { name: "Check out" }).click()]);
    const orderName = await page.locator("[data-order-name]").innerText();
    expect(errors).toEqual([]);

    // The orders/create webhook goes through the worker; wait for the attributed line, then for the window rule to credit it.
    const deadline = Date.now() + 90_000;
    let result = await attributedRevenue({ shop: "shopkeeper-demo.myshopify.com", from: started, to: new Date(Date.now() + 60_000) });
    while (result.creditedLines === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 1_000));
      result = await attributedRevenue({ shop: "shopkeeper-demo.myshopify.com", from: started, to: new Date(Date.now() + 60_000) });
    }
    const line = sqlite
      .prepare(`SELECT l."productId" AS productId, l."priceCents" AS price, l.quantity AS qty, l."recSurface" AS surface FROM "OrderLine" l JOIN "Order" o ON o.shop = l.shop AND o.id = l."orderId" WHERE o.name = ? AND l."recSurface" IS NOT NULL`)
      .get(orderName) as { productId: string; price: number; qty: number; surface: string } | undefined;
    expect(line?.productId).toBe(pid);
    expect(line?.surface).toBe("product");
    expect(result.creditedLines).toBe(1);
    expect(result.attributedCents).toBe(line!.price * line!.qty);
    const events = sqlite.prepare(`SELECT type, "customerId" AS customerId FROM "Event" WHERE "productId" = ? ORDER BY type`).all(pid) as { type: string; customerId: string }[];
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(["add_to_cart", "click"]));
    expect(events.every((e) => e.customerId === customerId)).toBe(true);
    await context.close();
  }, 240_000);

  it("consent denied: no request carries personal data or event identifiers", async () => {
    const context = await browser.newContext({ userAgent: BROWSER_UA, viewport: { width: 1200, height: 900 } });
    const page = await context.newPage();
    const requests: PwRequest[] = [];
    page.on("request", (r) => requests.push(r));
    await trackLayoutShift(page);
    await page.goto(`${productUrl}?consent=denied&customer=${customerId}`);
    const block = page.locator("[data-shopkeeper][data-sk-state=ready]").first();
    await block.waitFor({ timeout: 30_000 });
    expect(await page.evaluate(() => (window as unknown as { __cls: number }).__cls)).toBeLessThan(0.01);
    const first = block.locator("[data-sk-list] [data-pid]").first();
    await first.locator("[data-sk-hide]").click();
    await Promise.all([page.waitForURL(/\/products\//), block.locator("[data-sk-list] [data-pid]:not([data-sk-gone]) [data-sk-link]").first().click()]);
    await Promise.all([page.waitForURL(/\/storefront\/cart/), page.locator("form[action='/cart/add'] button[type=submit]").click()]);
    await page.waitForTimeout(500);

    const proxy = requests.filter((r) => new URL(r.url()).pathname.startsWith("/apps/shopkeeper/"));
    expect(proxy.some((r) => r.url().includes("/recommendations"))).toBe(true);
    for (const r of proxy) {
      const url = new URL(r.url());
      expect(url.searchParams.get("visitor"), r.url()).toBeNull();
      expect(url.searchParams.get("logged_in_customer_id"), r.url()).toBeNull();
      expect(url.searchParams.get("consent") ?? "denied", r.url()).toBe("denied");
      expect(url.pathname).not.toBe("/apps/shopkeeper/not-interested");
      if (url.pathname === "/apps/shopkeeper/events") {
        const body = JSON.parse(r.postData() ?? "{}") as { visitor?: string; events: Record<string, unknown>[] };
        expect(body.visitor).toBeUndefined();
        for (const e of body.events) expect(Object.keys(e).sort()).toEqual(["surface", "type"]);
      }
    }
    // Nothing identifying was sent anywhere else either: the cart add carries no attribution property.
    for (const r of requests) expect(r.postData() ?? "", r.url()).not.toContain("_shopkeeper");
    expect(await page.evaluate(() => localStorage.getItem("shopkeeper:visitor"))).toBeNull();
    await context.close();
  }, 120_000);

  it("privacy page: explains the settings and turns personalisation off for the account and the device", async () => {
    const context = await browser.newContext({ userAgent: BROWSER_UA, viewport: { width: 1200, height: 900 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    const origin = new URL(productUrl).origin;
    await page.goto(`${origin}/apps/shopkeeper/privacy?consent=granted&customer=${customerId}`);
    await page.getByRole("heading", { name: "How this shop personalises recommendations" }).waitFor();
    expect(await page.locator("body").innerText()).toContain("within 7 days of clicking it");
    await Promise.all([page.waitForURL(/saved=off/), page.getByRole("button", { name: "Turn personalisation off" }).click()]);
    expect(await page.locator("[data-sk-saved]").innerText()).toContain("personalisation off");
    expect(await page.evaluate(() => localStorage.getItem("shopkeeper:optout"))).toBe("1");
    const row = sqlite.prepare(`SELECT "personalisationOff" AS off FROM "ShopperPreference" WHERE "shopperKey" = ?`).get(`c:${customerId}`) as { off: number } | undefined;
    expect(row?.off).toBe(1);
    // The blocks now ask with optout=1 and get a non-personal answer.
    const recRequest = page.waitForRequest((r) => r.url().includes("/apps/shopkeeper/recommendations"));
    await page.goto(productUrl);
    const url = new URL((await recRequest).url());
    expect(url.searchParams.get("optout")).toBe("1");
    expect(url.searchParams.get("consent")).toBe("denied");
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);
});
