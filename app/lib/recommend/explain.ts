import type { RecSource } from "~/lib/recommend/types";

export enum ReasonKind {
  None = 0,
  BoughtWith = 1,
  BecauseYouBought = 2,
  EveryNDays = 3,
  BuyAgain = 4,
  SimilarTo = 5,
  TrendingIn = 6,
  Trending = 7,
  Bestseller = 8,
}

/** What a reason needs to be rendered: product titles, which products are sensitive, collection names. */
export interface ReasonLookup {
  productTitle(index: number): string;
  productId(index: number): string;
  isSensitive(index: number): boolean;
  collectionName(index: number): string;
}

/** Renders a stored reason code into plain language, never naming a sensitive product. */
export function renderReason(
  kind: ReasonKind,
  ref: number,
  lookup: ReasonLookup,
): { reason: string; reasonProductId?: string } {
  switch (kind) {
    case ReasonKind.BoughtWith:
      return namedOrGeneric(ref, lookup, (t) => `Often bought with ${t}`, "Often bought together");
    case ReasonKind.BecauseYouBought:
      return namedOrGeneric(ref, lookup, (t) => `Because you bought ${t}`, GENERIC_REASON.personal);
    case ReasonKind.EveryNDays:
      return { reason: `You buy this about every ${ref} day${ref === 1 ? "" : "s"}` };
    case ReasonKind.BuyAgain:
      return { reason: GENERIC_REASON.buy_again };
    case ReasonKind.SimilarTo:
      return namedOrGeneric(ref, lookup, (t) => `Similar to ${t}`, GENERIC_REASON.content);
    case ReasonKind.TrendingIn:
      return { reason: `Trending in ${lookup.collectionName(ref)}` };
    case ReasonKind.Trending:
      return { reason: GENERIC_REASON.trending };
    case ReasonKind.Bestseller:
      return { reason: GENERIC_REASON.bestseller };
    default:
      return { reason: "" };
  }
}

/** Reasons that name no product, per source; used whenever naming one would reveal a sensitive purchase. */
export const GENERIC_REASON: Record<RecSource, string> = {
  personal: "Picked for you",
  buy_again: "Buy it again",
  co_purchase: "Often bought together",
  content: "Similar style",
  trending: "Trending now",
  bestseller: "Bestseller",
  pinned: "Staff pick",
  discovery: "Something new to discover",
};

function namedOrGeneric(
  ref: number,
  lookup: ReasonLookup,
  named: (title: string) => string,
  generic: string,
): { reason: string; reasonProductId?: string } {
  if (ref < 0 || lookup.isSensitive(ref)) return { reason: generic };
  return { reason: named(lookup.productTitle(ref)), reasonProductId: lookup.productId(ref) };
}
