import { z } from "zod";
import { attributionFromProperties, storedLineProperties } from "~/lib/sync/attribution";
import type { BulkTree } from "~/lib/sync/bulk-assembler";
import { SyncPayloadError } from "~/lib/sync/payload-error";
import type { CustomerRow, OrderLineRow, OrderRow, OrderSource, ProductRow, VariantRow } from "~/lib/sync/rows";
import { encodeList } from "~/lib/sync/values";
import { normaliseMarketingState } from "~/lib/sync/webhook-mappers";
import { gidSchema, moneySchema, timestampSchema } from "~/lib/sync/webhook-schemas";

// Schemas for the GraphQL node shapes selected by bulk-queries.ts. Same decoding as the webhook
// schemas (legacy ids, hundredths, Dates) so both paths produce identical rows.

const shopMoneySchema = z.object({ shopMoney: z.object({ amount: moneySchema }) });
const keyValueSchema = z
  .object({ key: z.string(), value: z.string().nullish() })
  .transform(({ key, value }) => ({ name: key, value: value ?? "" }));
// UnsignedInt64 is serialised as a string.
const unsignedIntSchema = z
  .union([z.number().int().nonnegative(), z.string().regex(/^\d+$/, "expected a whole number")])
  .transform(Number);

const productNodeSchema = z.object({
  id: gidSchema,
  legacyResourceId: z.string().regex(/^\d+$/).nullish(),
  handle: z.string().min(1, "is required"),
  title: z.string(),
  productType: z.string().nullish(),
  vendor: z.string().nullish(),
  tags: z.array(z.string()).nullish(),
  status: z.string().regex(/^[A-Za-z_]+$/, "expected a product status such as ACTIVE"),
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
  publishedAt: timestampSchema.nullish(),
  isGiftCard: z.boolean().nullish(),
  totalInventory: z.number().int().nullish(),
  tracksInventory: z.boolean().nullish(),
  featuredImage: z.object({ url: z.string() }).nullish(),
  priceRangeV2: z.object({ minVariantPrice: z.object({ amount: moneySchema }) }).nullish(),
});

const variantNodeSchema = z.object({
  id: gidSchema,
  title: z.string().nullish(),
  sku: z.string().nullish(),
  price: moneySchema,
  inventoryQuantity: z.number().int().nullish(),
  updatedAt: timestampSchema.nullish(),
});

const collectionNodeSchema = z.object({ handle: z.string().min(1, "is required") });

const customerNodeSchema = z.object({
  id: gidSchema,
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
  tags: z.array(z.string()).nullish(),
  numberOfOrders: unsignedIntSchema.nullish(),
  amountSpent: z.object({ amount: moneySchema }).nullish(),
  defaultAddress: z.object({ countryCodeV2: z.string().nullish() }).nullish(),
  emailMarketingConsent: z.object({ marketingState: z.string().nullish() }).nullish(),
});

const orderNodeSchema = z.object({
  id: gidSchema,
  name: z.string().min(1, "is required"),
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
  processedAt: timestampSchema.nullish(),
  cancelledAt: timestampSchema.nullish(),
  currencyCode: z.string().regex(/^[A-Z]{3}$/, "expected a three-letter ISO currency code"),
  displayFinancialStatus: z.string().nullish(),
  sourceName: z.string().nullish(),
  customer: z.object({ id: gidSchema }).nullish(),
  subtotalPriceSet: shopMoneySchema.nullish(),
  totalPriceSet: shopMoneySchema,
  totalRefundedSet: shopMoneySchema.nullish(),
  customAttributes: z.array(keyValueSchema).nullish(),
});

const lineItemNodeSchema = z.object({
  id: gidSchema,
  quantity: z.number().int().nonnegative(),
  currentQuantity: z.number().int().nonnegative().nullish(),
  title: z.string(),
  variant: z.object({ id: gidSchema }).nullish(),
  product: z.object({ id: gidSchema }).nullish(),
  originalUnitPriceSet: shopMoneySchema,
  customAttributes: z.array(keyValueSchema).nullish(),
});

function parseNode<S extends z.ZodTypeAny>(schema: S, tree: BulkTree, label: string): z.output<S> {
  const result = schema.safeParse(tree.node);
  if (result.success) return result.data;
  throw new SyncPayloadError(
    `bulk ${label} at line ${tree.line}`,
    result.error.issues.map((issue) => `line ${tree.line} ${[label, ...issue.path].join(".")}: ${issue.message}`),
  );
}

function parseChildren<S extends z.ZodTypeAny>(schema: S, tree: BulkTree, type: string): z.output<S>[] {
  const problems: string[] = [];
  const parsed: z.output<S>[] = [];
  for (const child of tree.children[type] ?? []) {
    try {
      parsed.push(parseNode(schema, child, type));
    } catch (error) {
      if (!(error instanceof SyncPayloadError)) throw error;
      problems.push(...error.issues);
    }
  }
  if (problems.length > 0) throw new SyncPayloadError(`bulk ${type} under line ${tree.line}`, problems);
  return parsed;
}

