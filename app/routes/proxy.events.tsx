import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { verifyAppProxy } from "~/services/shopify-signatures.server";
import { clientAddress, loggedInCustomer, storefrontEvents, toResponse } from "~/services/storefront.server";

// POST /apps/shopkeeper/events: impression/click/add-to-cart beacons from shopkeeper.js.
export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, params } = verifyAppProxy(request);
  const reply = await storefrontEvents({
    shop,
    request,
    loggedInCustomerId: loggedInCustomer(params),
    clientAddress: clientAddress(request),
    now: new Date(),
  });
  return toResponse(reply);
};

export const loader = async ({ request }: LoaderFunctionArgs) => {
  verifyAppProxy(request);
  return json({ error: "Send events with POST." }, { status: 405, headers: { Allow: "POST" } });
};
