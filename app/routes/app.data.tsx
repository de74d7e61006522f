import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData, useNavigation } from "@remix-run/react";
import { BlockStack, Layout, Page } from "@shopify/polaris";
import { TitleBar } from "@shopify/app-bridge-react";
import { z } from "zod";
import { authenticate } from "~/shopify.server";
import { formDataWithin } from "~/services/body-limit.server";
import { getLatestSyncRun, readCounts } from "~/models/sync-run.server";
import { listDeliveries } from "~/models/webhook-delivery.server";
import { listComplianceExports } from "~/models/compliance.server";
import { startBackfill } from "~/services/backfill.server";
import { DataBackfillCard } from "~/components/DataBackfillCard";
import { DataDeliveriesCard } from "~/components/DataDeliveriesCard";
import { DataImportCard } from "~/components/DataImportCard";
import { DataExportsCard } from "~/components/DataExportsCard";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const shop = session.shop;
  const [backfill, lastImport, deliveries, exports] = await Promise.all([
    getLatestSyncRun({ shop, kind: "backfill" }),
    getLatestSyncRun({ shop, kind: "csv-import" }),
    listDeliveries({ shop, take: 25 }),
    listComplianceExports({ shop }),
  ]);
  return json({
    backfill: backfill
      ? {
          status: backfill.status,
          stage: backfill.stage,
          linesDone: backfill.linesDone,
          totalHint: backfill.totalHint,
          counts: readCounts(backfill.counts),
          lastError: backfill.lastError,
          startedAt: backfill.startedAt,
          finishedAt: backfill.finishedAt,
        }
      : null,
    lastImport: lastImport ? { status: lastImport.status, finishedAt: lastImport.finishedAt, lastError: lastImport.lastError } : null,
    deliveries,
    exports,
  });
};

const actionInput = z.object({ intent: z.literal("start-backfill") });

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const parsed = actionInput.safeParse(Object.fromEntries(await formDataWithin(request)));
  if (!parsed.success) throw new Response("Unknown action", { status: 400 });
  const run = await startBackfill({ shop: session.shop });
  return json({ started: run.id });
};

export default function DataPage() {
  const { backfill, lastImport, deliveries, exports } = useLoaderData<typeof loader>();
  const navigation = useNavigation();
  const retrying = navigation.state !== "idle" && navigation.formData?.get("intent") === "start-backfill";
  return (
    <Page title="Data &amp; sync">
      <TitleBar title="Data &amp; sync" />
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <DataBackfillCard run={backfill} retrying={retrying} />
            <DataImportCard lastImport={lastImport} />
            <DataDeliveriesCard deliveries={deliveries} />
            <DataExportsCard exports={exports} />
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
