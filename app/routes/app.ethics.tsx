import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { Banner, BlockStack, Layout, Page, Text, Card } from "@shopify/polaris";
import { TitleBar } from "@shopify/app-bridge-react";
import vizStyles from "@shopify/polaris-viz/build/esm/styles.css";
import { z } from "zod";
import { authenticate } from "~/shopify.server";
import { formDataWithin } from "~/services/body-limit.server";
import { getShopSettings } from "~/models/shop.server";
import { searchAuditLog } from "~/models/audit.server";
import {
  auditEntityTypes,
  auditSearchArgs,
  decideMerchRule,
  decideSegmentStrategy,
  getLastPurge,
  listApprovalQueue,
  listFairnessReports,
  parseAuditSearch,
  purgeExpiredEvents,
  readSettingsForm,
  saveEthicsSettings,
} from "~/models/ethics.server";
import { runFairnessReport } from "~/services/fairness.server";
import { clearStorefrontCaches } from "~/services/storefront.server";
import { EthicsSettingsForm } from "~/components/EthicsSettingsForm";
import { EthicsApprovalQueue } from "~/components/EthicsApprovalQueue";
import { EthicsAuditLog } from "~/components/EthicsAuditLog";
import { EthicsRetentionCard } from "~/components/EthicsRetentionCard";
import { EthicsFairnessCard, type FairnessReportView } from "~/components/EthicsFairnessCard";
import { EthicsDataInventory } from "~/components/EthicsDataInventory";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: vizStyles }];

const AUDIT_PAGE_SIZE = 25;

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const shop = session.shop;
  const { search, errors: auditErrors } = parseAuditSearch(new URL(request.url).searchParams);
  const [{ ethics }, queue, audit, lastPurge, reports] = await Promise.all([
    getShopSettings({ shop }),
    listApprovalQueue({ shop }),
    searchAuditLog({ shop, ...auditSearchArgs(search), take: AUDIT_PAGE_SIZE, skip: (search.page - 1) * AUDIT_PAGE_SIZE }),
    getLastPurge({ shop }),
    listFairnessReports({ shop, take: 12 }),
  ]);
  return json({
    settings: ethics,
    queue,
    audit: { ...audit, search, errors: auditErrors, pageSize: AUDIT_PAGE_SIZE, entityTypes: auditEntityTypes },
    lastPurge,
    reports: reports.map((r) => ({ id: r.id, periodEnd: r.periodEnd.toISOString(), metrics: r.metrics })) as unknown as FairnessReportView[],
  });
};

/** Who made the change: the signed-in staff member when Shopify tells us, else "staff". */
function actorOf(session: { onlineAccessInfo?: { associated_user?: { email?: string; id?: number } } }, sessionToken?: { sub?: unknown }) {
  const user = session.onlineAccessInfo?.associated_user;
  if (user?.email) return user.email;
  if (user?.id) return `user:${user.id}`;
  if (typeof sessionToken?.sub === "string" && sessionToken.sub) return `user:${sessionToken.sub}`;
  return "staff";
}

const decisionInput = z.object({
  id: z.string().min(1, "Choose a rule or segment."),
  decision: z.enum(["approve", "reject"], { errorMap: () => ({ message: "Choose Approve or Reject." }) }),
});
const ruleDecisionInput = decisionInput.extend({
  rolloutPct: z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === "" ? undefined : Number(v)))
    .pipe(
      z
        .number({ invalid_type_error: "Roll-out must be a number." })
        .int("Roll-out must be a whole percentage.")
        .min(1, "Roll-out must be between 1% and 100%.")
        .max(100, "Roll-out must be between 1% and 100%.")
        .optional(),
    ),
});

