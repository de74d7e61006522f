import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useFetcher, useLoaderData, useNavigate } from "@remix-run/react";
import { Badge, BlockStack, Card, InlineStack, Layout, Page, Text } from "@shopify/polaris";
import { TitleBar } from "@shopify/app-bridge-react";
import { z } from "zod";
import { authenticate } from "~/shopify.server";
import { formDataWithin } from "~/services/body-limit.server";
import { getSegmentPage, recomputeSegment, removeSegment, setSegmentSync } from "~/services/segments.server";
import { getSegment } from "~/models/segments.server";
import { SegmentMembersTable } from "~/components/SegmentMembersTable";
import { SegmentSizeChart } from "~/components/SegmentSizeChart";
import { SegmentSyncCard } from "~/components/SegmentSyncCard";

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const after = new URL(request.url).searchParams.get("after") ?? undefined;
  const page = await getSegmentPage({ shop: session.shop, id: params.id ?? "", after: after && after.length <= 64 ? after : undefined });
  if (!page) throw new Response("This segment no longer exists.", { status: 404 });
  return json(page);
};

const actionInput = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("sync"), syncToShopify: z.enum(["true", "false"]) }),
  z.object({ intent: z.literal("recompute") }),
  z.object({ intent: z.literal("delete") }),
]);

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { session, redirect } = await authenticate.admin(request);
  const shop = session.shop;
  const id = params.id ?? "";
  const parsed = actionInput.safeParse(Object.fromEntries(await formDataWithin(request)));
  if (!parsed.success) return json({ error: "Unknown action." }, { status: 400 });
  const segment = await getSegment({ shop, id });
  if (!segment) return json({ error: "This segment no longer exists." }, { status: 404 });
  switch (parsed.data.intent) {
    case "sync":
      await setSegmentSync({ shop, id, syncToShopify: parsed.data.syncToShopify === "true" });
      return json({ error: null });
    case "recompute":
      await recomputeSegment({ shop, segment, now: new Date() });
      return json({ error: null });
    case "delete":
      if (segment.kind !== "custom") return json({ error: "Automatic RFM and lifecycle segments cannot be deleted." }, { status: 422 });
      await removeSegment({ shop, id });
      return redirect("/app/segments");
  }
};

export default function SegmentPage() {
  const { segment, description, members, series } = useLoaderData<typeof loader>();
  const navigate = useNavigate();
  const act = useFetcher<typeof action>();
  const busy = act.state !== "idle";
  const custom = segment.kind === "custom";
  return (
    <Page
      title={segment.name}
      backAction={{ content: "Segments", url: "/app/segments" }}
      titleMetadata={<Badge tone={custom ? undefined : "info"}>{custom ? "Custom" : segment.kind === "rfm" ? "RFM" : "Lifecycle"}</Badge>}
      primaryAction={{ content: custom ? "Edit rule" : "Settings", onAction: () => navigate(`/app/segments/${segment.id}/edit`) }}
      secondaryActions={[
        { content: "Recompute now", loading: busy && act.formData?.get("intent") === "recompute", onAction: () => act.submit({ intent: "recompute" }, { method: "post" }) },
        ...(custom
          ? [{ content: "Delete", destructive: true, onAction: () => act.submit({ intent: "delete" }, { method: "post" }) }]
          : []),
      ]}
    >
      <TitleBar title={segment.name} />
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {act.data?.error ? (
              <Card>
                <Text as="p" tone="critical">
                  {act.data.error}
                </Text>
              </Card>
            ) : null}
            <Card>
              <BlockStack gap="200">
                <InlineStack gap="200" blockAlign="center">
                  <Text as="h2" variant="headingLg">
                    {segment.memberCount.toLocaleString()} customers
                  </Text>
                  <Text as="span" tone="subdued">
                    {segment.computedAt ? `computed ${new Date(segment.computedAt).toLocaleString()}` : "not computed yet"}
                  </Text>
                </InlineStack>
                <Text as="p">{description}</Text>
                <Text as="p" tone="subdued" fontWeight="medium">
                  <code>{segment.rule}</code>
                </Text>
                <SegmentSizeChart series={series} />
              </BlockStack>
            </Card>
            <SegmentSyncCard
              handle={segment.handle}
              syncToShopify={segment.syncToShopify}
              busy={busy && act.formData?.get("intent") === "sync"}
              onToggle={(next) => act.submit({ intent: "sync", syncToShopify: String(next) }, { method: "post" })}
            />
            <SegmentMembersTable segmentId={segment.id} rows={members.rows} nextCursor={members.nextCursor} />
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
