import { mkdirSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { BROWSER_UA, launchBrowser, startDemo, type RunningDemo } from "./support";

const ORDERS = 1_200;
const LIVE_ORDERS = 10;
const shots = path.resolve(import.meta.dirname, "..", "..", "test-results");

describe("npm run demo, seen in a real browser", () => {
  let demo: RunningDemo;
  let browser: Browser;

  beforeAll(async () => {
    demo = await startDemo({ orders: ORDERS, port: 3410, standinPort: 4410 });
    browser = await launchBrowser();
    mkdirSync(shots, { recursive: true });
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
  });

  it("prints the admin and storefront URLs", () => {
    expect(demo.adminUrl).toMatch(/^http:\/\/127\.0\.0\.1:4410\/admin\/frame\?shop=shopkeeper-demo\.myshopify\.com/);
    expect(demo.storefrontUrl).toMatch(/^http:\/\/127\.0\.0\.1:4410\/storefront\/products\//);
  });

  it("renders the Polaris dashboard from the admin frame URL with the backfilled counts", async () => {
    const page = await browser.newPage({ userAgent: BROWSER_UA, viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(demo.adminUrl);
    // The stand-in opens the embedded app top-level (see test/standin/server.ts, /admin/frame).
    const app = page;
    await app.getByRole("heading", { name: "Dashboard" }).first().waitFor({ timeout: 60_000 });

    // The backfill runs in the worker; reload until the orders figure reaches the loaded history.
    const deadline = Date.now() + 180_000;
    // The demo sends up to LIVE_ORDERS live orders as webhooks once the backfill is done.
    const ordersShown = (text: string) => Number(/(\d+)/.exec(text.replace(/,/g, ""))?.[1] ?? -1);
    let ordersText = "";
    for (;;) {
      ordersText = (await app.locator("text=Orders").first().locator("xpath=../..").innerText().catch(() => "")) ?? "";
      if (ordersShown(ordersText) >= ORDERS || Date.now() > deadline) break;
      await page.waitForTimeout(2_000);
      await page.reload();
      await app.getByRole("heading", { name: "Dashboard" }).first().waitFor({ timeout: 60_000 });
    }
    await page.screenshot({ path: path.join(shots, "demo-dashboard.png"), fullPage: true });
    const text = await app.locator("body").innerText();
    expect(text).toContain("Synced data for shopkeeper-demo.myshopify.com");
    expect(ordersShown(ordersText), ordersText).toBeGreaterThanOrEqual(ORDERS);
    expect(ordersShown(ordersText), ordersText).toBeLessThanOrEqual(ORDERS + LIVE_ORDERS);
    expect(text).toMatch(/Products\s+[1-9][\d,]*/);
    // The navigation the App Bridge shim renders from <ui-nav-menu>.
    for (const label of ["Segments", "Recommendations", "Experiments & ROI", "Ethics & privacy", "Data & sync"]) {
      expect(await page.getByText(label, { exact: true }).count(), label).toBeGreaterThan(0);
    }
    expect(errors).toEqual([]);
    await page.close();
  }, 300_000);
});
