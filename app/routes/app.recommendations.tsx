import { useEffect } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useRevalidator } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, InlineGrid, InlineStack, Layout, Link, Page, Text, TextField } from "@shopify/polaris";
import { TitleBar } from "@shopify/app-bridge-react";
import { useState } from "react";
import { z } from "zod";
import { authenticate } from "~/shopify.server";
import { formDataWithin } from "~/services/body-limit.server";
import { createRule, listRules, parseRuleInput, RuleValidationError } from "~/models/merch-rules.server";
import { getLiveRecVersion, listRecomputeRuns, searchProducts } from "~/models/recommendations.server";
import { inspectRecommendations, requestRecompute } from "~/services/recommendations.server";
import { RecListTable, type RecListRowView } from "~/components/RecListTable";
import { RecRecomputeCard, type RecomputeRunView } from "~/components/RecRecomputeCard";
import { RecRuleEditor } from "~/components/RecRuleEditor";

const inspectParams = z.object({
  product: z.string().trim().min(1).max(255).optional(),
  customer: z.string().trim().min(1).max(255).optional(),
  q: z.string().trim().max(100).optional(),
});

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const shop = session.shop;
  const parsed = inspectParams.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  const params = parsed.success ? parsed.data : {};
  const [runs, liveVersion, rules, matches] = await Promise.all([
    listRecomputeRuns({ shop, take: 5 }),
    getLiveRecVersion({ shop }),
    listRules({ shop }),
    params.q !== undefined ? searchProducts({ shop, query: params.q }) : Promise.resolve([]),
  ]);
  const inspection =
    params.product || params.customer
      ? await inspectRecommendations({ shop, productId: params.product, customerId: params.product ? undefined : params.customer, rules: rules.filter((r) => r.status === "approved"), now: new Date() })
      : null;
  return json({
    runs: runs.map((r) => ({ ...r, startedAt: r.startedAt.toISOString(), finishedAt: r.finishedAt?.toISOString() ?? null })) as unknown as RecomputeRunView[],
    liveVersion,
    rules: rules.map(({ id, action, targetType, targetValue, position, weight, surfaces, status, rolloutPct }) => ({ id, action, targetType, targetValue, position, weight, surfaces, status, rolloutPct })),
    matches,
    params,
    inspection,
  });
};

type ActionView = { ok?: string; errors?: Record<string, string>; preview?: RecListRowView[] };

function actorOf(session: { onlineAccessInfo?: { associated_user?: { email?: string; id?: number } } }) {
  const user = session.onlineAccessInfo?.associated_user;
  return String(user?.email ?? user?.id ?? "staff");
}

function ruleInput(form: FormData) {
  const optional = (name: string) => {
    const value = String(form.get(name) ?? "").trim();
    return value === "" ? undefined : value;
  };
  return {
    action: optional("action"),
    targetType: optional("targetType"),
    targetValue: String(form.get("targetValue") ?? ""),
    position: optional("position"),
    weight: optional("weight"),
    surfaces: form.getAll("surfaces").map(String),
  };
}

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const shop = session.shop;
  const form = await formDataWithin(request);
  const intent = String(form.get("intent") ?? "");
  try {
    if (intent === "recompute") {
      await requestRecompute({ shop });
      return json({ ok: "Recompute requested." as string, errors: undefined, preview: undefined });
    }
    if (intent === "create-rule") {
      await createRule({ shop, input: ruleInput(form), actor: actorOf(session) });
      return json({ ok: "Rule saved. It takes effect once approved on the Ethics page.", errors: undefined, preview: undefined });
    }
    if (intent === "preview-rule") {
      const productId = String(form.get("productId") ?? "");
      if (!productId) return json({ ok: undefined, errors: { form: "Inspect a product first to preview a rule on its list." }, preview: undefined }, { status: 400 });
      const rule = parseRuleInput(ruleInput(form));
      const approved = (await listRules({ shop, status: "approved" })).map((r) => r);
      const draft = { ...approved[0], id: "preview", shop, status: "approved", ...rule, position: rule.position ?? null, weight: rule.weight ?? null, surfaces: `,${rule.surfaces.join(",")},` };
      const inspection = await inspectRecommendations({ shop, productId, rules: [...approved, draft as (typeof approved)[number]], now: new Date() });
      if (!inspection) throw new Response("Not found", { status: 404 });
      return json({ ok: undefined, errors: undefined, preview: inspection.after });
    }
    return json({ ok: undefined, errors: { form: "Unknown action." }, preview: undefined }, { status: 400 });
  } catch (error) {
    if (error instanceof RuleValidationError) return json({ ok: undefined, errors: error.errors, preview: undefined }, { status: 422 });
    throw error;
  }
};

