import { useState } from "react";
import { useNavigation, useSubmit } from "@remix-run/react";
import { BlockStack, Button, Card, Divider, InlineStack, Text, TextField } from "@shopify/polaris";

export interface PendingRuleView {
  id: string;
  action: string;
  targetType: string;
  targetValue: string;
  surfaces: string;
  position: number | null;
  weight: number | null;
  rolloutPct: number;
  createdBy: string | null;
  createdAt: string;
}

export interface PendingStrategyView {
  id: string;
  handle: string;
  name: string;
  strategy: string | null;
  memberCount: number;
  updatedAt: string;
}

function describeRule(rule: PendingRuleView): string {
  const surfaces = rule.surfaces.split(",").filter(Boolean).join(", ") || "all";
  const detail = rule.action === "pin" && rule.position !== null ? ` at position ${rule.position}` : rule.weight !== null ? ` (weight ${rule.weight})` : "";
  return `${rule.action[0].toUpperCase()}${rule.action.slice(1)} ${rule.targetType} “${rule.targetValue}”${detail} on ${surfaces} pages`;
}

function useDecision(id: string) {
  const submit = useSubmit();
  const navigation = useNavigation();
  const busy = navigation.state !== "idle" && navigation.formData?.get("id") === id ? String(navigation.formData?.get("decision")) : null;
  return { submit, busy };
}

function RuleRow({ rule, error }: { rule: PendingRuleView; error?: string }) {
  const [rollout, setRollout] = useState(String(rule.rolloutPct));
  const { submit, busy } = useDecision(rule.id);
  const decide = (decision: "approve" | "reject") =>
    submit({ intent: "decide-rule", id: rule.id, decision, rolloutPct: rollout }, { method: "post" });
  return (
    <BlockStack gap="200">
      <Text as="p" fontWeight="semibold">
        Rule: {describeRule(rule)}
      </Text>
      <Text as="p" tone="subdued">
        Proposed by {rule.createdBy ?? "a staff member"} on {new Date(rule.createdAt).toLocaleDateString()}
      </Text>
      <InlineStack gap="200" blockAlign="end">
        <div style={{ maxWidth: 200 }}>
          <TextField
            label="Roll out to % of shoppers"
            type="number"
            min={1}
            max={100}
            autoComplete="off"
            value={rollout}
            onChange={setRollout}
            error={error}
          />
        </div>
        <Button variant="primary" loading={busy === "approve"} onClick={() => decide("approve")}>
          Approve
        </Button>
        <Button tone="critical" loading={busy === "reject"} onClick={() => decide("reject")}>
          Reject
        </Button>
      </InlineStack>
      <Divider />
    </BlockStack>
  );
}

function StrategyRow({ strategy, error }: { strategy: PendingStrategyView; error?: string }) {
  const { submit, busy } = useDecision(strategy.id);
  const decide = (decision: "approve" | "reject") => submit({ intent: "decide-strategy", id: strategy.id, decision }, { method: "post" });
  return (
    <BlockStack gap="200">
      <Text as="p" fontWeight="semibold">
        Strategy: show “{strategy.strategy ?? "—"}” to the {strategy.name} segment ({strategy.memberCount.toLocaleString()} customers)
      </Text>
      {error ? (
        <Text as="p" tone="critical">
          {error}
        </Text>
      ) : null}
      <InlineStack gap="200">
        <Button variant="primary" loading={busy === "approve"} onClick={() => decide("approve")}>
          Approve
        </Button>
        <Button tone="critical" loading={busy === "reject"} onClick={() => decide("reject")}>
          Reject
        </Button>
      </InlineStack>
      <Divider />
    </BlockStack>
  );
}

/** Rules and segment strategies waiting for a person's approval; nothing here affects the storefront until approved. */
export function EthicsApprovalQueue({
  rules,
  strategies,
  errors,
}: {
  rules: PendingRuleView[];
  strategies: PendingStrategyView[];
  errors: Record<string, string>;
}) {
  return (
    <Card>
      <BlockStack gap="400">
        <Text as="h2" variant="headingMd">
          Waiting for approval
        </Text>
        <Text as="p" tone="subdued">
          Merchandising rules and segment-targeted strategies change nothing on the storefront until someone approves them here. Every
          decision is recorded in the audit log.
        </Text>
        {rules.length === 0 && strategies.length === 0 ? <Text as="p">Nothing is waiting for approval.</Text> : null}
        {rules.map((rule) => (
          <RuleRow key={rule.id} rule={rule} error={errors[rule.id]} />
        ))}
        {strategies.map((s) => (
          <StrategyRow key={s.id} strategy={s} error={errors[s.id]} />
        ))}
      </BlockStack>
    </Card>
  );
}
