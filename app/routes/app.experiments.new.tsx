import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, useActionData, useFetcher, useLoaderData, useNavigation } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, FormLayout, InlineStack, Layout, Page, Select, Text, TextField } from "@shopify/polaris";
import { TitleBar } from "@shopify/app-bridge-react";
import { useState } from "react";
import { authenticate } from "~/shopify.server";
import { formDataWithin } from "~/services/body-limit.server";
import {
  EXPERIMENT_STRATEGIES,
  EXPERIMENT_SURFACES,
  createExperiment,
  experimentDesignSchema,
  experimentInputFromForm,
  experimentInputSchema,
  getSurfaceTraffic,
  issuesByField,
  plannedSampleSize,
} from "~/models/experiments.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const now = new Date();
  const traffic = Object.fromEntries(
    await Promise.all(EXPERIMENT_SURFACES.map(async (surface) => [surface, await getSurfaceTraffic({ shop: session.shop, surface, now })] as const)),
  );
  return json({ surfaces: EXPERIMENT_SURFACES, strategies: EXPERIMENT_STRATEGIES, traffic });
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const form = await formDataWithin(request);
  const raw = experimentInputFromForm(form);
  if (form.get("intent") === "calculate") {
    const parsed = experimentDesignSchema.safeParse(raw);
    if (!parsed.success) return json({ errors: issuesByField(parsed.error), plan: null }, { status: 422 });
    const plan = plannedSampleSize(parsed.data);
    const surface = typeof raw.surface === "string" && (EXPERIMENT_SURFACES as readonly string[]).includes(raw.surface) ? raw.surface : null;
    const traffic = surface ? await getSurfaceTraffic({ shop: session.shop, surface, now: new Date() }) : null;
    const rollout = Number(raw.rolloutPct ?? 100) / 100;
    const enrolledPerDay = traffic ? traffic.visitorsPerDay * (rollout > 0 && rollout <= 1 ? rollout : 1) : 0;
    // At least 7 days so every weekday is seen (decision 030).
    const days = enrolledPerDay > 0 ? Math.max(7, Math.ceil(plan.total / enrolledPerDay)) : null;
    return json({ errors: null, plan: { ...plan, days, enrolledPerDay } });
  }
  const parsed = experimentInputSchema.safeParse(raw);
  if (!parsed.success) return json({ errors: issuesByField(parsed.error), plan: null }, { status: 422 });
  const actor = String(session.onlineAccessInfo?.associated_user?.email ?? session.onlineAccessInfo?.associated_user?.id ?? "admin");
  const created = await createExperiment({ shop: session.shop, actor, input: parsed.data });
  return redirect(`/app/experiments/${created.id}`);
};

type ActionResult = { errors: Record<string, string> | null; plan: { total: number; perArm: { control: number; treatment: number }; days: number | null; enrolledPerDay: number } | null };

