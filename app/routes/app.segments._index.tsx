import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useFetcher, useLoaderData, useNavigate } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, Layout, Page, Text } from "@shopify/polaris";
import { TitleBar } from "@shopify/app-bridge-react";
import { z } from "zod";
import { authenticate } from "~/shopify.server";
import { formDataWithin } from "~/services/body-limit.server";
import { enqueue } from "~/jobs/queues.server";
import { listSegments } from "~/services/segments.server";
import { SegmentList } from "~/components/SegmentList";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return json({ segments: await listSegments({ shop: session.shop }) });
};

const actionInput = z.object({ intent: z.literal("recompute") });

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const parsed = actionInput.safeParse(Object.fromEntries(await formDataWithin(request)));
  if (!parsed.success) return json({ queued: false, error: "Unknown action." }, { status: 400 });
  await enqueue("segments-recompute", { shop: session.shop });
  return json({ queued: true, error: null });
};

export default function SegmentsIndex() {
  const { segments } = useLoaderData<typeof loader>();
  const navigate = useNavigate();
  const recompute = useFetcher<typeof action>();
  return (
    <Page title="Segments" primaryAction={{ content: "Create segment", onAction: () => navigate("/app/segments/new") }}>
      <TitleBar title="Segments" />
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {recompute.data?.queued ? (
              <Banner tone="info">Scores and members are being recomputed. Refresh in a minute to see the new counts.</Banner>
            ) : null}
            {segments.length === 0 ? (
              <Card>
                <BlockStack gap="200">
                  <Text as="p">
                    No segments yet. Recompute to create the automatic RFM and lifecycle groups from your order history, or create your own
                    segment with a rule.
                  </Text>
                </BlockStack>
              </Card>
            ) : (
              <SegmentList segments={segments} />
            )}
            <recompute.Form method="post">
              <input type="hidden" name="intent" value="recompute" />
              <Button submit loading={recompute.state !== "idle"}>
                Recompute scores and members now
              </Button>
            </recompute.Form>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
