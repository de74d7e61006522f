// DERIVED ATTRIBUTES. The retail datasets carry only order lines (order, customer, time, product id,
// title, quantity, price). Everything below is synthesised deterministically from the product title,
// the source id and a seed, so a demo shop looks plausible and every run builds the same store.
// None of it is a fact about the data.
import { fnv1a, seededUnit } from "./ids";
import type { MarketingState } from "./store";

/** Product types from title keywords, first match wins. Generic retail words, not tuned to any dataset. */
const TYPE_RULES: { type: string; words: RegExp }[] = [
  { type: "Christmas", words: /\b(christmas|xmas|advent|reindeer|santa|snowflake)\b/i },
  { type: "Bags", words: /\b(bag|bags|tote|purse|backpack|shopper)\b/i },
  { type: "Kitchen", words: /\b(mug|mugs|cup|cups|plate|plates|bowl|bowls|teapot|tea|cake|baking|jar|tin|tins|cutlery|kitchen|lunch box|apron|tray|coaster)\b/i },
  { type: "Lighting", words: /\b(light|lights|lantern|candle|candles|t-light|tealight|lamp|holder)\b/i },
  { type: "Stationery", words: /\b(card|cards|paper|wrap|notebook|pencil|pen|pens|sticker|stickers|tape|envelope|journal|calendar)\b/i },
  { type: "Toys", words: /\b(toy|toys|doll|game|games|puzzle|playhouse|spaceboy|skipping|jigsaw|party)\b/i },
  { type: "Home Decor", words: /\b(sign|frame|clock|cushion|doormat|mirror|ornament|decoration|hanging|heart|vase|wall|garland|bunting)\b/i },
  { type: "Garden", words: /\b(garden|plant|plants|flower|herb|watering|seed|seeds|bird)\b/i },
  { type: "Dairy", words: /\b(milk|yogurt|yoghurt|cheese|butter|cream|curd|dairy)\b/i },
  { type: "Produce", words: /\b(fruit|fruits|vegetable|vegetables|berries|citrus|onions|root|grapes|herbs|tropical)\b/i },
  { type: "Bakery", words: /\b(bread|rolls|buns|pastry|cake bar|waffles|biscuits?)\b/i },
  { type: "Meat", words: /\b(sausage|beef|pork|chicken|meat|ham|frankfurter|fish)\b/i },
  { type: "Drinks", words: /\b(water|soda|juice|coffee|beer|wine|liquor|spirits|champagne|drinks?)\b/i },
  { type: "Health & Beauty", words: /\b(soap|shampoo|hygiene|cosmetics|first aid|plaster|plasters|medicine|vitamin|pharmacy|toiletries)\b/i },
  { type: "Baby", words: /\b(baby|babies|infant|nursery|napkins|nappy|nappies|diapers?)\b/i },
];

/** Tags that ethics guardrails treat as sensitive, from title keywords. */
const SENSITIVE_TAG_RULES: { tag: string; words: RegExp }[] = [
  { tag: "health", words: /\b(first aid|plaster|plasters|medicine|vitamin|pharmacy|hot water bottle|health|hygiene|condoms?|pregnancy)\b/i },
  { tag: "baby", words: /\b(baby|babies|infant|nursery|nappy|nappies|diapers?|pram)\b/i },
  { tag: "alcohol", words: /\b(wine|beer|liquor|spirits|champagne|vodka|whisky|gin|prosecco)\b/i },
];

const VENDORS = ["Northwind Goods", "Harbour & Pine", "Little Lantern Co", "Meadow Supply", "Foxglove Trading"];

const COUNTRIES = ["GB", "GB", "GB", "GB", "GB", "IE", "FR", "DE", "NL", "ES", "US", "AU"];

/** DERIVED: product type from title keywords ("General" when nothing matches). */
export function deriveProductType(title: string): string {
  return TYPE_RULES.find((rule) => rule.words.test(title))?.type ?? "General";
}

/** DERIVED: sensitive tags ("health", "baby", "alcohol") from title keywords. */
export function deriveSensitiveTags(title: string): string[] {
  return SENSITIVE_TAG_RULES.filter((rule) => rule.words.test(title)).map((rule) => rule.tag);
}

/** DERIVED: collections: the product type's collection plus "Gifts" for gift-like titles. */
export function deriveCollections(title: string, productType: string): string[] {
  const collections = [productType];
  if (/\b(gift|present|set of|box)\b/i.test(title)) collections.push("Gifts");
  return collections;
}

/** DERIVED: one of a handful of invented vendors, by hash of the source product id. */
export function deriveVendor(sourceProductId: string): string {
  return VENDORS[fnv1a(sourceProductId) % VENDORS.length];
}

/** DERIVED: seeded inventory, with about `outOfStockRate` of products at zero. */
export function deriveInventory(sourceProductId: string, seed: number, outOfStockRate = 0.08): number {
  if (seededUnit(seed, `stock-out:${sourceProductId}`) < outOfStockRate) return 0;
  return 1 + Math.floor(seededUnit(seed, `stock:${sourceProductId}`) * 250);
}

/** DERIVED: a price when the source has none (grocery baskets), 0.50 to 10.49. */
export function derivePrice(sourceProductId: string, seed: number): string {
  return (0.5 + Math.floor(seededUnit(seed, `price:${sourceProductId}`) * 1000) / 100).toFixed(2);
}

/** DERIVED: customer country (mostly GB, like a UK retailer). */
export function deriveCountry(sourceCustomerId: string, seed: number): string {
  return COUNTRIES[Math.floor(seededUnit(seed, `country:${sourceCustomerId}`) * COUNTRIES.length)];
}

/** DERIVED: email marketing consent: ~55% subscribed, ~35% not subscribed, ~10% unsubscribed. */
export function deriveMarketingState(sourceCustomerId: string, seed: number): MarketingState {
  const u = seededUnit(seed, `consent:${sourceCustomerId}`);
  if (u < 0.55) return "SUBSCRIBED";
  if (u < 0.9) return "NOT_SUBSCRIBED";
  return "UNSUBSCRIBED";
}

/** Title case for all-caps source titles, so the storefront reads naturally. */
export function tidyTitle(title: string): string {
  const trimmed = title.trim().replace(/\s+/g, " ");
  if (trimmed !== trimmed.toUpperCase()) return trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return trimmed.toLowerCase().replace(/(^|[\s\-/(])([a-z])/g, (_m, sep: string, ch: string) => sep + ch.toUpperCase());
}
