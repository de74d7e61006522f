import { z } from "zod";
import { formatIssues } from "~/lib/sync/payload-error";
import { legacyIdFromGid, parseDecimalToCents, parseTimestamp } from "~/lib/sync/values";

// Schemas for Shopify's REST-shaped webhook JSON. Unknown keys are accepted and dropped (Shopify adds
// fields in every API version); the fields we store are checked strictly and decoded on the way in:
// ids become legacy-id strings, money becomes integer hundredths, timestamps become Dates.

function describe(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? typeof value : text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

function codec<T>(expected: string, decode: (value: unknown) => T | null) {
  return z.unknown().transform((value, ctx): T => {
    const decoded = value === undefined || value === null ? null : decode(value);
    if (decoded === null) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: value === undefined || value === null ? `is required (${expected})` : `expected ${expected}, got ${describe(value)}`,
      });
      return z.NEVER;
    }
    return decoded;
  });
}

/** A Shopify numeric id (number or digit string) or GID, decoded to the legacy id string. */
export const legacyIdSchema = codec("a numeric Shopify id", (value) => {
  if (typeof value === "number") return Number.isSafeInteger(value) && value > 0 ? String(value) : null;
  if (typeof value !== "string") return null;
  if (/^\d+$/.test(value)) return value.replace(/^0+(?=\d)/, "");
  return legacyIdFromGid(value);
});

/** A `gid://shopify/Type/123` string, decoded to `123`. */
export const gidSchema = codec("a gid://shopify/… id", (value) => (typeof value === "string" ? legacyIdFromGid(value) : null));

/** A decimal money amount ("12.50" or 12.5), decoded to integer hundredths. */
export const moneySchema = codec('a decimal amount like "12.50"', (value) =>
  typeof value === "string" || typeof value === "number" ? parseDecimalToCents(value) : null,
);

/** An ISO 8601 timestamp, decoded to a Date. */
export const timestampSchema = codec("an ISO 8601 timestamp", (value) => (typeof value === "string" ? parseTimestamp(value) : null));

const count = z.number({ invalid_type_error: "expected a whole number" }).int("expected a whole number").nonnegative("must not be negative");

const nameValueSchema = z
  .object({ name: z.string(), value: z.union([z.string(), z.number(), z.boolean()]).nullish() })
  .transform(({ name, value }) => ({ name, value: value === null || value === undefined ? "" : String(value) }));

const currencySchema = z.string().regex(/^[A-Z]{3}$/, "expected a three-letter ISO currency code");

const refundLineItemSchema = z.object({
  line_item_id: legacyIdSchema,
  quantity: count,
  subtotal: moneySchema.nullish(),
});

const refundTransactionSchema = z.object({
  kind: z.string().nullish(),
  status: z.string().nullish(),
  amount: moneySchema,
});

/** refunds/create, and each element of an order's `refunds`. */
export const refundPayloadSchema = z.object({
  id: legacyIdSchema,
  order_id: legacyIdSchema,
  created_at: timestampSchema.nullish(),
  refund_line_items: z.array(refundLineItemSchema).nullish().transform((v) => v ?? []),
  transactions: z.array(refundTransactionSchema).nullish().transform((v) => v ?? []),
});
export type RefundPayload = z.output<typeof refundPayloadSchema>;

const lineItemSchema = z.object({
  id: legacyIdSchema,
  admin_graphql_api_id: gidSchema.nullish(),
  product_id: legacyIdSchema.nullish(),
  variant_id: legacyIdSchema.nullish(),
  title: z.string(),
  quantity: count,
  price: moneySchema,
  properties: z.array(nameValueSchema).nullish(),
});

/** orders/create, orders/updated and orders/cancelled. */
export const orderPayloadSchema = z.object({
  id: legacyIdSchema,
  admin_graphql_api_id: gidSchema.nullish(),
  name: z.string().min(1, "is required"),
  created_at: timestampSchema,
  updated_at: timestampSchema,
  processed_at: timestampSchema.nullish(),
  cancelled_at: timestampSchema.nullish(),
  currency: currencySchema,
  subtotal_price: moneySchema,
  total_price: moneySchema,
  financial_status: z.string().nullish(),
  source_name: z.string().nullish(),
  note_attributes: z.array(nameValueSchema).nullish(),
  customer: z.object({ id: legacyIdSchema, admin_graphql_api_id: gidSchema.nullish() }).nullish(),
  line_items: z.array(lineItemSchema),
  refunds: z
    .array(refundPayloadSchema.extend({ order_id: legacyIdSchema.nullish() }))
    .nullish()
    .transform((v) => v ?? []),
});
export type OrderPayload = z.output<typeof orderPayloadSchema>;

const variantSchema = z.object({
  id: legacyIdSchema,
  admin_graphql_api_id: gidSchema.nullish(),
  title: z.string().nullish(),
  sku: z.string().nullish(),
  price: moneySchema,
  inventory_quantity: z.number().int("expected a whole number").nullish(),
  inventory_management: z.string().nullish(),
  updated_at: timestampSchema.nullish(),
});

const imageSchema = z.object({ src: z.string() });

