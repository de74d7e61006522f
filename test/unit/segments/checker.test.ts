import { describe, expect, it } from "vitest";
import { parseRule } from "~/lib/segments/rule";

function errorsOf(text: string) {
  const result = parseRule(text);
  return result.ok ? [] : result.errors;
}

describe("checker", () => {
  it("rejects operators the attribute does not support, at the operator", () => {
    expect(errorsOf("amount_spent CONTAINS 'x'")).toEqual([
      expect.objectContaining({ message: "`amount_spent` cannot use CONTAINS; it takes =, !=, >, >=, <, <=, BETWEEN", line: 1, column: 14 }),
    ]);
    expect(errorsOf("customer_countries = 'US'")[0]).toMatchObject({ column: 20, hint: "use CONTAINS" });
    expect(errorsOf("amount_spent IS NULL")[0]).toMatchObject({ hint: "it always has a value" });
  });

  it("rejects values of the wrong type, at the value", () => {
    expect(errorsOf("last_order_date > 'abc'")[0]).toMatchObject({ column: 19, length: 5 });
    expect(errorsOf("last_order_date > tody")[0]).toMatchObject({ hint: "did you mean `today`?" });
    expect(errorsOf("last_order_date = 2024-02-30")[0].message).toBe("2024-02-30 is not a calendar date");
    expect(errorsOf("rfm_group = 'NOT_A_GROUP'")[0]).toMatchObject({ column: 13 });
    expect(errorsOf("rfm_group = 'CHAMPION'")[0]).toMatchObject({ hint: "did you mean 'CHAMPIONS'?" });
    expect(errorsOf("number_of_orders > 2.5")[0].message).toContain("whole number");
    expect(errorsOf("amount_spent > 9.999")[0].message).toContain("at most 2 decimal places");
    expect(errorsOf("churn_risk > 2")[0].message).toBe("`churn_risk` is between 0 and 1, got 2");
    expect(errorsOf("customer_tags CONTAINS 'a,b'")[0].message).toContain("cannot contain a comma");
    expect(errorsOf("customer_countries CONTAINS 'USA'")[0].message).toContain("two-letter country code");
    expect(errorsOf("products_purchased(id: 1) = 'yes'")[0].message).toContain("true or false");
    expect(errorsOf("amount_spent > 21474837")[0].message).toBe("21474837 is too large an amount");
    expect(errorsOf("amount_spent > 21474836")).toEqual([]);
    expect(errorsOf("number_of_orders > 3000000000")[0].message).toBe("3000000000 is too large a number");
    expect(errorsOf("last_order_date > -101y")[0].message).toContain("too far away");
  });

  it("checks products_purchased parameters", () => {
    expect(errorsOf("products_purchased(tags: 'x') = true")[0]).toMatchObject({ column: 20, hint: "did you mean `tag`?" });
    expect(errorsOf("products_purchased(date: -30d) = true")[0].message).toContain("last_order_date");
    expect(errorsOf("products_purchased(id: 1, tag: 'x') = true")[0]).toMatchObject({ column: 27 });
    expect(errorsOf("amount_spent(id: 1) > 3")[0].message).toBe("`amount_spent` takes no parameters");
  });

  it("reports every problem, not just the first", () => {
    const errors = errorsOf("amout_spent > 1 AND (rfm_group = 'X' OR NOT churn_risk CONTAINS 1)");
    expect(errors.map((e) => e.column)).toEqual([1, 34, 56]);
  });

  it("accepts valid rules, including bare and lowercase enum values", () => {
    expect(errorsOf("rfm_group = champions AND email_subscription_status != 'pending' AND lifecycle_stage = AT_RISK")).toEqual([]);
    expect(errorsOf("last_order_date BETWEEN '2024-01-01' AND today")).toEqual([]);
  });
});