export default function RecommendationsPage() {
  const { runs, liveVersion, rules, matches, params, inspection } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ActionView | undefined;
  const navigation = useNavigation();
  const revalidator = useRevalidator();
  const running = runs[0]?.status === "running";
  const [query, setQuery] = useState(params.q ?? "");
  const [customer, setCustomer] = useState(params.customer ?? "");

  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => revalidator.state === "idle" && revalidator.revalidate(), 2_000);
    return () => clearInterval(timer);
  }, [running, revalidator]);

  const submittingIntent = navigation.state === "submitting" ? String(navigation.formData?.get("intent") ?? "") : "";
  return (
    <Page title="Recommendations">
      <TitleBar title="Recommendations" />
      <Layout>
        {actionData?.ok ? (
          <Layout.Section>
            <Banner tone="success">{actionData.ok}</Banner>
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <RecRecomputeCard runs={runs} liveVersion={liveVersion} submitting={submittingIntent === "recompute"} />
        </Layout.Section>
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">Inspector</Text>
              <InlineGrid columns={2} gap="300">
                <Form method="get">
                  <InlineStack gap="200" blockAlign="end">
                    <TextField label="Find a product by title" name="q" value={query} onChange={setQuery} autoComplete="off" />
                    <Button submit>Search</Button>
                  </InlineStack>
                </Form>
                <Form method="get">
                  <InlineStack gap="200" blockAlign="end">
                    <TextField label="Customer id" name="customer" value={customer} onChange={setCustomer} autoComplete="off" />
                    <Button submit>Inspect customer</Button>
                  </InlineStack>
                </Form>
              </InlineGrid>
              {matches.length > 0 ? (
                <InlineStack gap="200">
                  {matches.map((m) => (
                    <Link key={m.id} url={`?product=${encodeURIComponent(m.id)}`}>{m.title}</Link>
                  ))}
                </InlineStack>
              ) : params.q !== undefined ? (
                <Text as="p" tone="subdued">No products match “{params.q}”.</Text>
              ) : null}
              {inspection ? (
                <BlockStack gap="400">
                  <Text as="p">
                    Inspecting {params.product ? `product ${params.product}` : `customer ${params.customer}`} (strategy {inspection.strategy}).
                  </Text>
                  {inspection.stored.map((list) => (
                    <BlockStack gap="200" key={list.kind}>
                      <Text as="h3" variant="headingSm">Stored list: {list.kind}</Text>
                      <RecListTable items={list.items} />
                    </BlockStack>
                  ))}
                  <InlineGrid columns={2} gap="300">
                    <BlockStack gap="200">
                      <Text as="h3" variant="headingSm">Before re-ranking (with fallbacks)</Text>
                      <RecListTable items={inspection.before} />
                    </BlockStack>
                    <BlockStack gap="200">
                      <Text as="h3" variant="headingSm">After re-ranking (approved rules, stock, diversity)</Text>
                      <RecListTable items={inspection.after} />
                    </BlockStack>
                  </InlineGrid>
                </BlockStack>
              ) : null}
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <RecRuleEditor rules={rules} errors={actionData?.errors} productId={params.product} submitting={submittingIntent === "create-rule"} />
        </Layout.Section>
        {actionData?.preview ? (
          <Layout.Section>
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">Preview with this rule approved</Text>
                <RecListTable items={actionData.preview} />
              </BlockStack>
            </Card>
          </Layout.Section>
        ) : null}
      </Layout>
    </Page>
  );
}