/** Maps an assembled bulk Product (with ProductVariant and Collection children) to rows; throws SyncPayloadError. */
export function mapBulkProduct(shop: string, tree: BulkTree): { product: ProductRow; variants: VariantRow[] } {
  const node = parseNode(productNodeSchema, tree, "Product");
  const productId = node.legacyResourceId ?? node.id;
  const variants = parseChildren(variantNodeSchema, tree, "ProductVariant").map(
    (variant): VariantRow => ({
      shop,
      id: variant.id,
      productId,
      title: variant.title ?? "",
      sku: variant.sku ? variant.sku : null,
      priceCents: variant.price,
      inventory: variant.inventoryQuantity ?? 0,
      updatedAt: variant.updatedAt ?? node.updatedAt,
    }),
  );
  const collections = parseChildren(collectionNodeSchema, tree, "Collection").map((collection) => collection.handle);
  const minVariant = variants.length === 0 ? 0 : Math.min(...variants.map((variant) => variant.priceCents));
  const product: ProductRow = {
    shop,
    id: productId,
    handle: node.handle,
    title: node.title,
    productType: node.productType ?? "",
    vendor: node.vendor ?? "",
    tags: encodeList(node.tags ?? []),
    collections: encodeList(collections),
    status: node.status.toUpperCase(),
    published: node.publishedAt !== null && node.publishedAt !== undefined,
    isGiftCard: node.isGiftCard ?? false,
    imageUrl: node.featuredImage?.url ?? null,
    priceCents: node.priceRangeV2?.minVariantPrice.amount ?? minVariant,
    inventory: node.totalInventory ?? variants.reduce((sum, variant) => sum + variant.inventory, 0),
    tracksInventory: node.tracksInventory ?? false,
    createdAt: node.createdAt,
    updatedAt: node.updatedAt,
    deletedAt: null,
  };
  return { product, variants };
}

/** Maps a bulk Customer node to a row, keeping Shopify's order count and spend; throws SyncPayloadError. */
export function mapBulkCustomer(shop: string, tree: BulkTree): CustomerRow {
  const node = parseNode(customerNodeSchema, tree, "Customer");
  const row: CustomerRow = {
    shop,
    id: node.id,
    tags: encodeList(node.tags ?? []),
    emailMarketingState: normaliseMarketingState(node.emailMarketingConsent?.marketingState),
    createdAt: node.createdAt,
    updatedAt: node.updatedAt,
  };
  if (node.defaultAddress !== undefined) {
    const code = node.defaultAddress?.countryCodeV2?.trim().toUpperCase();
    row.countryCode = code ? code : null;
  }
  if (node.numberOfOrders !== null && node.numberOfOrders !== undefined) row.numberOfOrders = node.numberOfOrders;
  if (node.amountSpent) row.amountSpentCents = node.amountSpent.amount;
  return row;
}

/** Maps an assembled bulk Order (with LineItem children) to rows; throws SyncPayloadError. */
export function mapBulkOrder(
  shop: string,
  tree: BulkTree,
  source: OrderSource = "bulk",
): { order: OrderRow; lines: OrderLineRow[] } {
  const node = parseNode(orderNodeSchema, tree, "Order");
  const order: OrderRow = {
    shop,
    id: node.id,
    name: node.name,
    customerId: node.customer?.id ?? null,
    createdAt: node.createdAt,
    updatedAt: node.updatedAt,
    processedAt: node.processedAt ?? null,
    currency: node.currencyCode,
    subtotalCents: node.subtotalPriceSet?.shopMoney.amount ?? node.totalPriceSet.shopMoney.amount,
    totalCents: node.totalPriceSet.shopMoney.amount,
    totalRefundedCents: node.totalRefundedSet?.shopMoney.amount ?? 0,
    cancelledAt: node.cancelledAt ?? null,
    // Lowercased to match the REST webhook values ("paid", "partially_refunded").
    financialStatus: node.displayFinancialStatus ? node.displayFinancialStatus.toLowerCase() : null,
    sourceName: node.sourceName ?? null,
    source,
    noteAttributes: node.customAttributes && node.customAttributes.length > 0 ? node.customAttributes : null,
  };
  const lines = parseChildren(lineItemNodeSchema, tree, "LineItem").map(
    (item): OrderLineRow => ({
      shop,
      id: item.id,
      orderId: node.id,
      productId: item.product?.id ?? null,
      variantId: item.variant?.id ?? null,
      title: item.title,
      quantity: item.quantity,
      // GraphQL has no per-line refund count; currentQuantity drops when items are refunded or removed.
      refundedQuantity:
        item.currentQuantity === null || item.currentQuantity === undefined
          ? 0
          : Math.min(item.quantity, Math.max(0, item.quantity - item.currentQuantity)),
      priceCents: item.originalUnitPriceSet.shopMoney.amount,
      properties: storedLineProperties(item.customAttributes),
      ...attributionFromProperties(item.customAttributes),
    }),
  );
  return { order, lines };
}
