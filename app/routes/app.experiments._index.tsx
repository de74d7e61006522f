import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { Badge, BlockStack, Card, EmptyState, IndexTable, Layout, Page, Text } from "@shopify/polaris";
import { TitleBar } from "@shopify/app-bridge-react";
import { authenticate } from "~/shopify.server";
import { listExperiments } from "~/models/experiments.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const experiments = await listExperiments({ shop: session.shop });
  return json({ experiments });
};

const tone = { draft: undefined, running: "success", stopped: "info" } as const;

export default function ExperimentsPage() {
  const { experiments } = useLoaderData<typeof loader>();
  return (
    <Page title="Experiments &amp; ROI" primaryAction={{ content: "New experiment", url: "/app/experiments/new" }}>
      <TitleBar title="Experiments &amp; ROI" />
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <Text as="p" tone="subdued">
              Every experiment compares one or more recommendation strategies with a holdout group that sees non-personal bestsellers.
              Its length is fixed before it starts, and the verdict is read once that sample is reached. Incremental revenue and ROI for
              the whole app are on the Dashboard.
            </Text>
            {experiments.length === 0 ? (
              <Card>
                <EmptyState heading="No experiments yet" action={{ content: "New experiment", url: "/app/experiments/new" }} image="">
                  <p>
                    Until you create one, the storefront keeps a default 10% holdout group so the Dashboard can still estimate
                    incremental revenue. Experiments let you compare specific strategies on one surface.
                  </p>
                </EmptyState>
              </Card>
            ) : (
              <Card padding="0">
                <IndexTable
                  itemCount={experiments.length}
                  selectable={false}
                  headings={[{ title: "Name" }, { title: "Surface" }, { title: "Status" }, { title: "Arms" }, { title: "Planned visitors" }, { title: "Started" }]}
                >
                  {experiments.map((e, i) => (
                    <IndexTable.Row id={e.id} key={e.id} position={i}>
                      <IndexTable.Cell>
                        <Link to={`/app/experiments/${e.id}`}>{e.name}</Link>
                      </IndexTable.Cell>
                      <IndexTable.Cell>{e.surface}</IndexTable.Cell>
                      <IndexTable.Cell>
                        <Badge tone={tone[e.status as keyof typeof tone]}>{e.status}</Badge>
                      </IndexTable.Cell>
                      <IndexTable.Cell>{[...e.arms.map((a) => `${a.key} (${a.strategy})`), `holdout ${e.holdoutPct}%`].join(", ")}</IndexTable.Cell>
                      <IndexTable.Cell>{e.targetSampleSize?.toLocaleString("en") ?? "—"}</IndexTable.Cell>
                      <IndexTable.Cell>{e.startedAt ? e.startedAt.slice(0, 10) : "not started"}</IndexTable.Cell>
                    </IndexTable.Row>
                  ))}
                </IndexTable>
              </Card>
            )}
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