/** products/create and products/update. */
export const productPayloadSchema = z.object({
  id: legacyIdSchema,
  admin_graphql_api_id: gidSchema.nullish(),
  title: z.string(),
  handle: z.string().min(1, "is required"),
  product_type: z.string().nullish(),
  vendor: z.string().nullish(),
  tags: z.union([z.string(), z.array(z.string())]).nullish(),
  status: z.string().regex(/^[a-zA-Z_]+$/, "expected a product status such as active"),
  published_at: timestampSchema.nullish(),
  created_at: timestampSchema,
  updated_at: timestampSchema,
  variants: z.array(variantSchema).nullish().transform((v) => v ?? []),
  image: imageSchema.nullish(),
  images: z.array(imageSchema).nullish(),
});
export type ProductPayload = z.output<typeof productPayloadSchema>;

/** customers/create and customers/update; personal fields are dropped here, never read. */
export const customerPayloadSchema = z.object({
  id: legacyIdSchema,
  admin_graphql_api_id: gidSchema.nullish(),
  created_at: timestampSchema,
  updated_at: timestampSchema,
  tags: z.union([z.string(), z.array(z.string())]).nullish(),
  email_marketing_consent: z.object({ state: z.string().nullish() }).nullish(),
  default_address: z.object({ country_code: z.string().nullish() }).nullish(),
});
export type CustomerPayload = z.output<typeof customerPayloadSchema>;

/** products/delete and customers/delete carry only the id. */
export const deletePayloadSchema = z.object({ id: legacyIdSchema });
export type DeletePayload = z.output<typeof deletePayloadSchema>;

const shopDomainSchema = z.string().min(1, "is required");

/** customers/data_request (compliance). */
export const customersDataRequestSchema = z.object({
  shop_id: legacyIdSchema,
  shop_domain: shopDomainSchema,
  customer: z.object({ id: legacyIdSchema }),
  orders_requested: z.array(legacyIdSchema).nullish().transform((v) => v ?? []),
  data_request: z.object({ id: legacyIdSchema }).nullish(),
});
export type CustomersDataRequestPayload = z.output<typeof customersDataRequestSchema>;

/** customers/redact (compliance). */
export const customersRedactSchema = z.object({
  shop_id: legacyIdSchema,
  shop_domain: shopDomainSchema,
  customer: z.object({ id: legacyIdSchema }),
  orders_to_redact: z.array(legacyIdSchema).nullish().transform((v) => v ?? []),
});
export type CustomersRedactPayload = z.output<typeof customersRedactSchema>;

/** shop/redact (compliance). */
export const shopRedactSchema = z.object({ shop_id: legacyIdSchema, shop_domain: shopDomainSchema });
export type ShopRedactPayload = z.output<typeof shopRedactSchema>;

/** app/uninstalled: the shop resource; only the domain matters to us. */
export const appUninstalledSchema = z.object({
  id: legacyIdSchema,
  myshopify_domain: z.string().nullish(),
  domain: z.string().nullish(),
});
export type AppUninstalledPayload = z.output<typeof appUninstalledSchema>;

const scopeListSchema = z
  .union([z.array(z.string()), z.string()])
  .transform((v) => (Array.isArray(v) ? v : v.split(",")).map((s) => s.trim()).filter((s) => s !== ""));

/** app/scopes_update. */
export const appScopesUpdateSchema = z.object({
  id: legacyIdSchema.nullish(),
  previous: scopeListSchema,
  current: scopeListSchema,
  updated_at: timestampSchema.nullish(),
});
export type AppScopesUpdatePayload = z.output<typeof appScopesUpdateSchema>;

export const WEBHOOK_PAYLOAD_SCHEMAS = {
  "orders/create": orderPayloadSchema,
  "orders/updated": orderPayloadSchema,
  "orders/cancelled": orderPayloadSchema,
  "refunds/create": refundPayloadSchema,
  "products/create": productPayloadSchema,
  "products/update": productPayloadSchema,
  "products/delete": deletePayloadSchema,
  "customers/create": customerPayloadSchema,
  "customers/update": customerPayloadSchema,
  "customers/delete": deletePayloadSchema,
  "customers/data_request": customersDataRequestSchema,
  "customers/redact": customersRedactSchema,
  "shop/redact": shopRedactSchema,
  "app/uninstalled": appUninstalledSchema,
  "app/scopes_update": appScopesUpdateSchema,
} as const;

export type WebhookTopic = keyof typeof WEBHOOK_PAYLOAD_SCHEMAS;
export type WebhookPayload<T extends WebhookTopic> = z.output<(typeof WEBHOOK_PAYLOAD_SCHEMAS)[T]>;

const TOPIC_BY_KEY = new Map<string, WebhookTopic>(
  (Object.keys(WEBHOOK_PAYLOAD_SCHEMAS) as WebhookTopic[]).map((topic) => [topic.replace("/", "_"), topic]),
);

/** Maps "orders/create" or the library's enum form "ORDERS_CREATE" to the canonical topic, or null. */
export function normaliseTopic(topic: string): WebhookTopic | null {
  return TOPIC_BY_KEY.get(topic.trim().toLowerCase().replace("/", "_")) ?? null;
}

export type PayloadParseResult<T> = { success: true; data: T } | { success: false; issues: string[] };

/** Validates and decodes a webhook body for its topic; issues read "line_items.0.price: expected …". */
export function parseWebhookPayload<T extends WebhookTopic>(topic: T, body: unknown): PayloadParseResult<WebhookPayload<T>> {
  const schema = WEBHOOK_PAYLOAD_SCHEMAS[topic] as z.ZodType<WebhookPayload<T>, z.ZodTypeDef, unknown>;
  const result = schema.safeParse(body);
  return result.success ? { success: true, data: result.data } : { success: false, issues: formatIssues(result.error) };
}
