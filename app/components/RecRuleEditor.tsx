import { useRef, useState } from "react";
import { Badge, BlockStack, Button, Card, DataTable, FormLayout, InlineStack, Select, Text, TextField } from "@shopify/polaris";
import { Form, useSubmit } from "@remix-run/react";

export interface RuleView {
  id: string;
  action: string;
  targetType: string;
  targetValue: string;
  position: number | null;
  weight: number | null;
  surfaces: string;
  status: string;
  rolloutPct: number;
}

const STATUS_TONE: Record<string, "success" | "attention" | "critical" | undefined> = { approved: "success", pending: "attention", rejected: "critical" };

/** Lists merchandising rules with their approval status and a form to add one, with a preview button. */
export function RecRuleEditor({ rules, errors, productId, submitting }: { rules: readonly RuleView[]; errors?: Record<string, string>; productId?: string; submitting: boolean }) {
  const [action, setAction] = useState("pin");
  const [targetType, setTargetType] = useState("product");
  const [targetValue, setTargetValue] = useState("");
  const [position, setPosition] = useState("1");
  const [weight, setWeight] = useState("1.5");
  const [surface, setSurface] = useState("all");
  const formRef = useRef<HTMLFormElement>(null);
  const submit = useSubmit();
  const send = (intent: string) => {
    const data = new FormData(formRef.current!);
    data.set("intent", intent);
    submit(data, { method: "post" });
  };
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">Merchandising rules</Text>
        <Text as="p" tone="subdued">New and changed rules are pending until approved on the Ethics page; only approved rules reach the storefront.</Text>
        {rules.length > 0 ? (
          <DataTable
            columnContentTypes={["text", "text", "text", "text", "text"]}
            headings={["Action", "Target", "Setting", "Pages", "Status"]}
            rows={rules.map((r) => [
              r.action,
              `${r.targetType}: ${r.targetValue}`,
              r.action === "pin" ? `position ${r.position}` : r.weight !== null ? `weight ${r.weight}` : "",
              r.surfaces.split(",").filter(Boolean).join(", "),
              <Badge key={r.id} tone={STATUS_TONE[r.status]}>{r.status}</Badge>,
            ])}
          />
        ) : (
          <Text as="p">No rules yet.</Text>
        )}
        <Form method="post" ref={formRef}>
          <input type="hidden" name="productId" value={productId ?? ""} />
          <FormLayout>
            <FormLayout.Group>
              <Select label="Action" name="action" value={action} onChange={setAction} error={errors?.action}
                options={[{ label: "Pin", value: "pin" }, { label: "Boost", value: "boost" }, { label: "Exclude", value: "exclude" }, { label: "Bury", value: "bury" }]} />
              <Select label="Applies to" name="targetType" value={targetType} onChange={setTargetType} error={errors?.targetType}
                options={[{ label: "Product id", value: "product" }, { label: "Tag", value: "tag" }, { label: "Collection", value: "collection" }, { label: "Vendor", value: "vendor" }]} />
              <TextField label="Value" name="targetValue" value={targetValue} onChange={setTargetValue} error={errors?.targetValue} autoComplete="off" />
            </FormLayout.Group>
            <FormLayout.Group>
              {action === "pin" ? <TextField label="Position" name="position" type="number" value={position} onChange={setPosition} error={errors?.position} autoComplete="off" /> : null}
              {action === "boost" || action === "bury" ? <TextField label="Weight" name="weight" type="number" value={weight} onChange={setWeight} error={errors?.weight} autoComplete="off" /> : null}
              <Select label="Pages" name="surfaces" value={surface} onChange={setSurface} error={errors?.surfaces}
                options={["all", "product", "home", "collection", "cart", "account"].map((s) => ({ label: s, value: s }))} />
            </FormLayout.Group>
            <InlineStack gap="200">
              <Button onClick={() => send("preview-rule")} disabled={!productId}>Preview on inspected product</Button>
              <Button onClick={() => send("create-rule")} variant="primary" loading={submitting}>Save as pending</Button>
            </InlineStack>
            {errors?.form ? <Text as="p" tone="critical">{errors.form}</Text> : null}
          </FormLayout>
        </Form>
      </BlockStack>
    </Card>
  );
}
