import { describe, expect, it } from "vitest";
import { InvalidRuleError, type RuleNode } from "~/lib/segments/ast";
import { compileRule } from "~/lib/segments/compiler";
import { parseSyntax } from "~/lib/segments/parser";
import { parseRule } from "~/lib/segments/rule";

const now = new Date("2024-06-15T10:30:00Z");

function compile(text: string, timeZone = "UTC") {
  const result = parseRule(text);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return compileRule(result.ast, { now, timeZone });
}

describe("compileRule", () => {
  it("turns money in shop currency into cents", () => {
    expect(compile("amount_spent > 100")).toEqual({ amountSpentCents: { gt: 10000 } });
    expect(compile("average_order_value BETWEEN 9.5 AND 20")).toEqual({ averageOrderValueCents: { gte: 950, lte: 2000 } });
    expect(compile("amount_spent = 49.99")).toEqual({ amountSpentCents: { gte: 4999, lte: 4999 } });
  });

  it("negates non-null columns without a NULL branch and nullable ones with one", () => {
    expect(compile("NOT amount_spent > 100")).toEqual({ amountSpentCents: { lte: 10000 } });
    expect(compile("number_of_orders != 2")).toEqual({ OR: [{ numberOfOrders: { lt: 2 } }, { numberOfOrders: { gt: 2 } }] });
    expect(compile("churn_risk != 0.5")).toEqual({ OR: [{ churnRisk: null }, { churnRisk: { lt: 0.5 } }, { churnRisk: { gt: 0.5 } }] });
    expect(compile("rfm_group != 'LOYAL'")).toEqual({ OR: [{ rfmGroup: null }, { rfmGroup: { not: "LOYAL" } }] });
    expect(compile("email_subscription_status != 'subscribed'")).toEqual({ emailMarketingState: { not: "SUBSCRIBED" } });
    expect(compile("NOT rfm_group != 'LOYAL'")).toEqual({ rfmGroup: "LOYAL" });
  });

  it("compiles dates to whole shop-local days", () => {
    expect(compile("last_order_date < -30d")).toEqual({ lastOrderAt: { lt: new Date("2024-05-16T00:00:00Z") } });
    expect(compile("last_order_date > -30d")).toEqual({ lastOrderAt: { gte: new Date("2024-05-17T00:00:00Z") } });
    expect(compile("NOT last_order_date < -30d")).toEqual({
      OR: [{ lastOrderAt: null }, { lastOrderAt: { gte: new Date("2024-05-16T00:00:00Z") } }],
    });
    // New York is UTC-5 in January and UTC-4 in June.
    expect(compile("first_order_date = 2024-01-31", "America/New_York")).toEqual({
      firstOrderAt: { gte: new Date("2024-01-31T05:00:00Z"), lt: new Date("2024-02-01T05:00:00Z") },
    });
    expect(compile("last_order_date <= today", "America/New_York")).toEqual({ lastOrderAt: { lt: new Date("2024-06-16T04:00:00Z") } });
    expect(compile("last_order_date BETWEEN 2024-06-01 AND yesterday")).toEqual({
      lastOrderAt: { gte: new Date("2024-06-01T00:00:00Z"), lt: new Date("2024-06-15T00:00:00Z") },
    });
    expect(compile("last_order_date IS NULL")).toEqual({ lastOrderAt: null });
    expect(compile("NOT last_order_date IS NULL")).toEqual({ lastOrderAt: { not: null } });
  });

  it("matches one whole, lowercased list entry", () => {
    expect(compile("customer_tags CONTAINS ' VIP '")).toEqual({ tags: { contains: ",vip," } });
    expect(compile("customer_tags NOT CONTAINS 'vip'")).toEqual({ NOT: { tags: { contains: ",vip," } } });
    expect(compile("customer_tags IS NULL")).toEqual({ tags: { in: [",", ""] } });
    expect(compile("customer_countries CONTAINS 'us'")).toEqual({ countryCode: "US" });
    expect(compile("customer_countries NOT CONTAINS 'us'")).toEqual({ OR: [{ countryCode: null }, { countryCode: { not: "US" } }] });
  });

  it("compiles purchases to any-of matches on the materialised columns", () => {
    expect(compile("products_purchased(id: (1, 2)) = true")).toEqual({
      OR: [
        { purchasedProductIds: { contains: ",1," } },
        { purchasedProductIds: { contains: ",2," } },
      ],
    });
    expect(compile("products_purchased(id: (1, 2)) = false")).toEqual({
      AND: [
        { NOT: { purchasedProductIds: { contains: ",1," } } },
        { NOT: { purchasedProductIds: { contains: ",2," } } },
      ],
    });
    expect(compile("products_purchased(id: 'gid://shopify/Product/123') = true")).toEqual({ purchasedProductIds: { contains: ",123," } });
    expect(compile("products_purchased(id: 'SKU:Ab-1') = true")).toEqual({ purchasedProductIds: { contains: ",sku:ab-1," } });
    expect(compile("products_purchased(tag: 'Sale') != false")).toEqual({ purchasedProductTags: { contains: ",sale," } });
    expect(compile("products_purchased(collection: 'summer') = true")).toEqual({ purchasedCollections: { contains: ",summer," } });
    expect(compile("products_purchased = true")).toEqual({ purchasedProductIds: { notIn: [",", ""] } });
  });

  it("pushes NOT through AND and OR (De Morgan) and flattens", () => {
    expect(compile("number_of_orders > 3 OR amount_spent >= 100 AND customer_tags CONTAINS 'vip'")).toEqual({
      OR: [{ numberOfOrders: { gt: 3 } }, { AND: [{ amountSpentCents: { gte: 10000 } }, { tags: { contains: ",vip," } }] }],
    });
    expect(compile("NOT (number_of_orders > 3 AND (rfm_group = 'NEW' OR churn_risk >= 0.5))")).toEqual({
      OR: [
        { numberOfOrders: { lte: 3 } },
        {
          AND: [
            { OR: [{ rfmGroup: null }, { rfmGroup: { not: "NEW" } }] },
            { OR: [{ churnRisk: null }, { churnRisk: { lt: 0.5 } }] },
          ],
        },
      ],
    });
    expect(compile("(number_of_orders > 1 AND (amount_spent > 1 AND churn_risk > 0.1))")).toEqual({
      AND: [{ numberOfOrders: { gt: 1 } }, { amountSpentCents: { gt: 100 } }, { churnRisk: { gt: 0.1 } }],
    });
  });

  it("refuses a tree that does not type-check", () => {
    const ast = parseSyntax("amount_spent CONTAINS 'x'").ast as RuleNode;
    expect(() => compileRule(ast, { now })).toThrow(InvalidRuleError);
  });
});
