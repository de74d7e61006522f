import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const url = new URL(request.url);
  // Shopify opens the app URL with ?shop=…; hand over to the embedded admin, which authenticates.
  if (url.searchParams.get("shop")) throw redirect(`/app?${url.searchParams.toString()}`);
  return null;
};

export default function Index() {
  return (
    <main style={{ fontFamily: "system-ui, sans-serif", maxWidth: 640, margin: "4rem auto", lineHeight: 1.5 }}>
      <h1>Shopkeeper</h1>
      <p>
        Personal recommendations and customer segments for independent shops, with consent first and an honest,
        holdout-measured account of what they earn. Install Shopkeeper from the Shopify App Store and open it from
        your Shopify admin.
      </p>
    </main>
  );
}
