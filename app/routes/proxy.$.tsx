import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { verifyAppProxy } from "~/services/shopify-signatures.server";

// Any proxy path without its own route: authenticated like the rest, then a clear 404.
export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  verifyAppProxy(request);
  return json({ error: `Unknown Shopkeeper storefront path: /${params["*"] ?? ""}` }, { status: 404 });
};

export const action = loader;
