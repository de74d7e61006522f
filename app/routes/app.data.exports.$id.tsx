import type { LoaderFunctionArgs } from "@remix-run/node";
import { authenticate } from "~/shopify.server";
import { getComplianceExport } from "~/models/compliance.server";

// A customers/data_request export, served as a JSON attachment for the merchant to hand over.
export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const id = params.id ?? "";
  const found = await getComplianceExport({ shop: session.shop, id });
  if (!found) throw new Response("No such data export", { status: 404 });
  const body = JSON.stringify(
    { id: found.id, customerId: found.customerId, requestId: found.requestId, createdAt: found.createdAt, data: found.payload },
    null,
    2,
  );
  const name = `customer-${found.customerId.replace(/[^A-Za-z0-9_-]/g, "_")}-data-${found.id}.json`;
  return new Response(body, {
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Content-Disposition": `attachment; filename="${name}"`,
      "Cache-Control": "private, no-store",
    },
  });
};
