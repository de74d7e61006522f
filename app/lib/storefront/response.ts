import type { EthicsSettings } from "~/lib/ethics/settings";
import type { StorefrontStrategy, StorefrontSurface } from "~/lib/storefront/params";

/** A RecList to read: kind plus subject; personal lists need a consenting, logged-in customer. */
export type ListRef = { kind: "fbt" | "personal" | "buy_again" | "trending" | "content" | "bestsellers"; subjectId: string; personal: boolean };

/** The lists to merge, best first, for one block request; personal refs are dropped when not allowed. */
export function listPlan({
  surface,
  strategy,
  productId,
  cart,
  customerId,
  personalAllowed,
}: {
  surface: StorefrontSurface;
  strategy: StorefrontStrategy;
  productId?: string | null;
  cart: readonly string[];
  customerId?: string | null;
  personalAllowed: boolean;
}): ListRef[] {
  const fbt = (ids: readonly string[]): ListRef[] => ids.map((id) => ({ kind: "fbt", subjectId: id, personal: false }));
  const personal: ListRef[] = personalAllowed && customerId ? [{ kind: "personal", subjectId: customerId, personal: true }] : [];
  const buyAgain: ListRef[] = personalAllowed && customerId ? [{ kind: "buy_again", subjectId: customerId, personal: true }] : [];
  const trending: ListRef = { kind: "trending", subjectId: "*", personal: false };
  const best: ListRef = { kind: "bestsellers", subjectId: "*", personal: false };
  const anchors = [...(productId ? [productId] : []), ...cart];
  let plan: ListRef[];
  switch (strategy) {
    case "bought_together":
      plan = [...fbt(anchors), best];
      break;
    case "for_you":
      plan = [...personal, trending, best];
      break;
    case "buy_again":
      plan = [...buyAgain, ...personal, best];
      break;
    case "trending":
      plan = [trending, best];
      break;
    case "bestsellers":
      plan = [best];
      break;
    default:
      plan =
        surface === "product" || surface === "cart"
          ? [...personal, ...fbt(anchors), best]
          : surface === "account"
            ? [...buyAgain, ...personal, best]
            : [...personal, trending, best];
  }
  return plan;
}

/** Why a request is or is not personal; "ok" means personal lists may be used. */
export type PersonalVerdict =
  | "ok"
  | "no_consent"
  | "opted_out"
  | "not_logged_in"
  | "personalisation_off"
  | "surface_off"
  | "too_few_orders"
  | "frequency_cap"
  | "holdout";

/** Decides whether this request may get personal lists, in the order the checks are cheapest. */
export function personalVerdict({
  consent,
  queryOptOut,
  serverOptOut,
  customerId,
  surface,
  settings,
  customerOrders,
  capAllowed,
  arm,
}: {
  consent: "granted" | "denied" | "unknown";
  queryOptOut: boolean;
  serverOptOut: boolean;
  customerId: string | null;
  surface: StorefrontSurface;
  settings: Pick<EthicsSettings, "personalisationEnabled" | "surfaces" | "consentRequired" | "minCustomerOrders">;
  customerOrders: number;
  capAllowed: boolean;
  arm: string;
}): PersonalVerdict {
  if (!settings.personalisationEnabled) return "personalisation_off";
  if (!settings.surfaces[surface]) return "surface_off";
  // The blocks only send identifiers with granted consent; consentRequired=false still never
  // overrides an explicit "denied".
  if (consent === "denied" || (settings.consentRequired && consent !== "granted")) return "no_consent";
  if (queryOptOut || serverOptOut) return "opted_out";
  if (arm === "holdout") return "holdout";
  if (!customerId) return "not_logged_in";
  if (customerOrders < settings.minCustomerOrders) return "too_few_orders";
  if (!capAllowed) return "frequency_cap";
  return "ok";
}

/** Product data the response needs, whatever table it came from. */
export type ProductCard = { id: string; handle: string; title: string; priceCents: number; imageUrl: string | null; variantId: string | null };

/** The JSON item the theme's shopkeeper.js renders. */
export type ResponseItem = {
  product_id: string;
  variant_id: string | null;
  handle: string;
  title: string;
  price: number;
  currency: string;
  image: string | null;
  url: string;
  reason: string;
  source: string;
};

/** Shapes one recommended product for the storefront: price in major units, relative URL. */
export function toResponseItem(product: ProductCard, rec: { reason: string; source: string }, currency: string): ResponseItem {
  return {
    product_id: product.id,
    variant_id: product.variantId,
    handle: product.handle,
    title: product.title,
    price: Math.round(product.priceCents) / 100,
    currency,
    image: product.imageUrl,
    url: `/products/${encodeURIComponent(product.handle)}`,
    reason: rec.reason,
    source: rec.source,
  };
}

/** Merges ranked lists into one, dropping excluded and repeated products, keeping the first `limit`. */
export function mergeRanked<T extends { productId: string }>(lists: readonly (readonly T[])[], exclude: ReadonlySet<string>, limit: number): T[] {
  const seen = new Set(exclude);
  const out: T[] = [];
  for (const list of lists) {
    for (const item of list) {
      if (out.length >= limit) return out;
      if (seen.has(item.productId)) continue;
      seen.add(item.productId);
      out.push(item);
    }
  }
  return out;
}

/** Interleaves several bought-together lists so every anchor product contributes near the top. */
export function interleaveLists<T>(lists: readonly (readonly T[])[]): T[] {
  const out: T[] = [];
  const longest = Math.max(0, ...lists.map((l) => l.length));
  for (let i = 0; i < longest; i++) for (const list of lists) if (i < list.length) out.push(list[i]);
  return out;
}

/** Escapes text for HTML and neutralises Liquid delimiters, so shop text can't run as Liquid. */
export function escapeLiquidHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;")
    .replace(/\{/g, "&#123;")
    .replace(/\}/g, "&#125;");
}