export default function NewExperiment() {
  const { surfaces, strategies, traffic } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ActionResult | undefined;
  const calc = useFetcher<typeof action>();
  const calcData = calc.data as ActionResult | undefined;
  const navigation = useNavigation();
  const [surface, setSurface] = useState<string>(surfaces[0]);
  const seen = traffic[surface as keyof typeof traffic];
  const [fields, setFields] = useState({
    name: "",
    holdoutPct: "10",
    rolloutPct: "100",
    baselineConversionPct: seen?.conversionRate ? (seen.conversionRate * 100).toFixed(2) : "",
    minDetectableEffectPct: "10",
    power: "0.8",
  });
  // Arm names default to the strategy: the storefront picks an "auto" block's strategy from the arm name.
  const [arms, setArms] = useState([{ key: "for_you", strategy: "for_you", weight: "1" }]);
  const errors = { ...(calcData?.errors ?? {}), ...(actionData?.errors ?? {}) };
  const plan = calcData?.plan;
  const set = (name: keyof typeof fields) => (value: string) => setFields((f) => ({ ...f, [name]: value }));
  const formData = () => {
    const data = new FormData();
    for (const [k, v] of Object.entries(fields)) data.set(k, v);
    data.set("surface", surface);
    for (const arm of arms) {
      data.append("armKey", arm.key);
      data.append("armStrategy", arm.strategy);
      data.append("armWeight", arm.weight);
    }
    return data;
  };
  const calculate = () => {
    const data = formData();
    data.set("intent", "calculate");
    calc.submit(data, { method: "post" });
  };
  return (
    <Page title="New experiment" backAction={{ content: "Experiments", url: "/app/experiments" }}>
      <TitleBar title="New experiment" />
      <Layout>
        <Layout.Section>
          <Form method="post">
            <BlockStack gap="400">
              {Object.keys(errors).length > 0 ? (
                <Banner tone="critical" title="Check the highlighted fields">
                  <ul>
                    {Object.entries(errors).map(([field, message]) => (
                      <li key={field}>{message}</li>
                    ))}
                  </ul>
                </Banner>
              ) : null}
              <Card>
                <FormLayout>
                  <TextField label="Name" name="name" autoComplete="off" value={fields.name} onChange={set("name")} error={errors.name} />
                  <Select label="Surface" name="surface" options={surfaces.map((s) => ({ label: s, value: s }))} value={surface} onChange={setSurface} error={errors.surface} />
                  <FormLayout.Group>
                    <TextField label="Holdout (%)" name="holdoutPct" type="number" autoComplete="off" value={fields.holdoutPct} onChange={set("holdoutPct")} error={errors.holdoutPct} helpText="Share of enrolled shoppers who see non-personal bestsellers." />
                    <TextField label="Rollout (%)" name="rolloutPct" type="number" autoComplete="off" value={fields.rolloutPct} onChange={set("rolloutPct")} error={errors.rolloutPct} helpText="Share of all shoppers enrolled in the experiment." />
                  </FormLayout.Group>
                </FormLayout>
              </Card>
              <Card>
                <BlockStack gap="300">
                  <Text as="h2" variant="headingMd">
                    Arms
                  </Text>
                  {arms.map((arm, i) => (
                    <InlineStack key={i} gap="300" blockAlign="end">
                      <TextField label="Arm name" name="armKey" autoComplete="off" value={arm.key} error={errors[`arms.${i}.key`]} onChange={(v) => setArms((a) => a.map((x, j) => (j === i ? { ...x, key: v } : x)))} />
                      <Select label="Strategy" name="armStrategy" options={strategies.map((s) => ({ label: s, value: s }))} value={arm.strategy} onChange={(v) => setArms((a) => a.map((x, j) => (j === i ? { ...x, strategy: v } : x)))} />
                      <TextField label="Weight" name="armWeight" type="number" autoComplete="off" value={arm.weight} error={errors[`arms.${i}.weight`]} onChange={(v) => setArms((a) => a.map((x, j) => (j === i ? { ...x, weight: v } : x)))} />
                      {arms.length > 1 ? <Button onClick={() => setArms((a) => a.filter((_, j) => j !== i))}>Remove</Button> : null}
                    </InlineStack>
                  ))}
                  {arms.length < 6 ? <Button onClick={() => setArms((a) => [...a, { key: a.some((x) => x.key === "trending") ? `arm-${a.length + 1}` : "trending", strategy: "trending", weight: "1" }])}>Add arm</Button> : null}
                </BlockStack>
              </Card>
              <Card>
                <BlockStack gap="300">
                  <Text as="h2" variant="headingMd">
                    Planned length (fixed before the start)
                  </Text>
                  <Text as="p" tone="subdued">
                    {seen?.conversionRate != null
                      ? `Over the last 28 days ${surface} had about ${Math.round(seen.visitorsPerDay).toLocaleString("en")} visitors a day converting at ${(seen.conversionRate * 100).toFixed(2)}%.`
                      : `No visits on ${surface} have been recorded yet, so enter your usual conversion rate; the duration can't be estimated until there is traffic.`}
                  </Text>
                  <FormLayout.Group>
                    <TextField label="Baseline conversion (%)" name="baselineConversionPct" type="number" autoComplete="off" value={fields.baselineConversionPct} onChange={set("baselineConversionPct")} error={errors.baselineConversionPct} />
                    <TextField label="Smallest effect worth detecting (relative %)" name="minDetectableEffectPct" type="number" autoComplete="off" value={fields.minDetectableEffectPct} onChange={set("minDetectableEffectPct")} error={errors.minDetectableEffectPct} />
                    <TextField label="Power" name="power" type="number" autoComplete="off" value={fields.power} onChange={set("power")} error={errors.power} helpText="Chance of detecting that effect if it is real; 0.8 is usual." />
                  </FormLayout.Group>
                  <InlineStack gap="300" blockAlign="center">
                    <Button onClick={calculate} loading={calc.state !== "idle"}>
                      Calculate sample size
                    </Button>
                    {plan ? (
                      <Text as="p" fontWeight="semibold">
                        {`Needs ${plan.total.toLocaleString("en")} visitors in total (${plan.perArm.control.toLocaleString("en")} in the holdout). `}
                        {plan.days !== null
                          ? `About ${plan.days} days at current traffic (${Math.round(plan.enrolledPerDay).toLocaleString("en")} enrolled a day).`
                          : "Duration unknown until this surface has recorded visits."}
                      </Text>
                    ) : null}
                  </InlineStack>
                </BlockStack>
              </Card>
              <InlineStack align="end">
                <Button submit variant="primary" loading={navigation.state === "submitting"}>
                  Create experiment
                </Button>
              </InlineStack>
            </BlockStack>
          </Form>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
