import { z } from "zod";

/** Storefront surfaces where a personalised block may appear. */
export const PERSONALISATION_SURFACES = ["product", "home", "collection", "cart", "account"] as const;
export type PersonalisationSurface = (typeof PERSONALISATION_SURFACES)[number];

const wholeNumber = (label: string, min: number, max: number, hint: string) =>
  z
    .number({ invalid_type_error: `${label} must be a number.`, required_error: `${label} is required.` })
    .int(`${label} must be a whole number.`)
    .min(min, `${label} must be at least ${min}. ${hint}`)
    .max(max, `${label} can be at most ${max}. ${hint}`);

const rate = (label: string, hint: string) =>
  z
    .number({ invalid_type_error: `${label} must be a number.` })
    .gt(0, `${label} must be more than 0 and at most 1 (0.05 means 5%). ${hint}`)
    .max(1, `${label} must be more than 0 and at most 1 (0.05 means 5%). ${hint}`);

// Tags and collection handles are compared case-insensitively, so they are stored trimmed and lower-cased.
const handleList = (label: string) =>
  z
    .array(
      z
        .string({ invalid_type_error: `Each ${label} must be text.` })
        .trim()
        .toLowerCase()
        .min(1, `Remove the empty ${label}, or type a name for it.`)
        .max(255, `Shorten this ${label} to 255 characters or fewer.`),
      { invalid_type_error: `${label[0].toUpperCase()}${label.slice(1)}s must be a list.` },
    )
    .max(200, `List at most 200 ${label}s; group products under one tag or collection instead.`)
    .transform((items) => [...new Set(items)]);

const surfaceSwitch = (page: string) =>
  z.boolean({ invalid_type_error: `Choose whether personalised blocks may appear on ${page}.` }).default(true);

const surfacesSchema = z
  .object(
    {
      product: surfaceSwitch("product pages"),
      home: surfaceSwitch("the home page"),
      collection: surfaceSwitch("collection pages"),
      cart: surfaceSwitch("the cart"),
      account: surfaceSwitch("customer account pages"),
    },
    { invalid_type_error: "Choose on or off for each page type." },
  )
  .default({});

/** Merchant-controlled guardrails for personalisation; parsing `{}` yields the safe defaults. */
export const ethicsSettingsSchema = z.object({
  /** Personalise only after the shopper consents through Shopify's customer privacy API. */
  consentRequired: z.boolean({ invalid_type_error: "Choose whether shoppers must consent before personalisation." }).default(true),
  /** Kill switch: when false every shopper gets the same non-personal recommendations. */
  personalisationEnabled: z.boolean({ invalid_type_error: "Choose whether personalisation is switched on." }).default(true),
  surfaces: surfacesSchema,
  /** Products with any of these tags are never used as personal signals nor recommended from personal history. */
  sensitiveTags: handleList("sensitive tag").default(["health", "intimate", "baby"]),
  /** Collection handles treated like sensitive tags. */
  sensitiveCollections: handleList("sensitive collection").default([]),
  /** Minimum distinct orders containing a pair before "bought together" may use it (k-anonymity for pairs). */
  minPairOrders: wholeNumber(
    "Minimum orders per product pair",
    2,
    1000,
    "Pairs bought together fewer times than this are never shown, so one shopper's basket can't be inferred; 3 is a good start.",
  ).default(3),
  /** Orders a customer needs before recommendations are personalised to their history. */
  minCustomerOrders: wholeNumber("Minimum orders before personalising", 1, 100, "Shoppers with fewer orders see non-personal recommendations.").default(1),
  maxPersonalBlocksPerPage: wholeNumber("Personal blocks per page", 0, 10, "Use 0 to show no personalised blocks at all.").default(2),
  maxPersonalOffersPerShopperPerWeek: wholeNumber(
    "Personal recommendations per shopper per week",
    0,
    10_000,
    "Once a shopper reaches this, they see non-personal recommendations until the week rolls over.",
  ).default(50),
  /** 0 = rank purely by relevance, 1 = favour variety as much as possible. */
  diversity: z
    .number({ invalid_type_error: "Diversity must be a number between 0 and 1." })
    .min(0, "Diversity must be between 0 (rank by relevance only) and 1 (most varied).")
    .max(1, "Diversity must be between 0 (rank by relevance only) and 1 (most varied).")
    .default(0.3),
  discoverySlots: wholeNumber("Discovery slots", 0, 10, "These slots show products the shopper hasn't seen, to avoid narrowing recommendations.").default(1),
  eventRetentionDays: wholeNumber("Days to keep browsing events", 1, 730, "Older events are deleted; 90 days is usual.").default(90),
  attributionWindowDays: wholeNumber("Attribution window in days", 1, 30, "Orders this many days after a click count toward results.").default(7),
  /** Alert when the share of reached shoppers who opt out exceeds this rate (0–1). */
  optOutAlertRate: rate("Opt-out alert rate", "At 0.05 you are alerted when more than 5% of shoppers turn personalisation off.").default(0.05),
  /** Alert when "not interested" clicks per personal recommendation shown exceed this rate (0–1). */
  notInterestedAlertRate: rate("“Not interested” alert rate", "At 0.02 you are alerted when more than 2% of personal recommendations are dismissed.").default(0.02),
});

/** Ethics settings after parsing: every field present. */
export type EthicsSettings = z.infer<typeof ethicsSettingsSchema>;

/** The safe defaults, as used for a newly installed shop. */
export const defaultEthicsSettings: EthicsSettings = ethicsSettingsSchema.parse({});

/** Parses stored settings; anything missing or invalid falls back to its safe default field by field. */
export function readEthicsSettings(stored: unknown): EthicsSettings {
  const parsed = ethicsSettingsSchema.safeParse(stored ?? {});
  if (parsed.success) return parsed.data;
  const raw = (typeof stored === "object" && stored !== null ? stored : {}) as Record<string, unknown>;
  const shape = ethicsSettingsSchema.shape;
  const repaired: Record<string, unknown> = {};
  for (const key of Object.keys(shape) as (keyof typeof shape)[]) {
    const field = shape[key].safeParse(raw[key]);
    repaired[key] = field.success ? field.data : defaultEthicsSettings[key];
  }
  return repaired as EthicsSettings;
}
