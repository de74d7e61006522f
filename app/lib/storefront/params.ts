import { z } from "zod";
import { PERSONALISATION_SURFACES } from "~/lib/ethics/settings";

/** Strategies a block may ask for; "auto" lets the server pick per surface. */
export const STOREFRONT_STRATEGIES = ["auto", "bought_together", "for_you", "buy_again", "trending", "bestsellers"] as const;
export type StorefrontStrategy = (typeof STOREFRONT_STRATEGIES)[number];
export type StorefrontSurface = (typeof PERSONALISATION_SURFACES)[number];

export const EVENT_TYPES = ["impression", "click", "add_to_cart"] as const;
export type EventType = (typeof EVENT_TYPES)[number];

const ID = /^[A-Za-z0-9_-]{1,64}$/;
const VISITOR = /^[A-Za-z0-9_-]{8,64}$/;

const productId = (label: string) => z.string().regex(ID, `${label} must be a product id (letters, digits, "-" or "_", at most 64).`);
const visitorId = z.string().regex(VISITOR, "visitor must be an opaque id of 8 to 64 letters, digits, \"-\" or \"_\".");
const consent = z.enum(["granted", "denied", "unknown"], {
  errorMap: () => ({ message: "consent must be granted, denied or unknown." }),
});
const surface = z.enum(PERSONALISATION_SURFACES, {
  errorMap: () => ({ message: `surface must be one of ${PERSONALISATION_SURFACES.join(", ")}.` }),
});
// Shopify sends logged_in_customer_id="" for guests.
const customerId = z
  .string()
  .regex(/^\d{0,20}$/, "logged_in_customer_id must be a numeric customer id.")
  .transform((v) => (v === "" ? null : v));

/** Query of GET /proxy/recommendations; Shopify's own parameters are read but not required. */
export const recommendationsQuerySchema = z.object({
  surface,
  strategy: z
    .enum(STOREFRONT_STRATEGIES, { errorMap: () => ({ message: `strategy must be one of ${STOREFRONT_STRATEGIES.join(", ")}.` }) })
    .default("auto"),
  limit: z
    .string()
    .regex(/^\d{1,2}$/, "limit must be a whole number from 1 to 24.")
    .transform(Number)
    .refine((n) => n >= 1 && n <= 24, "limit must be a whole number from 1 to 24.")
    .default("4"),
  product_id: productId("product_id").optional(),
  cart: z
    .string()
    .max(2000, "cart lists too many products (at most 50).")
    .transform((v) => v.split(",").filter((id) => id !== ""))
    .pipe(z.array(productId("each cart id")).max(50, "cart lists too many products (at most 50)."))
    .default(""),
  visitor: visitorId.optional(),
  consent: consent.default("unknown"),
  optout: z.enum(["0", "1"], { errorMap: () => ({ message: "optout must be 1 or absent." }) }).optional(),
  logged_in_customer_id: customerId.optional(),
});
export type RecommendationsQuery = z.infer<typeof recommendationsQuerySchema>;

/** One storefront event as sent by shopkeeper.js; identifiers are optional because anonymous events omit them. */
export const storefrontEventSchema = z.object({
  type: z.enum(EVENT_TYPES, { errorMap: () => ({ message: "type must be impression, click or add_to_cart." }) }),
  surface,
  strategy: z.enum(STOREFRONT_STRATEGIES).or(z.string().regex(/^[a-z0-9_-]{1,48}$/)).optional(),
  arm: z.string().regex(/^[a-z0-9_-]{0,48}$/, "arm must be a short lower-case key.").optional(),
  product_id: productId("product_id").optional(),
  request_id: z.string().regex(/^[A-Za-z0-9_-]{0,64}$/, "request_id must be an opaque id.").optional(),
  at: z.string().datetime({ offset: true, message: "at must be an ISO 8601 time." }).optional(),
});
export type StorefrontEvent = z.infer<typeof storefrontEventSchema>;

/** Body of POST /proxy/events. */
export const eventsBodySchema = z.object({
  visitor: visitorId.optional().or(z.literal("")),
  consent: consent.default("unknown"),
  events: z.array(storefrontEventSchema).min(1, "events must list at least one event.").max(50, "Send at most 50 events at a time."),
});
export type EventsBody = z.infer<typeof eventsBodySchema>;

/** Body of POST /proxy/not-interested. */
export const notInterestedBodySchema = z.object({
  visitor: visitorId.optional().or(z.literal("")),
  product_id: productId("product_id"),
});

/** Turns zod issues into "param: message" lines a theme developer can act on. */
export function describeIssues(error: z.ZodError): { errors: { param: string; message: string }[]; message: string } {
  const errors = error.issues.map((issue) => ({ param: issue.path.map(String).join(".") || "body", message: issue.message }));
  return { errors, message: errors.map((e) => `${e.param}: ${e.message}`).join(" ") };
}

/** Reads URLSearchParams into a plain object, first value wins, so repeated keys cannot smuggle arrays. */
export function firstValues(params: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of params) if (!(key in out)) out[key] = value;
  return out;
}
