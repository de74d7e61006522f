import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useActionData, useNavigation } from "@remix-run/react";
import { Page } from "@shopify/polaris";
import { TitleBar } from "@shopify/app-bridge-react";
import { authenticate } from "~/shopify.server";
import { formDataWithin } from "~/services/body-limit.server";
import { formErrors, saveSegment, segmentFormSchema } from "~/services/segments.server";
import { SegmentEditor } from "~/components/SegmentEditor";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  await authenticate.admin(request);
  return null;
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session, redirect } = await authenticate.admin(request);
  const parsed = segmentFormSchema.safeParse(Object.fromEntries(await formDataWithin(request)));
  if (!parsed.success) return json({ errors: formErrors(parsed.error) }, { status: 400 });
  const result = await saveSegment({ shop: session.shop, input: parsed.data });
  if (!result.ok) return json({ errors: result.errors }, { status: result.status });
  return redirect(`/app/segments/${result.segment.id}`);
};

export default function NewSegment() {
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  return (
    <Page title="Create segment" backAction={{ content: "Segments", url: "/app/segments" }}>
      <TitleBar title="Create segment" />
      <SegmentEditor initial={{ name: "", rule: "", syncToShopify: false }} builtIn={false} errors={actionData?.errors ?? []} saving={navigation.state === "submitting"} />
    </Page>
  );
}
