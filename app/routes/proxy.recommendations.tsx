import type { LoaderFunctionArgs } from "@remix-run/node";
import { verifyAppProxy } from "~/services/shopify-signatures.server";
import { storefrontRecommendations, toResponse } from "~/services/storefront.server";

// GET /apps/shopkeeper/recommendations: the theme blocks' data (contract in docs/decisions/050).
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, url } = verifyAppProxy(request);
  const reply = await storefrontRecommendations({
    shop,
    searchParams: url.searchParams,
    ifNoneMatch: request.headers.get("if-none-match"),
    now: new Date(),
  });
  return toResponse(reply);
};
