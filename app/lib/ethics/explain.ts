import { PERSONALISATION_SURFACES, type EthicsSettings, type PersonalisationSurface } from "~/lib/ethics/settings";

const SURFACE_NAMES: Record<PersonalisationSurface, string> = {
  product: "product pages",
  home: "the home page",
  collection: "collection pages",
  cart: "the cart",
  account: "your account pages",
};

/** Plain-language paragraphs for the shopper-facing "How this shop personalises" page, generated from the current settings. */
export function explainPersonalisation(
  settings: EthicsSettings,
  { holdoutRunning = false }: { holdoutRunning?: boolean } = {},
): string[] {
  const surfaces = PERSONALISATION_SURFACES.filter((surface) => settings.surfaces[surface]);
  if (!settings.personalisationEnabled || surfaces.length === 0 || settings.maxPersonalBlocksPerPage === 0) {
    return [
      "This shop does not personalise recommendations at the moment. Every shopper sees the same suggestions, based on what is popular and what is often bought together.",
      `Suggestions are counted when they are shown or clicked so the shop can see whether they help. These records are deleted after ${days(settings.eventRetentionDays)}.`,
    ];
  }

  const paragraphs: string[] = [];
  paragraphs.push(
    settings.consentRequired
      ? "We only personalise recommendations if you agree to it in this shop's privacy choices. Until you do, or if you decline, you see the same suggestions as everyone else."
      : "Recommendations in this shop are personalised unless you switch it off. You can turn personalisation off at any time on this page, and you will then see the same suggestions as everyone else.",
  );
  paragraphs.push(
    `Personalised suggestions can appear on ${listPhrase(surfaces.map((s) => SURFACE_NAMES[s]))}. ` +
      `We show at most ${count(settings.maxPersonalBlocksPerPage, "personalised section")} on a page and at most ${count(settings.maxPersonalOffersPerShopperPerWeek, "personalised section")} to you in any seven days.`,
  );
  paragraphs.push(
    "To choose them we use what you view, add to your cart and buy in this shop, and what other shoppers bought together. " +
      `Personalisation based on your purchases starts once you have placed ${count(settings.minCustomerOrders, "order")} here. ` +
      `"Bought together" suggestions only use pairs of products that appeared together in at least ${count(settings.minPairOrders, "separate order")}, so a suggestion never rests on just one or two orders.`,
  );
  const sensitive = [
    settings.sensitiveTags.length > 0 ? `tagged ${listPhrase(settings.sensitiveTags.map((t) => `"${t}"`), "or")}` : null,
    settings.sensitiveCollections.length > 0
      ? `in the ${listPhrase(settings.sensitiveCollections.map((c) => `"${c}"`), "or")} ${settings.sensitiveCollections.length === 1 ? "collection" : "collections"}`
      : null,
  ].filter((part): part is string => part !== null);
  paragraphs.push(
    "We never use your name, email, address or payment details to choose recommendations, and nothing from other shops." +
      (sensitive.length > 0
        ? ` Products ${sensitive.join(" or ")} are treated as sensitive: viewing or buying them is never used to personalise what you see, and they are never suggested because of your history.`
        : ""),
  );
  if (settings.discoverySlots > 0 || settings.diversity > 0) {
    paragraphs.push(
      "To avoid showing you more and more of the same thing, lists are mixed across product types and collections" +
        (settings.discoverySlots > 0
          ? `, and ${settings.discoverySlots === 1 ? "one place in each list is" : `${settings.discoverySlots} places in each list are`} kept for products you might not have come across.`
          : "."),
    );
  }
  if (holdoutRunning) {
    paragraphs.push(
      "To check that personalisation actually helps, a small random group of shoppers is shown popular products instead of personalised ones.",
    );
  }
  paragraphs.push(
    `Browsing events are deleted after ${days(settings.eventRetentionDays)}. A purchase counts as coming from a recommendation only if it happens within ${days(settings.attributionWindowDays)} of clicking it.`,
  );
  paragraphs.push(
    'You can mark any suggestion "Not interested" to stop seeing it, and switch personalisation off or back on at any time on this page.',
  );
  return paragraphs;
}

function days(n: number): string {
  return n === 1 ? "1 day" : `${n} days`;
}

function count(n: number, noun: string): string {
  return n === 1 ? `1 ${noun}` : `${n} ${noun}s`;
}

function listPhrase(items: readonly string[], conjunction = "and"): string {
  if (items.length <= 1) return items.join("");
  if (items.length === 2) return `${items[0]} ${conjunction} ${items[1]}`;
  return `${items.slice(0, -1).join(", ")} ${conjunction} ${items[items.length - 1]}`;
}