export const action = async ({ request }: ActionFunctionArgs) => {
  const admin = await authenticate.admin(request);
  const shop = admin.session.shop;
  const actor = actorOf(admin.session, (admin as { sessionToken?: { sub?: unknown } }).sessionToken);
  const form = Object.fromEntries(await formDataWithin(request)) as Record<string, string>;
  switch (form.intent) {
    case "save-settings": {
      let raw: unknown;
      try {
        raw = JSON.parse(form.settings ?? "");
      } catch {
        return json({ intent: "save-settings", errors: { settings: "The settings could not be read; reload the page and try again." } }, { status: 400 });
      }
      const result = await saveEthicsSettings({ shop, input: readSettingsForm(raw), actor });
      if (!result.ok) return json({ intent: "save-settings", errors: result.errors }, { status: 422 });
      // The storefront caches shop settings briefly; this process serves the new ones from the next request.
      clearStorefrontCaches();
      return json({ intent: "save-settings", saved: true, errors: {} });
    }
    case "decide-rule": {
      const parsed = ruleDecisionInput.safeParse(form);
      if (!parsed.success) return json({ intent: "decide-rule", errors: { [form.id ?? "rule"]: parsed.error.issues[0].message } }, { status: 422 });
      const { id, decision, rolloutPct } = parsed.data;
      const result = await decideMerchRule({ shop, id, decision, actor, rolloutPct });
      if (!result.ok) return json({ intent: "decide-rule", errors: { [id]: result.error ?? "Not decided." } }, { status: 409 });
      return json({ intent: "decide-rule", decided: id, errors: {} });
    }
    case "decide-strategy": {
      const parsed = decisionInput.safeParse(form);
      if (!parsed.success) return json({ intent: "decide-strategy", errors: { [form.id ?? "segment"]: parsed.error.issues[0].message } }, { status: 422 });
      const result = await decideSegmentStrategy({ shop, ...parsed.data, actor });
      if (!result.ok) return json({ intent: "decide-strategy", errors: { [parsed.data.id]: result.error } }, { status: 409 });
      return json({ intent: "decide-strategy", decided: parsed.data.id, errors: {} });
    }
    case "run-fairness": {
      const { id } = await runFairnessReport({ shop });
      return json({ intent: "run-fairness", reportId: id, errors: {} });
    }
    case "run-purge": {
      const { ethics } = await getShopSettings({ shop });
      const result = await purgeExpiredEvents({ shop, now: new Date(), retentionDays: ethics.eventRetentionDays });
      return json({ intent: "run-purge", purged: result, errors: {} });
    }
    default:
      return json({ intent: "unknown", errors: { intent: "Unknown action; reload the page and try again." } }, { status: 400 });
  }
};

type ActionResult = { intent: string; errors: Record<string, string>; saved?: boolean };

export default function EthicsPage() {
  const { settings, queue, audit, lastPurge, reports } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionResult | undefined;
  const settingsErrors = result?.intent === "save-settings" ? result.errors : {};
  const decisionErrors = result?.intent === "decide-rule" || result?.intent === "decide-strategy" ? result.errors : {};
  return (
    <Page title="Ethics &amp; privacy">
      <TitleBar title="Ethics &amp; privacy" />
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <Banner tone="info" title="Protected attributes are never used">
              <p>
                Shopkeeper never stores or offers protected attributes — gender, age, ethnicity, religion, health, sexual orientation,
                disability or the like — in segments, rules or recommendations. Segments use only purchase behaviour and the consent
                shoppers give.
              </p>
            </Banner>
            <EthicsSettingsForm settings={settings} errors={settingsErrors} saved={result?.intent === "save-settings" && result.saved === true} />
            <EthicsApprovalQueue rules={queue.rules} strategies={queue.strategies} errors={decisionErrors} />
            <EthicsFairnessCard reports={reports} />
            <EthicsRetentionCard lastPurge={lastPurge} retentionDays={settings.eventRetentionDays} />
            <EthicsAuditLog
              rows={audit.rows}
              total={audit.total}
              search={audit.search}
              errors={audit.errors}
              pageSize={audit.pageSize}
              entityTypes={[...audit.entityTypes]}
            />
            <EthicsDataInventory />
            <Card>
              <Text as="p" tone="subdued">
                Shoppers see what is personalised and why, and can switch it off, on the storefront privacy page.
              </Text>
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
