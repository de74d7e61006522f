import { useEffect, useState } from "react";
import { useNavigation, useSubmit } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, Checkbox, FormLayout, InlineStack, Select, Text, TextField } from "@shopify/polaris";
import type { EthicsSettings } from "~/lib/ethics/settings";

const SURFACE_LABELS: Record<keyof EthicsSettings["surfaces"], string> = {
  product: "Product pages",
  home: "Home page",
  collection: "Collection pages",
  cart: "Cart",
  account: "Customer account pages",
};

type Draft = Omit<EthicsSettings, "sensitiveTags" | "sensitiveCollections" | NumberKey> & {
  sensitiveTags: string;
  sensitiveCollections: string;
} & Record<NumberKey, string>;

type NumberKey =
  | "minPairOrders"
  | "minCustomerOrders"
  | "maxPersonalBlocksPerPage"
  | "maxPersonalOffersPerShopperPerWeek"
  | "diversity"
  | "discoverySlots"
  | "eventRetentionDays"
  | "attributionWindowDays"
  | "optOutAlertRate"
  | "notInterestedAlertRate";

function toDraft(s: EthicsSettings): Draft {
  return {
    ...s,
    sensitiveTags: s.sensitiveTags.join(", "),
    sensitiveCollections: s.sensitiveCollections.join(", "),
    minPairOrders: String(s.minPairOrders),
    minCustomerOrders: String(s.minCustomerOrders),
    maxPersonalBlocksPerPage: String(s.maxPersonalBlocksPerPage),
    maxPersonalOffersPerShopperPerWeek: String(s.maxPersonalOffersPerShopperPerWeek),
    diversity: String(s.diversity),
    discoverySlots: String(s.discoverySlots),
    eventRetentionDays: String(s.eventRetentionDays),
    attributionWindowDays: String(s.attributionWindowDays),
    optOutAlertRate: String(s.optOutAlertRate),
    notInterestedAlertRate: String(s.notInterestedAlertRate),
  };
}

/** The merchant's guardrails: consent, kill switch, surfaces, sensitive products, evidence, caps, diversity, retention, alerts. */
export function EthicsSettingsForm({ settings, errors, saved }: { settings: EthicsSettings; errors: Record<string, string>; saved: boolean }) {
  const [draft, setDraft] = useState<Draft>(() => toDraft(settings));
  const submit = useSubmit();
  const navigation = useNavigation();
  const saving = navigation.state !== "idle" && navigation.formData?.get("intent") === "save-settings";
  // Keyed on the content, so a revalidation after a rejected save keeps what the merchant typed.
  const stored = JSON.stringify(settings);
  useEffect(() => setDraft(toDraft(JSON.parse(stored) as EthicsSettings)), [stored]);

  const set = <K extends keyof Draft>(key: K) => (value: Draft[K]) => setDraft((d) => ({ ...d, [key]: value }));
  const error = (key: string) => errors[key] ?? Object.entries(errors).find(([k]) => k.startsWith(`${key}.`))?.[1];
  const number = (key: NumberKey, label: string, helpText: string, step?: number) => (
    <TextField
      label={label}
      type="number"
      step={step}
      autoComplete="off"
      value={draft[key]}
      onChange={set(key)}
      helpText={helpText}
      error={error(key)}
    />
  );
  const count = Object.keys(errors).length;

  return (
    <Card>
      <BlockStack gap="400">
        <Text as="h2" variant="headingMd">
          Guardrails
        </Text>
        {count > 0 ? (
          <Banner tone="critical" title={`Fix ${count === 1 ? "1 setting" : `${count} settings`} before saving`}>
            <ul>
              {Object.entries(errors).map(([key, message]) => (
                <li key={key}>{message}</li>
              ))}
            </ul>
          </Banner>
        ) : null}
        {saved && count === 0 ? <Banner tone="success" title="Settings saved. The storefront uses them from the next request." /> : null}
        <FormLayout>
          <Checkbox
            label="Personalisation is on"
            helpText="The kill switch: turn off to show every shopper the same non-personal recommendations at once."
            checked={draft.personalisationEnabled}
            onChange={set("personalisationEnabled")}
            error={error("personalisationEnabled")}
          />
          <Select
            label="Consent mode"
            options={[
              { label: "Personalise only after the shopper consents (recommended)", value: "required" },
              { label: "Personalise unless the shopper opts out", value: "optout" },
            ]}
            value={draft.consentRequired ? "required" : "optout"}
            onChange={(v) => set("consentRequired")(v === "required")}
            helpText="Consent comes from Shopify's customer privacy banner."
            error={error("consentRequired")}
          />
          <BlockStack gap="100">
            <Text as="p" variant="bodyMd">
              Personalised blocks may appear on
            </Text>
            <InlineStack gap="400">
              {(Object.keys(SURFACE_LABELS) as (keyof EthicsSettings["surfaces"])[]).map((surface) => (
                <Checkbox
                  key={surface}
                  label={SURFACE_LABELS[surface]}
                  checked={draft.surfaces[surface]}
                  onChange={(checked) => setDraft((d) => ({ ...d, surfaces: { ...d.surfaces, [surface]: checked } }))}
                />
              ))}
            </InlineStack>
          </BlockStack>
          <FormLayout.Group>
            <TextField
              label="Sensitive product tags"
              autoComplete="off"
              value={draft.sensitiveTags}
              onChange={set("sensitiveTags")}
              helpText="Comma-separated. Products with these tags are never used as personal signals or recommended from someone's history."
              error={error("sensitiveTags")}
            />
            <TextField
              label="Sensitive collections"
              autoComplete="off"
              value={draft.sensitiveCollections}
              onChange={set("sensitiveCollections")}
              helpText="Comma-separated collection handles, treated like sensitive tags."
              error={error("sensitiveCollections")}
            />
          </FormLayout.Group>
          <FormLayout.Group>
            {number("minPairOrders", "Minimum orders per product pair", "“Bought together” pairs need at least this many orders.")}
            {number("minCustomerOrders", "Minimum orders before personalising", "Shoppers with fewer orders see non-personal picks.")}
          </FormLayout.Group>
          <FormLayout.Group>
            {number("maxPersonalBlocksPerPage", "Personal blocks per page", "0 shows no personalised blocks.")}
            {number("maxPersonalOffersPerShopperPerWeek", "Personal recommendations per shopper per week", "After this, non-personal picks until next week.")}
          </FormLayout.Group>
          <FormLayout.Group>
            {number("diversity", "Diversity (0–1)", "0 ranks by relevance only; 1 favours variety most.", 0.05)}
            {number("discoverySlots", "Discovery slots", "Slots for products the shopper hasn't seen.")}
          </FormLayout.Group>
          <FormLayout.Group>
            {number("eventRetentionDays", "Days to keep browsing events", "Older events are deleted every night.")}
            {number("attributionWindowDays", "Attribution window in days", "Orders this long after a click count toward results.")}
          </FormLayout.Group>
          <FormLayout.Group>
            {number("optOutAlertRate", "Opt-out alert rate", "0.05 alerts when over 5% of shoppers turn personalisation off.", 0.01)}
            {number("notInterestedAlertRate", "“Not interested” alert rate", "0.02 alerts when over 2% of personal picks are dismissed.", 0.01)}
          </FormLayout.Group>
        </FormLayout>
        <InlineStack align="end">
          <Button
            variant="primary"
            loading={saving}
            onClick={() => submit({ intent: "save-settings", settings: JSON.stringify(draft) }, { method: "post" })}
          >
            Save settings
          </Button>
        </InlineStack>
      </BlockStack>
    </Card>
  );
}
