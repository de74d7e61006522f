import { useState } from "react";
import { BlockStack, Button, InlineStack, Select, Text, TextField } from "@shopify/polaris";
import { ATTRIBUTES, ruleFromConditions, type BuilderCondition, type Operator } from "~/lib/segments";

// The common cases; anything else is written in the rule text.
const FIELDS: { value: string; label: string; attribute: string; purchaseArg?: string; placeholder?: string }[] = [
  { value: "amount_spent", label: "Amount spent", attribute: "amount_spent", placeholder: "100" },
  { value: "number_of_orders", label: "Number of orders", attribute: "number_of_orders", placeholder: "3" },
  { value: "average_order_value", label: "Average order value", attribute: "average_order_value", placeholder: "50" },
  { value: "last_order_date", label: "Last order date", attribute: "last_order_date", placeholder: "-30d or 2024-01-31" },
  { value: "first_order_date", label: "First order date", attribute: "first_order_date", placeholder: "-1y" },
  { value: "customer_tags", label: "Customer tags", attribute: "customer_tags", placeholder: "vip" },
  { value: "purchased_tag", label: "Bought a product tagged", attribute: "products_purchased", purchaseArg: "tag", placeholder: "sale" },
  { value: "purchased_collection", label: "Bought from collection", attribute: "products_purchased", purchaseArg: "collection", placeholder: "summer" },
  { value: "purchased_id", label: "Bought product (id)", attribute: "products_purchased", purchaseArg: "id", placeholder: "1234567890" },
  { value: "rfm_group", label: "RFM group", attribute: "rfm_group" },
  { value: "lifecycle_stage", label: "Lifecycle stage", attribute: "lifecycle_stage" },
  { value: "churn_risk", label: "Churn risk (0–1)", attribute: "churn_risk", placeholder: "0.7" },
  { value: "email_subscription_status", label: "Email subscription", attribute: "email_subscription_status" },
  { value: "customer_countries", label: "Country", attribute: "customer_countries", placeholder: "GB" },
];

const OPERATOR_LABELS: Partial<Record<Operator, string>> = {
  "=": "is",
  "!=": "is not",
  ">": "more than / after",
  ">=": "at least / on or after",
  "<": "less than / before",
  "<=": "at most / on or before",
  CONTAINS: "includes",
  "NOT CONTAINS": "does not include",
  "IS NULL": "is empty",
  "IS NOT NULL": "is set",
};

interface Row {
  field: string;
  operator: Operator;
  value: string;
}

function operatorsFor(field: string): Operator[] {
  const definition = FIELDS.find((f) => f.value === field)!;
  if (definition.attribute === "products_purchased") return ["=", "!="];
  return ATTRIBUTES[definition.attribute].operators.filter((op) => op !== "BETWEEN") as Operator[];
}

function toCondition(row: Row): BuilderCondition {
  const field = FIELDS.find((f) => f.value === row.field)!;
  if (field.purchaseArg) {
    return { attribute: "products_purchased", operator: "=", value: row.operator === "=", args: { [field.purchaseArg]: row.value.trim() } };
  }
  return { attribute: field.attribute, operator: row.operator, value: row.value };
}

/** A small visual builder: rows of field, operator and value, written out as rule text with ruleFromConditions. */
export function SegmentBuilder({ onRule }: { onRule: (rule: string) => void }) {
  const [rows, setRows] = useState<Row[]>([{ field: "amount_spent", operator: ">=", value: "" }]);
  const [join, setJoin] = useState<"AND" | "OR">("AND");
  const update = (index: number, patch: Partial<Row>) =>
    setRows((current) =>
      current.map((row, i) => {
        if (i !== index) return row;
        const next = { ...row, ...patch };
        if (patch.field && !operatorsFor(patch.field).includes(next.operator)) next.operator = operatorsFor(patch.field)[0];
        if (patch.field) next.value = "";
        return next;
      }),
    );
  return (
    <BlockStack gap="300">
      {rows.map((row, index) => {
        const field = FIELDS.find((f) => f.value === row.field)!;
        const enumValues = ATTRIBUTES[field.attribute].enumValues;
        const needsValue = row.operator !== "IS NULL" && row.operator !== "IS NOT NULL";
        return (
          <InlineStack key={index} gap="200" blockAlign="end" wrap={false}>
            <Select label="Field" labelHidden={index > 0} options={FIELDS.map((f) => ({ value: f.value, label: f.label }))} value={row.field} onChange={(value) => update(index, { field: value })} />
            <Select
              label="Condition"
              labelHidden={index > 0}
              options={operatorsFor(row.field).map((op) => ({ value: op, label: field.purchaseArg ? (op === "=" ? "yes" : "no") : (OPERATOR_LABELS[op] ?? op) }))}
              value={row.operator}
              onChange={(value) => update(index, { operator: value as Operator })}
            />
            {needsValue ? (
              enumValues ? (
                <Select
                  label="Value"
                  labelHidden={index > 0}
                  options={[{ value: "", label: "Choose…" }, ...enumValues.map((v) => ({ value: v, label: v.replace(/_/g, " ").toLowerCase() }))]}
                  value={row.value}
                  onChange={(value) => update(index, { value })}
                />
              ) : (
                <TextField label="Value" labelHidden={index > 0} autoComplete="off" placeholder={field.placeholder} value={row.value} onChange={(value) => update(index, { value })} />
              )
            ) : null}
            {rows.length > 1 ? (
              <Button variant="plain" tone="critical" onClick={() => setRows((current) => current.filter((_, i) => i !== index))}>
                Remove
              </Button>
            ) : null}
          </InlineStack>
        );
      })}
      <InlineStack gap="200" blockAlign="center">
        <Button onClick={() => setRows((current) => [...current, { field: "number_of_orders", operator: ">=", value: "" }])}>Add condition</Button>
        <Select label="Match" labelInline options={[{ value: "AND", label: "all conditions" }, { value: "OR", label: "any condition" }]} value={join} onChange={(value) => setJoin(value as "AND" | "OR")} />
        <Button variant="primary" onClick={() => onRule(ruleFromConditions(rows.map(toCondition), join))}>
          Use as rule
        </Button>
      </InlineStack>
      <Text as="p" tone="subdued" variant="bodySm">
        The builder writes the rule text below; edit the text for anything it cannot express (NOT, brackets, BETWEEN).
      </Text>
    </BlockStack>
  );
}
