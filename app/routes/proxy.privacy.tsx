import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { authenticate } from "~/shopify.server";
import { BODY_LIMITS, requestWithin } from "~/services/body-limit.server";
import { loggedInCustomer, privacyPageState, savePrivacyChoice } from "~/services/storefront.server";
import { privacyPageLiquid, proxyPrefix } from "~/lib/storefront/privacy-page";

// GET /apps/shopkeeper/privacy: "How this shop personalises", with the shopper's on/off choice.
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { liquid } = await authenticate.public.appProxy(request);
  const url = new URL(request.url);
  const customerId = loggedInCustomer(url.searchParams);
  const state = await privacyPageState({ shop: url.searchParams.get("shop")!, customerId, now: new Date() });
  return liquid(
    privacyPageLiquid({ ...state, loggedIn: customerId !== null, prefix: proxyPrefix(url.searchParams.get("path_prefix")), saved: url.searchParams.get("saved") }),
    { headers: { "Cache-Control": "private, no-store" } },
  );
};

// POST choice=off|on: stored server-side for logged-in customers; the page's script stores it on the device for everyone.
export const action = async ({ request }: ActionFunctionArgs) => {
  await authenticate.public.appProxy(request);
  const url = new URL(request.url);
  const limited = await requestWithin(request, BODY_LIMITS.proxy);
  const form = await limited.formData().catch(() => null);
  const choice = form?.get("choice");
  if (choice !== "on" && choice !== "off") return json({ errors: [{ param: "choice", message: "choice must be on or off." }] }, { status: 400 });
  await savePrivacyChoice({ shop: url.searchParams.get("shop")!, customerId: loggedInCustomer(url.searchParams), off: choice === "off" });
  return redirect(`${proxyPrefix(url.searchParams.get("path_prefix"))}/privacy?saved=${choice}`, 303);
};
