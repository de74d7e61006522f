import { describe, expect, it } from "vitest";
import { evaluateRule, type SegmentCustomer } from "~/lib/segments/evaluator";
import { parseRule } from "~/lib/segments/rule";

const now = new Date("2024-06-15T10:30:00Z");

const base: SegmentCustomer = {
  numberOfOrders: 0,
  amountSpentCents: 0,
  averageOrderValueCents: 0,
  firstOrderAt: null,
  lastOrderAt: null,
  tags: ",",
  purchasedProductIds: ",",
  purchasedProductTags: ",",
  purchasedCollections: ",",
  rfmGroup: null,
  lifecycleStage: null,
  churnRisk: null,
  emailMarketingState: "NOT_SUBSCRIBED",
  countryCode: null,
};

function matches(text: string, customer: Partial<SegmentCustomer>, timeZone = "UTC", at = now): boolean {
  const result = parseRule(text);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return evaluateRule(result.ast, { ...base, ...customer }, { now: at, timeZone });
}

describe("evaluateRule", () => {
  it("treats a missing value as failing comparisons and matching their complements", () => {
    expect(matches("last_order_date < -30d", {})).toBe(false);
    expect(matches("NOT last_order_date < -30d", {})).toBe(true);
    expect(matches("last_order_date >= -30d", {})).toBe(false);
    expect(matches("last_order_date != 2024-06-01", {})).toBe(true);
    expect(matches("rfm_group != 'CHAMPIONS'", {})).toBe(true);
    expect(matches("rfm_group = 'CHAMPIONS'", {})).toBe(false);
    expect(matches("churn_risk BETWEEN 0 AND 1", {})).toBe(false);
    expect(matches("NOT (churn_risk > 0.5 OR rfm_group = 'NEW')", {})).toBe(true);
    expect(matches("customer_countries NOT CONTAINS 'US'", {})).toBe(true);
  });

  it("compares money in currency units against cents", () => {
    expect(matches("amount_spent > 100", { amountSpentCents: 10000 })).toBe(false);
    expect(matches("amount_spent >= 100", { amountSpentCents: 10000 })).toBe(true);
    expect(matches("amount_spent BETWEEN 99.99 AND 100", { amountSpentCents: 9999 })).toBe(true);
    expect(matches("average_order_value < 0.5", { averageOrderValueCents: 49 })).toBe(true);
  });

  it("compares dates as whole days in the shop's time zone", () => {
    const sixteenth = { lastOrderAt: new Date("2024-05-16T00:00:00Z") };
    expect(matches("last_order_date > -30d", sixteenth)).toBe(false);
    expect(matches("last_order_date >= -30d", sixteenth)).toBe(true);
    expect(matches("last_order_date = 2024-05-16", sixteenth)).toBe(true);
    expect(matches("last_order_date = '2024-05-16'", { lastOrderAt: "2024-05-16T23:59:59.999Z" })).toBe(true);
    // 02:00 UTC on the 15th is 22:00 on the 14th in New York.
    const lateEvening = { lastOrderAt: new Date("2024-06-15T02:00:00Z") };
    expect(matches("last_order_date = today", lateEvening)).toBe(true);
    expect(matches("last_order_date = today", lateEvening, "America/New_York")).toBe(false);
    expect(matches("last_order_date = yesterday", lateEvening, "America/New_York")).toBe(true);
  });

  it("clamps month offsets to the end of shorter months", () => {
    const at = new Date("2024-03-31T12:00:00Z");
    expect(matches("first_order_date = -1m", { firstOrderAt: new Date("2024-02-29T08:00:00Z") }, "UTC", at)).toBe(true);
    expect(matches("first_order_date = -1y", { firstOrderAt: new Date("2023-03-31T08:00:00Z") }, "UTC", at)).toBe(true);
    expect(matches("first_order_date = -2w", { firstOrderAt: new Date("2024-03-17T08:00:00Z") }, "UTC", at)).toBe(true);
  });

  it("matches whole list entries, with LIKE's `_` wildcard as the database applies it", () => {
    expect(matches("customer_tags CONTAINS 'VIP'", { tags: ",vip,wholesale," })).toBe(true);
    expect(matches("customer_tags CONTAINS 'vi'", { tags: ",vip," })).toBe(false);
    expect(matches("customer_tags CONTAINS 'a'", { tags: ",a_b," })).toBe(false);
    expect(matches("customer_tags CONTAINS 'a_b'", { tags: ",axb," })).toBe(true);
    expect(matches("customer_tags IS NULL", { tags: "," })).toBe(true);
    expect(matches("customer_tags IS NOT NULL", { tags: ",a," })).toBe(true);
  });

  it("evaluates purchases, enums and countries", () => {
    // Stored as computeCustomerAggregates writes it: legacy ids and `sku:` ids for unmatched CSV lines.
    const buyer = { purchasedProductIds: ",123,sku:ab-1,", purchasedProductTags: ",gift," };
    expect(matches("products_purchased(id: 123) = true", buyer)).toBe(true);
    expect(matches("products_purchased(id: 'gid://shopify/Product/123') = true", buyer)).toBe(true);
    expect(matches("products_purchased(id: 'SKU:AB-1') = true", buyer)).toBe(true);
    expect(matches("products_purchased(id: 23) = true", buyer)).toBe(false);
    expect(matches("products_purchased(id: 12) = true", buyer)).toBe(false);
    expect(matches("products_purchased(id: 123) = false", buyer)).toBe(false);
    expect(matches("products_purchased(tag: ('sale', 'GIFT')) = true", buyer)).toBe(true);
    expect(matches("products_purchased = true", buyer)).toBe(true);
    expect(matches("products_purchased = true", {})).toBe(false);
    expect(matches("rfm_group = champions", { rfmGroup: "CHAMPIONS" })).toBe(true);
    expect(matches("lifecycle_stage = 'AT_RISK'", { lifecycleStage: "at_risk" })).toBe(true);
    expect(matches("email_subscription_status = 'subscribed'", { emailMarketingState: "SUBSCRIBED" })).toBe(true);
    expect(matches("customer_countries CONTAINS 'us'", { countryCode: "US" })).toBe(true);
  });

  it("applies precedence: OR binds loosest", () => {
    const customer = { numberOfOrders: 5, amountSpentCents: 0 };
    expect(matches("number_of_orders > 3 OR amount_spent > 100 AND number_of_orders > 10", customer)).toBe(true);
    expect(matches("(number_of_orders > 3 OR amount_spent > 100) AND number_of_orders > 10", customer)).toBe(false);
  });
});
