import { mkdirSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { BROWSER_UA, launchBrowser, startDemo, type RunningDemo } from "./support";

const ORDERS = 800;
const SHOP = "shopkeeper-demo.myshopify.com";
const shots = path.resolve(import.meta.dirname, "..", "..", "test-results");
// The text the Prisma SQLite adapter writes for a DateTime, so the app's range queries match.
const sqliteDate = (at: Date) => at.toISOString().replace("Z", "+00:00");

/** Seeded storefront activity over the last 10 days: consented events in a 10% holdout and a treated arm, and the orders they led to. */
function seedActivity(dbPath: string) {
  const db = new Database(dbPath, { timeout: 15_000 });
  let state = 20_260_301;
  const rng = () => ((state = (state * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
  const now = Date.now();
  const insertEvent = db.prepare(
    "INSERT INTO Event (id, shop, type, visitorId, customerId, surface, strategy, arm, segmentId, productId, occurredAt) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
  );
  const insertOrder = db.prepare(
    "INSERT INTO \"Order\" (shop, id, name, customerId, createdAt, updatedAt, currency, subtotalCents, totalCents, totalRefundedCents, source, syncedAt) VALUES (?, ?, ?, ?, ?, ?, 'USD', ?, ?, 0, 'webhook', ?)",
  );
  const insertLine = db.prepare(
    "INSERT INTO OrderLine (shop, id, orderId, productId, title, quantity, refundedQuantity, priceCents, recSurface, recStrategy, recArm) VALUES (?, ?, ?, ?, ?, 1, 0, ?, ?, ?, ?)",
  );
  let orders = 0;
  db.transaction(() => {
    for (let i = 0; i < 1_500; i++) {
      const arm = rng() < 0.1 ? "holdout" : "treatment";
      const strategy = arm === "holdout" ? "bestsellers" : i % 2 === 0 ? "for_you" : "bought_together";
      const surface = i % 3 === 0 ? "cart" : "product";
      const customerId = `e2e-c${i}`;
      const at = new Date(now - (1 + Math.floor(rng() * 9)) * 86_400_000 - Math.floor(rng() * 3_600_000));
      const productId = `e2e-p${i % 30}`;
      insertEvent.run(`e2e-e${i}a`, SHOP, "impression", `e2e-v${i}`, customerId, surface, strategy, arm, i % 4 === 0 ? "vip" : null, productId, sqliteDate(at));
      const clicked = rng() < 0.25;
      if (clicked) insertEvent.run(`e2e-e${i}b`, SHOP, "click", `e2e-v${i}`, customerId, surface, strategy, arm, i % 4 === 0 ? "vip" : null, productId, sqliteDate(new Date(at.getTime() + 60_000)));
      if (rng() < (arm === "holdout" ? 0.05 : 0.09)) {
        const id = `e2e-o${i}`;
        const cents = 2_000 + Math.floor(rng() * 6_000);
        const placed = new Date(at.getTime() + 120_000);
        insertOrder.run(SHOP, id, `#E2E${i}`, customerId, sqliteDate(placed), sqliteDate(placed), cents, cents, sqliteDate(placed));
        insertLine.run(SHOP, `${id}-1`, id, productId, "Recommended item", cents, clicked ? surface : null, clicked ? strategy : null, clicked ? arm : null);
        orders++;
      }
    }
  })();
  db.close();
  return { orders };
}

function countOrders(dbPath: string): number {
  const db = new Database(dbPath, { readonly: true, timeout: 15_000 });
  try {
    return (db.prepare('SELECT COUNT(*) AS n FROM "Order" WHERE shop = ?').get(SHOP) as { n: number }).n;
  } finally {
    db.close();
  }
}

describe("dashboard with storefront activity, in a real browser", () => {
  let demo: RunningDemo;
  let browser: Browser;

  beforeAll(async () => {
    demo = await startDemo({ orders: ORDERS, port: 3540, standinPort: 4540 });
    browser = await launchBrowser();
    mkdirSync(shots, { recursive: true });
    // Seed once the backfill has loaded the history, so both writers don't contend.
    const deadline = Date.now() + 180_000;
    while (countOrders(demo.dbPath) < ORDERS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 2_000));
    // The whole history, plus any of the demo's live orders (up to 10) that arrived since the backfill ended.
    expect(countOrders(demo.dbPath)).toBeGreaterThanOrEqual(ORDERS);
    expect(countOrders(demo.dbPath)).toBeLessThanOrEqual(ORDERS + 10);
    const seeded = seedActivity(demo.dbPath);
    expect(seeded.orders).toBeGreaterThan(0);
  }, 400_000);

  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
  });

  it("shows an honest empty state, then incremental revenue and trend charts after the metrics rebuild", async () => {
    const page = await browser.newPage({ userAgent: BROWSER_UA, viewport: { width: 1280, height: 1000 } });
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(demo.adminUrl);
    await page.getByRole("heading", { name: "Dashboard" }).first().waitFor({ timeout: 60_000 });

    let text = await page.locator("body").innerText();
    expect(text).toContain(`Synced data for ${SHOP}`);
    // Nothing computed yet: the trends section explains why instead of drawing empty charts.
    expect(text).toContain("No recommendation activity in this range yet");
    expect(await page.locator("[data-chart] svg").count()).toBe(0);
    // The headline already comes from raw events and orders, with its interval.
    expect(text).toMatch(/Incremental revenue vs the holdout group\s+-?\$[\d,]+\.\d\d\s+95% CI -?\$[\d,]+\.\d\d to -?\$[\d,]+\.\d\d/);

    await page.getByRole("button", { name: "Recompute metrics for this range" }).click();
    await page.getByText("Queued; reload in a moment.").waitFor({ timeout: 30_000 });

    const deadline = Date.now() + 120_000;
    for (;;) {
      await page.reload();
      await page.getByRole("heading", { name: "Dashboard" }).first().waitFor({ timeout: 60_000 });
      if ((await page.locator("[data-chart] svg").count()) > 0 || Date.now() > deadline) break;
      await page.waitForTimeout(2_000);
    }
    await page.locator('[data-chart="attributed"] svg').first().waitFor({ timeout: 30_000 });
    // Drawn lines, not just an empty frame: the series paths carry data.
    expect(await page.locator('[data-chart="attributed"] svg path[d*="L"]').count()).toBeGreaterThan(0);
    text = await page.locator("body").innerText();
    expect(text).toContain("Attributed revenue (not incremental)");
    expect(text).toMatch(/Click-through rate\s+\d+\.\d%/);
    expect(text).toMatch(/Conversion \(visitor-days\)\s+\d+\.\d%/);
    expect(text).toMatch(/Average order value\s+\$[\d,]+\.\d\d/);
    for (const chart of ["attributed", "ctr", "conversion", "aov"]) {
      expect(await page.locator(`[data-chart="${chart}"] svg`).count(), chart).toBeGreaterThan(0);
    }
    // One line per surface in the default breakdown.
    expect(await page.locator('[data-chart="ctr"]').innerText()).toMatch(/cart[\s\S]*product|product[\s\S]*cart/);
    // No app cost entered: ROI says what is missing rather than showing a number.
    expect(text).toContain("Enter what the app costs you per month to see the return on it.");
    await page.screenshot({ path: path.join(shots, "dashboard-roi.png"), fullPage: true });

    // Breakdown by strategy redraws the series from the same rows.
    await page.getByLabel("Break down by").selectOption("strategy");
    await page.getByRole("button", { name: "Show" }).click();
    await page.waitForURL(/breakdown=strategy/);
    await page.locator('[data-chart="ctr"] svg').first().waitFor({ timeout: 30_000 });
    await expect.poll(() => page.locator('[data-chart="ctr"]').innerText(), { timeout: 30_000 }).toMatch(/bestsellers[\s\S]*for_you|for_you[\s\S]*bestsellers/);
    expect(errors).toEqual([]);
    await page.close();
  }, 400_000);

  it("creates an experiment with the sample-size calculator, starts it and shows the fixed-horizon verdict", async () => {
    const page = await browser.newPage({ userAgent: BROWSER_UA, viewport: { width: 1280, height: 1000 } });
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(demo.adminUrl);
    await page.getByRole("heading", { name: "Dashboard" }).first().waitFor({ timeout: 60_000 });
    await page.getByText("Experiments & ROI", { exact: true }).first().click();
    await page.getByText("No experiments yet").waitFor({ timeout: 60_000 });
    await page.getByRole("link", { name: "New experiment" }).first().click();
    await page.getByRole("heading", { name: "New experiment" }).first().waitFor({ timeout: 60_000 });

    await page.getByLabel("Name", { exact: true }).fill("For you vs bestsellers");
    await page.getByLabel("Baseline conversion (%)").fill("5");
    await page.getByLabel("Smallest effect worth detecting (relative %)").fill("10");
    await page.getByRole("button", { name: "Calculate sample size" }).click();
    // Same figures as the integration test's hand computation; the product surface has seeded traffic.
    await page.getByText(/Needs 175,960 visitors in total \(17,596 in the holdout\)\. About \d[\d,]* days at current traffic/).waitFor({ timeout: 30_000 });

    await page.getByRole("button", { name: "Create experiment" }).click();
    await page.getByRole("heading", { name: "For you vs bestsellers" }).first().waitFor({ timeout: 60_000 });
    expect(await page.locator("body").innerText()).toContain("Results appear here once the experiment is started");
    await page.getByRole("button", { name: "Start" }).click();
    await page.getByText(/^Not enough data yet: /).first().waitFor({ timeout: 60_000 });
    const text = await page.locator("body").innerText();
    expect(text).toMatch(/planned 175,960 visitors/);
    expect(text).toContain("Arm");
    await page.screenshot({ path: path.join(shots, "dashboard-experiment.png"), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  }, 300_000);
});
