import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { authenticate } from "~/shopify.server";
import { exportAuditCsv, parseAuditSearch } from "~/models/ethics.server";

// The audit log search as a CSV attachment; takes the same parameters as the page's search form.
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const { search, errors } = parseAuditSearch(new URL(request.url).searchParams);
  if (Object.keys(errors).length > 0) return json({ errors }, { status: 400 });
  const body = await exportAuditCsv({ shop: session.shop, search });
  return new Response(body, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="shopkeeper-audit-log.csv"`,
      "Cache-Control": "private, no-store",
    },
  });
};
