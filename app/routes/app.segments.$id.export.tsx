import type { LoaderFunctionArgs } from "@remix-run/node";
import { authenticate } from "~/shopify.server";
import { exportSegmentMembersCsv } from "~/services/segments.server";

// The segment's members as a CSV attachment (customer ids and computed fields; no personal data).
export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const found = await exportSegmentMembersCsv({ shop: session.shop, id: params.id ?? "" });
  if (!found) throw new Response("This segment no longer exists.", { status: 404 });
  return new Response(found.csv, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${found.filename}"`,
      "Cache-Control": "private, no-store",
    },
  });
};
