import type { LoaderFunctionArgs } from "@remix-run/node";
import { Outlet } from "@remix-run/react";
import { authenticate } from "~/shopify.server";

// Layout for the segment pages: the list (_index), the editor, a segment's page and its CSV export.
export const loader = async ({ request }: LoaderFunctionArgs) => {
  await authenticate.admin(request);
  return null;
};

export default function SegmentsLayout() {
  return <Outlet />;
}
