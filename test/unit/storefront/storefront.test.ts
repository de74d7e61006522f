import { describe, expect, it } from "vitest";
import { defaultEthicsSettings } from "~/lib/ethics/settings";
import { isWithinAttributionWindow, netLineCents } from "~/lib/storefront/attribution";
import { rateDecision, rateWindow } from "~/lib/storefront/rate-limit";
import { escapeLiquidHtml, interleaveLists, listPlan, mergeRanked, personalVerdict, toResponseItem } from "~/lib/storefront/response";
import { recommendationsQuerySchema } from "~/lib/storefront/params";
import { privacyPageLiquid, proxyPrefix } from "~/lib/storefront/privacy-page";

const DAY = 86_400_000;

describe("attribution window", () => {
  const orderAt = 100 * DAY;
  it("credits a touch on the same product inside the window, edges included", () => {
    const at = (days: number) => orderAt - days * DAY;
    expect(isWithinAttributionWindow({ productId: "a", orderAt, windowDays: 7, touches: [{ productId: "a", at: at(7) }] })).toBe(true);
    expect(isWithinAttributionWindow({ productId: "a", orderAt, windowDays: 7, touches: [{ productId: "a", at: at(0) }] })).toBe(true);
    expect(isWithinAttributionWindow({ productId: "a", orderAt, windowDays: 7, touches: [{ productId: "a", at: at(7) - 1 }] })).toBe(false);
    // Shopify stamps orders to the second: a touch later within the order's second may have come first.
    expect(isWithinAttributionWindow({ productId: "a", orderAt, windowDays: 7, touches: [{ productId: "a", at: orderAt + 999 }] })).toBe(true);
    expect(isWithinAttributionWindow({ productId: "a", orderAt, windowDays: 7, touches: [{ productId: "a", at: orderAt + 1000 }] })).toBe(false);
    expect(isWithinAttributionWindow({ productId: "a", orderAt, windowDays: 7, touches: [{ productId: "b", at: at(1) }] })).toBe(false);
  });
  it("nets refunds", () => {
    expect(netLineCents({ quantity: 3, refundedQuantity: 1, priceCents: 250 })).toBe(500);
    expect(netLineCents({ quantity: 1, refundedQuantity: 2, priceCents: 250 })).toBe(0);
  });
});

describe("rate limit arithmetic", () => {
  it("allows up to the limit and says when the window ends", () => {
    expect(rateWindow(125_000, 60_000)).toBe(2);
    expect(rateDecision({ count: 60, limit: 60, nowMs: 125_000, windowMs: 60_000 })).toEqual({ allowed: true, retryAfterSeconds: 0 });
    expect(rateDecision({ count: 61, limit: 60, nowMs: 125_000, windowMs: 60_000 })).toEqual({ allowed: false, retryAfterSeconds: 55 });
    expect(rateDecision({ count: 61, limit: 60, nowMs: 179_999, windowMs: 60_000 }).retryAfterSeconds).toBe(1);
  });
});

describe("list plan and personal verdict", () => {
  it("drops personal lists unless allowed", () => {
    const base = { surface: "product" as const, strategy: "auto" as const, productId: "p", cart: ["q"], customerId: "c" };
    expect(listPlan({ ...base, personalAllowed: true }).map((r) => `${r.kind}:${r.subjectId}`)).toEqual(["personal:c", "fbt:p", "fbt:q", "bestsellers:*"]);
    expect(listPlan({ ...base, personalAllowed: false }).map((r) => `${r.kind}:${r.subjectId}`)).toEqual(["fbt:p", "fbt:q", "bestsellers:*"]);
    expect(listPlan({ ...base, strategy: "buy_again", personalAllowed: false }).map((r) => r.kind)).toEqual(["bestsellers"]);
  });
  it("checks every gate", () => {
    const ok = {
      consent: "granted" as const, queryOptOut: false, serverOptOut: false, customerId: "c", surface: "home" as const,
      settings: defaultEthicsSettings, customerOrders: 1, capAllowed: true, arm: "personal",
    };
    expect(personalVerdict(ok)).toBe("ok");
    expect(personalVerdict({ ...ok, consent: "unknown" })).toBe("no_consent");
    expect(personalVerdict({ ...ok, consent: "unknown", settings: { ...defaultEthicsSettings, consentRequired: false } })).toBe("ok");
    expect(personalVerdict({ ...ok, consent: "denied", settings: { ...defaultEthicsSettings, consentRequired: false } })).toBe("no_consent");
    expect(personalVerdict({ ...ok, queryOptOut: true })).toBe("opted_out");
    expect(personalVerdict({ ...ok, serverOptOut: true })).toBe("opted_out");
    expect(personalVerdict({ ...ok, arm: "holdout" })).toBe("holdout");
    expect(personalVerdict({ ...ok, customerId: null })).toBe("not_logged_in");
    expect(personalVerdict({ ...ok, customerOrders: 0 })).toBe("too_few_orders");
    expect(personalVerdict({ ...ok, capAllowed: false })).toBe("frequency_cap");
    expect(personalVerdict({ ...ok, settings: { ...defaultEthicsSettings, personalisationEnabled: false } })).toBe("personalisation_off");
    expect(personalVerdict({ ...ok, settings: { ...defaultEthicsSettings, surfaces: { ...defaultEthicsSettings.surfaces, home: false } } })).toBe("surface_off");
  });
});

describe("response shaping", () => {
  it("merges, interleaves and shapes items", () => {
    const a = [{ productId: "1" }, { productId: "2" }];
    const b = [{ productId: "3" }, { productId: "1" }, { productId: "4" }];
    expect(interleaveLists([a, b]).map((i) => i.productId)).toEqual(["1", "3", "2", "1", "4"]);
    expect(mergeRanked([a, b], new Set(["2"]), 3).map((i) => i.productId)).toEqual(["1", "3", "4"]);
    expect(toResponseItem({ id: "9", handle: "tea pot", title: "Tea", priceCents: 1999, imageUrl: null, variantId: "8" }, { reason: "r", source: "s" }, "GBP")).toEqual({
      product_id: "9", variant_id: "8", handle: "tea pot", title: "Tea", price: 19.99, currency: "GBP", image: null, url: "/products/tea%20pot", reason: "r", source: "s",
    });
  });
  it("parses queries with defaults and blanks the guest customer id", () => {
    expect(recommendationsQuerySchema.parse({ surface: "cart", cart: "1,2,", logged_in_customer_id: "" })).toEqual({
      surface: "cart", strategy: "auto", limit: 4, cart: ["1", "2"], consent: "unknown", logged_in_customer_id: null,
    });
  });
  it("escapes HTML and Liquid in the privacy page", () => {
    expect(escapeLiquidHtml(`{{ x }}<b>"&'`)).toBe("&#123;&#123; x &#125;&#125;&lt;b&gt;&quot;&amp;&#39;");
    const page = privacyPageLiquid({ paragraphs: ["A {% raw %} <i>"], personalisationOff: true, loggedIn: true, prefix: proxyPrefix("/apps/x/"), saved: null });
    expect(page).toContain("<p>A &#123;% raw %&#125; &lt;i&gt;</p>");
    expect(page).toContain('action="/apps/x/privacy"');
    expect(page).toContain("Personalisation is off for your account.");
    expect(proxyPrefix('"><script>')).toBe("/apps/shopkeeper");
  });
});
