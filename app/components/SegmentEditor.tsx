import { useEffect, useState } from "react";
import { Form, useFetcher } from "@remix-run/react";
import { Banner, BlockStack, Box, Button, Card, Checkbox, InlineStack, Layout, List, Text, TextField } from "@shopify/polaris";
import { SegmentBuilder } from "~/components/SegmentBuilder";
import { SegmentRuleHelp } from "~/components/SegmentRuleHelp";

export interface SegmentFormError {
  field: string;
  message: string;
  line: number | null;
  column: number | null;
  hint: string | null;
}

interface PreviewResponse {
  ok: boolean;
  count?: number;
  total?: number;
  description?: string;
  sample?: { id: string; numberOfOrders: number; amountSpentCents: number; rfmGroup: string | null; lifecycleStage: string | null }[];
  errors?: SegmentFormError[];
}

function errorText(error: SegmentFormError): string {
  const where = error.line !== null ? `Line ${error.line}, column ${error.column}: ` : "";
  return `${where}${error.message}${error.hint ? ` ${error.hint}` : ""}`;
}

/** The rule under the cursor of an error, with a caret under the column, like a compiler message. */
function ErrorPointer({ rule, error }: { rule: string; error: SegmentFormError }) {
  if (error.line === null || error.column === null) return null;
  const text = rule.split("\n")[error.line - 1] ?? "";
  return (
    <pre style={{ margin: 0, fontSize: 12, whiteSpace: "pre-wrap" }}>
      {text}
      {"\n"}
      {" ".repeat(Math.max(0, error.column - 1))}^
    </pre>
  );
}

/** Segment editor: name, rule text with inline errors, a visual builder, live preview and the sync option. */
export function SegmentEditor({
  initial,
  builtIn,
  errors,
  saving,
}: {
  initial: { name: string; rule: string; syncToShopify: boolean };
  builtIn: boolean;
  errors: SegmentFormError[];
  saving: boolean;
}) {
  const [name, setName] = useState(initial.name);
  const [rule, setRule] = useState(initial.rule);
  const [sync, setSync] = useState(initial.syncToShopify);
  const preview = useFetcher<PreviewResponse>();

  // Debounced live preview: count and sample as the merchant types (re-run only when the rule changes).
  useEffect(() => {
    if (rule.trim() === "") return;
    const timer = setTimeout(() => preview.submit({ rule }, { method: "post", action: "/app/segments/preview" }), 400);
    return () => clearTimeout(timer);
  }, [rule]);

  const previewErrors = preview.data && !preview.data.ok ? (preview.data.errors ?? []) : [];
  const ruleErrors = [...errors.filter((e) => e.field === "rule"), ...(errors.some((e) => e.field === "rule") ? [] : previewErrors)];
  const nameError = errors.find((e) => e.field === "name");
  const otherErrors = errors.filter((e) => e.field === "segment");

  return (
    <Form method="post">
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {otherErrors.length > 0 ? (
              <Banner tone="critical">
                {otherErrors.map((e) => (
                  <p key={e.message}>{e.message}</p>
                ))}
              </Banner>
            ) : null}
            <Card>
              <BlockStack gap="300">
                <TextField label="Name" name="name" autoComplete="off" value={name} onChange={setName} disabled={builtIn} error={nameError ? errorText(nameError) : undefined} />
                {builtIn ? <input type="hidden" name="name" value={name} /> : null}
                <TextField
                  label="Rule"
                  name="rule"
                  autoComplete="off"
                  multiline={4}
                  monospaced
                  value={rule}
                  onChange={setRule}
                  disabled={builtIn}
                  placeholder="amount_spent > 100 AND last_order_date > -90d"
                  error={ruleErrors.length > 0 ? ruleErrors.map(errorText).join(" ") : undefined}
                  helpText={preview.data?.ok ? preview.data.description : undefined}
                />
                {builtIn ? <input type="hidden" name="rule" value={rule} /> : null}
                {ruleErrors.slice(0, 1).map((error) => (
                  <ErrorPointer key="pointer" rule={rule} error={error} />
                ))}
                <Checkbox label="Sync members to Shopify as a customer tag" checked={sync} onChange={setSync} />
                <input type="hidden" name="syncToShopify" value={String(sync)} />
                <InlineStack align="end">
                  <Button submit variant="primary" loading={saving}>
                    Save segment
                  </Button>
                </InlineStack>
              </BlockStack>
            </Card>
            {!builtIn ? (
              <Card>
                <BlockStack gap="300">
                  <Text as="h2" variant="headingMd">
                    Build a rule
                  </Text>
                  <SegmentBuilder onRule={setRule} />
                </BlockStack>
              </Card>
            ) : null}
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <BlockStack gap="400">
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  Preview
                </Text>
                {preview.state !== "idle" ? <Text as="p" tone="subdued">Counting…</Text> : null}
                {preview.data?.ok ? (
                  <>
                    <Text as="p" variant="headingLg">
                      {preview.data.count!.toLocaleString()} of {preview.data.total!.toLocaleString()} customers
                    </Text>
                    <Box>
                      <List type="bullet">
                        {preview.data.sample!.map((customer) => (
                          <List.Item key={customer.id}>
                            {customer.id}: {customer.numberOfOrders} orders, {(customer.amountSpentCents / 100).toFixed(2)} spent
                            {customer.rfmGroup ? `, ${customer.rfmGroup}` : ""}
                            {customer.lifecycleStage ? `, ${customer.lifecycleStage.replace("_", " ")}` : ""}
                          </List.Item>
                        ))}
                      </List>
                    </Box>
                  </>
                ) : rule.trim() === "" ? (
                  <Text as="p" tone="subdued">
                    Write or build a rule to see how many customers match.
                  </Text>
                ) : null}
              </BlockStack>
            </Card>
            <Card>
              <SegmentRuleHelp />
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Form>
  );
}
