import { describe, expect, it } from "vitest";
import { preferenceAlerts } from "~/lib/ethics/alerts";
import { explainPersonalisation } from "~/lib/ethics/explain";
import { personalBlockAllowance } from "~/lib/ethics/frequency-cap";
import { defaultEthicsSettings, ethicsSettingsSchema } from "~/lib/ethics/settings";

const DAY = 86_400_000;
const now = Date.UTC(2026, 5, 1, 12);

describe("personalBlockAllowance", () => {
  const settings = defaultEthicsSettings;

  it("allows a block under both caps and reports what is left", () => {
    const recentOffers = [now - DAY, now - 3 * DAY, new Date(now - 6 * DAY)];
    expect(personalBlockAllowance({ recentOffers, blocksOnPage: 1, now, settings })).toEqual({
      allowed: true,
      remainingOnPage: 1,
      remainingThisWeek: 47,
    });
  });

  it("stops at the per-page cap", () => {
    expect(personalBlockAllowance({ recentOffers: [], blocksOnPage: 2, now, settings })).toMatchObject({ allowed: false, reason: "page_limit" });
  });

  it("counts a rolling seven days: offers exactly a week old or in the future don't count", () => {
    const full = Array.from({ length: 50 }, (_, i) => now - i * 3_600_000);
    expect(personalBlockAllowance({ recentOffers: full, blocksOnPage: 0, now, settings })).toMatchObject({
      allowed: false,
      reason: "weekly_limit",
      remainingThisWeek: 0,
    });
    const aged = [...full.slice(1), now - 7 * DAY, now + DAY];
    expect(personalBlockAllowance({ recentOffers: aged, blocksOnPage: 0, now: new Date(now), settings })).toMatchObject({
      allowed: true,
      remainingThisWeek: 1,
    });
  });

  it("refuses everything when personalisation is switched off", () => {
    expect(
      personalBlockAllowance({ recentOffers: [], blocksOnPage: 0, now, settings: { ...settings, personalisationEnabled: false } }),
    ).toEqual({ allowed: false, reason: "personalisation_off", remainingOnPage: 0, remainingThisWeek: 0 });
  });
});

describe("explainPersonalisation", () => {
  it("describes the default settings", () => {
    const text = explainPersonalisation(defaultEthicsSettings).join("\n");
    expect(text).toContain("We only personalise recommendations if you agree to it");
    expect(text).toContain("product pages, the home page, collection pages, the cart and your account pages");
    expect(text).toContain("at most 2 personalised sections on a page and at most 50 personalised sections to you in any seven days");
    expect(text).toContain("at least 3 separate orders");
    expect(text).toContain("once you have placed 1 order here");
    expect(text).toContain('Products tagged "health", "intimate" or "baby" are treated as sensitive');
    expect(text).toContain("one place in each list is kept for products you might not have come across");
    expect(text).toContain("deleted after 90 days");
    expect(text).toContain("within 7 days of clicking it");
    expect(text).not.toContain("random group");
  });

  it("follows the merchant's changes", () => {
    const settings = ethicsSettingsSchema.parse({
      consentRequired: false,
      surfaces: { home: false, collection: false, account: false },
      sensitiveTags: [],
      sensitiveCollections: ["adult"],
      discoverySlots: 0,
      diversity: 0,
      eventRetentionDays: 30,
      minCustomerOrders: 2,
    });
    const paragraphs = explainPersonalisation(settings, { holdoutRunning: true });
    const text = paragraphs.join("\n");
    expect(text).toContain("personalised unless you switch it off");
    expect(text).not.toContain("if you agree");
    expect(text).toContain("can appear on product pages and the cart.");
    expect(text).not.toContain("home page");
    expect(text).toContain('Products in the "adult" collection are treated as sensitive');
    expect(text).not.toContain("tagged");
    expect(text).not.toContain("mixed across product types");
    expect(text).toContain("once you have placed 2 orders here");
    expect(text).toContain("deleted after 30 days");
    expect(text).toContain("a small random group of shoppers is shown popular products");
  });

  it("says plainly when nothing is personalised", () => {
    for (const settings of [
      { ...defaultEthicsSettings, personalisationEnabled: false },
      { ...defaultEthicsSettings, maxPersonalBlocksPerPage: 0 },
      ethicsSettingsSchema.parse({ surfaces: { product: false, home: false, collection: false, cart: false, account: false } }),
    ]) {
      const paragraphs = explainPersonalisation(settings);
      expect(paragraphs).toHaveLength(2);
      expect(paragraphs[0]).toMatch(/^This shop does not personalise recommendations/);
      expect(paragraphs[1]).toContain("deleted after 90 days");
    }
  });
});

describe("preferenceAlerts", () => {
  const settings = defaultEthicsSettings;

  it("fires only when a rate passes (not equals) its threshold", () => {
    expect(preferenceAlerts({ shoppersReached: 200, optOuts: 10, personalImpressions: 1000, notInterested: 20 }, settings)).toEqual([]);
    const alerts = preferenceAlerts({ shoppersReached: 200, optOuts: 11, personalImpressions: 1000, notInterested: 21 }, settings);
    expect(alerts.map((a) => [a.kind, a.rate, a.threshold])).toEqual([
      ["opt_out_rate", 0.055, 0.05],
      ["not_interested_rate", 0.021, 0.02],
    ]);
    expect(alerts[0].message).toMatch(/^5\.5% of shoppers who saw personalised recommendations turned personalisation off \(your alert level is 5\.0%\)\./);
    expect(alerts[1].message).toMatch(/^2\.1% of personalised recommendations were marked "Not interested"/);
  });

  it("names the segment and stays quiet on tiny samples", () => {
    const [alert] = preferenceAlerts({ shoppersReached: 100, optOuts: 30, personalImpressions: 0, notInterested: 0, segmentName: "VIP" }, settings);
    expect(alert.message).toContain('of shoppers in the "VIP" segment');
    expect(preferenceAlerts({ shoppersReached: 99, optOuts: 50, personalImpressions: 499, notInterested: 400 }, settings)).toEqual([]);
  });
});
