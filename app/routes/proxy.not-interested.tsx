import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { verifyAppProxy } from "~/services/shopify-signatures.server";
import { loggedInCustomer, storefrontNotInterested, toResponse } from "~/services/storefront.server";

// POST /apps/shopkeeper/not-interested: hides a product from this shopper's recommendations.
export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, params } = verifyAppProxy(request);
  return toResponse(await storefrontNotInterested({ shop, request, loggedInCustomerId: loggedInCustomer(params) }));
};

export const loader = async ({ request }: LoaderFunctionArgs) => {
  verifyAppProxy(request);
  return json({ error: "Send the choice with POST." }, { status: 405, headers: { Allow: "POST" } });
};
