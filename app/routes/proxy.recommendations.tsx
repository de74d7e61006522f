import type { LoaderFunctionArgs } from "@remix-run/node";
import { proxyRecommendations, toResponse } from "~/services/storefront.server";

// GET /apps/shopkeeper/recommendations: the theme blocks' data (contract in docs/decisions/050).
// `npm start` answers this path before express and Remix (app/hot-paths.server.ts); this route serves
// `remix dev` and any other server, with the same service call.
export const loader = async ({ request }: LoaderFunctionArgs) =>
  toResponse(await proxyRecommendations({ search: new URL(request.url).search.slice(1), ifNoneMatch: request.headers.get("if-none-match"), now: new Date() }));
