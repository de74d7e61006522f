import { describe, expect, it } from "vitest";
import { describeRule, ruleFromConditions } from "~/lib/segments/format";
import { parseRule } from "~/lib/segments/rule";

function describe_(text: string): string {
  const result = parseRule(text);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return describeRule(result.ast);
}

describe("ruleFromConditions", () => {
  it("writes builder rows as rule text that parses", () => {
    const text = ruleFromConditions(
      [
        { attribute: "amount_spent", operator: ">=", value: 100 },
        { attribute: "customer_tags", operator: "CONTAINS", value: "o'brien" },
        { attribute: "last_order_date", operator: ">", value: "-30d" },
        { attribute: "first_order_date", operator: "BETWEEN", value: [new Date("2024-01-01T00:00:00Z"), "today"] },
        { attribute: "products_purchased", operator: "=", args: { tag: "sale" } },
        { attribute: "products_purchased", operator: "=", value: false, args: { id: [1, 2] } },
        { attribute: "rfm_group", operator: "IS NOT NULL" },
        { attribute: "average_order_value", operator: "<", value: 0.1 + 0.2 },
      ],
      "AND",
    );
    expect(text).toBe(
      "amount_spent >= 100 AND customer_tags CONTAINS 'o\\'brien' AND last_order_date > -30d AND first_order_date BETWEEN 2024-01-01 AND today AND products_purchased(tag: 'sale') = true AND products_purchased(id: (1, 2)) = false AND rfm_group IS NOT NULL AND average_order_value < 0.3",
    );
    expect(parseRule(text).ok).toBe(true);
  });

  it("quotes values that are not of the attribute's type, so the checker reports them", () => {
    const text = ruleFromConditions([{ attribute: "last_order_date", operator: ">", value: "last week" }], "OR");
    expect(text).toBe("last_order_date > 'last week'");
    expect(parseRule(text).ok).toBe(false);
  });
});

describe("describeRule", () => {
  it("reads rules as plain English with the grouping kept", () => {
    expect(describe_("number_of_orders > 3 AND (rfm_group = 'CHAMPIONS' OR NOT customer_tags CONTAINS 'vip')")).toBe(
      "Number of orders is more than 3 and (RFM group is CHAMPIONS or not (tags include 'vip'))",
    );
    expect(describe_("last_order_date >= -30d OR first_order_date < 2024-01-01")).toBe(
      "Last order date is on or after 30 days ago or first order date is before 2024-01-01",
    );
    expect(describe_("products_purchased(id: (1, 2)) = false AND churn_risk IS NULL")).toBe(
      "Has not purchased any of products 1, 2 and has no churn risk",
    );
    expect(describe_("products_purchased(collection: 'summer') = true AND amount_spent BETWEEN 10 AND 20")).toBe(
      "Has purchased a product from collection 'summer' and amount spent is between 10 and 20",
    );
  });
});
