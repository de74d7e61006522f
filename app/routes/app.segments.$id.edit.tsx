import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Page } from "@shopify/polaris";
import { TitleBar } from "@shopify/app-bridge-react";
import { authenticate } from "~/shopify.server";
import { formDataWithin } from "~/services/body-limit.server";
import { getSegment } from "~/models/segments.server";
import { formErrors, saveSegment, segmentFormSchema } from "~/services/segments.server";
import { SegmentEditor } from "~/components/SegmentEditor";

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const segment = await getSegment({ shop: session.shop, id: params.id ?? "" });
  if (!segment) throw new Response("This segment no longer exists.", { status: 404 });
  return json({ segment: { id: segment.id, name: segment.name, rule: segment.rule, kind: segment.kind, syncToShopify: segment.syncToShopify } });
};

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { session, redirect } = await authenticate.admin(request);
  const parsed = segmentFormSchema.safeParse(Object.fromEntries(await formDataWithin(request)));
  if (!parsed.success) return json({ errors: formErrors(parsed.error) }, { status: 400 });
  const result = await saveSegment({ shop: session.shop, id: params.id ?? "", input: parsed.data });
  if (!result.ok) return json({ errors: result.errors }, { status: result.status });
  return redirect(`/app/segments/${result.segment.id}`);
};

export default function EditSegment() {
  const { segment } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  return (
    <Page title={`Edit ${segment.name}`} backAction={{ content: segment.name, url: `/app/segments/${segment.id}` }}>
      <TitleBar title={`Edit ${segment.name}`} />
      <SegmentEditor
        initial={{ name: segment.name, rule: segment.rule, syncToShopify: segment.syncToShopify }}
        builtIn={segment.kind !== "custom"}
        errors={actionData?.errors ?? []}
        saving={navigation.state === "submitting"}
      />
    </Page>
  );
}
