/** One stored field: where it lives, why Shopkeeper keeps it and for how long. */
export type InventoryEntry = {
  table: string;
  field: string;
  why: string;
  kept: string;
  /** True when the field can relate to one identifiable shopper (ids, not names: none are stored). */
  personal: boolean;
};

const UNTIL_REDACT = "Until the customer or shop is redacted, or the app is uninstalled and the shop redacted";
const UNTIL_SHOP_REDACT = "Until shop/redact (48 hours after uninstall)";
const RETENTION = "The shop's event retention setting (default 90 days), then deleted by the nightly purge";

// Derived from prisma/schema.prisma; a test checks every model column appears here, so a new column must be explained.
/** Every field Shopkeeper stores, grouped by table. Protected attributes (gender, age, ethnicity, religion…) are never stored. */
export const DATA_INVENTORY: readonly InventoryEntry[] = [
  { table: "Session", field: "id, shop, state, isOnline, scope, expires, accessToken, refreshToken, refreshTokenExpires", why: "Shopify OAuth session so the app can call the Admin API for this shop", kept: "Until the app is uninstalled", personal: false },
  { table: "Session", field: "userId, firstName, lastName, email, accountOwner, locale, collaborator, emailVerified", why: "The staff member signed in to the admin (online sessions only), used as the actor in the audit log", kept: "Until the app is uninstalled", personal: false },
  { table: "Shop", field: "domain, installState, installedAt, uninstalledAt, plan, currency, scopes, liveRecVersion, createdAt, updatedAt", why: "Which shop installed the app and which recommendation version is live", kept: UNTIL_SHOP_REDACT, personal: false },
  { table: "Shop", field: "settings", why: "Your ethics, privacy and ROI settings", kept: UNTIL_SHOP_REDACT, personal: false },
  { table: "Product", field: "id, handle, title, productType, vendor, tags, collections, status, published, isGiftCard, imageUrl, priceCents, inventory, tracksInventory, createdAt, updatedAt, deletedAt, syncedAt", why: "Catalogue facts recommendations and sensitive-product filtering need", kept: UNTIL_SHOP_REDACT, personal: false },
  { table: "Variant", field: "id, productId, title, sku, priceCents, inventory, updatedAt", why: "Resolving order lines and CSV imports to products", kept: UNTIL_SHOP_REDACT, personal: false },
  { table: "Customer", field: "id, countryCode, tags, emailMarketingState, createdAt, updatedAt, syncedAt", why: "Segment rules (no name, email, phone or address is stored)", kept: UNTIL_REDACT, personal: true },
  { table: "Customer", field: "analyticsConsent, personalisationOptOut", why: "Honouring the shopper's consent and opt-out", kept: UNTIL_REDACT, personal: true },
  { table: "Customer", field: "numberOfOrders, amountSpentCents, averageOrderValueCents, firstOrderAt, lastOrderAt", why: "Order aggregates for segments and minimum-evidence checks", kept: UNTIL_REDACT, personal: true },
  { table: "Customer", field: "rfmRecency, rfmFrequency, rfmMonetary, rfmGroup, lifecycleStage, churnRisk, churnReason, expectedValue12mCents", why: "Scores computed from orders for segments", kept: UNTIL_REDACT, personal: true },
  { table: "Customer", field: "purchasedProductIds, purchasedProductTags, purchasedCollections", why: "Purchase-based segment rules; sensitive products are never included", kept: UNTIL_REDACT, personal: true },
  { table: "Order", field: "id, name, customerId, createdAt, updatedAt, processedAt, currency, subtotalCents, totalCents, totalRefundedCents, cancelledAt, financialStatus, sourceName, source, noteAttributes, refunds, syncedAt", why: "Co-purchase recommendations, attribution and ROI", kept: UNTIL_REDACT, personal: true },
  { table: "OrderLine", field: "id, orderId, productId, variantId, title, quantity, refundedQuantity, priceCents, properties", why: "Which products were bought together", kept: UNTIL_REDACT, personal: true },
  { table: "OrderLine", field: "recSurface, recStrategy, recArm", why: "Attributing a sale to the recommendation that led to it", kept: UNTIL_REDACT, personal: false },
  { table: "WebhookDelivery", field: "id, eventId, topic, webhookId, apiVersion, payload, receivedAt, processedAt, attempts, lastError, status", why: "Processing Shopify webhooks exactly once, and retrying failures", kept: "Until processed and swept; customer payloads are removed on redact", personal: true },
  { table: "SyncRun", field: "id, kind, status, stage, bulkOperationId, resultUrl, linesDone, counts, totalHint, lastError, since, startedAt, finishedAt", why: "Progress of backfills, reconciles and CSV imports", kept: UNTIL_SHOP_REDACT, personal: false },
  { table: "ComplianceExport", field: "id, customerId, requestId, payload, createdAt", why: "Answering a customer's data request (GDPR/CCPA)", kept: "Until downloaded and the shop is redacted", personal: true },
  { table: "RecList", field: "version, kind, subjectId, items, updatedAt", why: "Precomputed recommendation lists served to the storefront", kept: "Until replaced by the next recompute", personal: true },
  { table: "RecomputeRun", field: "id, version, status, progress, stage, stats, lastError, startedAt, finishedAt", why: "Progress of recommendation recomputes", kept: UNTIL_SHOP_REDACT, personal: false },
  { table: "MerchRule", field: "id, action, targetType, targetValue, surfaces, position, weight, status, rolloutPct, createdBy, approvedBy, approvedAt, createdAt, updatedAt", why: "Your merchandising rules and who approved them", kept: UNTIL_SHOP_REDACT, personal: false },
  { table: "Segment", field: "id, handle, name, kind, rule, syncToShopify, strategy, strategyStatus, memberCount, computedAt, createdAt, updatedAt", why: "Segment definitions and their approved storefront strategy", kept: UNTIL_SHOP_REDACT, personal: false },
  { table: "SegmentMember", field: "segmentId, customerId, since, taggedAt", why: "Who is in each segment now", kept: UNTIL_REDACT, personal: true },
  { table: "SegmentHistory", field: "id, segmentId, customerId, change, at", why: "Segment entries and exits for trend charts", kept: UNTIL_REDACT, personal: true },
  { table: "ShopperPreference", field: "shopperKey, personalisationOff, notInterested, updatedAt", why: "A shopper's own choices: personalisation off and products they are not interested in", kept: UNTIL_REDACT, personal: true },
  { table: "Event", field: "id, type, visitorId, customerId, surface, strategy, arm, segmentId, productId, occurredAt", why: "Impressions, clicks and add-to-carts of consenting shoppers, for measurement and fairness", kept: RETENTION, personal: true },
  { table: "AnonymousCount", field: "day, surface, type, count", why: "Counts without any identifier for shoppers who did not consent", kept: RETENTION, personal: false },
  { table: "Experiment", field: "id, name, surface, status, arms, holdoutPct, rolloutPct, targetSampleSize, startedAt, stoppedAt, createdAt", why: "Experiments you run", kept: UNTIL_SHOP_REDACT, personal: false },
  { table: "MetricDaily", field: "day, surface, strategy, segment, arm, visitors, impressions, clicks, addToCarts, orders, revenueCents, attributedCents", why: "Daily totals for experiment results and ROI (no shopper ids)", kept: UNTIL_SHOP_REDACT, personal: false },
  { table: "AuditLog", field: "id, actor, action, entityType, entityId, before, after, at", why: "Who changed what, for accountability", kept: UNTIL_SHOP_REDACT, personal: false },
  { table: "FairnessReport", field: "id, periodEnd, metrics, createdAt", why: "Monthly exposure-fairness reports", kept: UNTIL_SHOP_REDACT, personal: false },
];

/** The inventory's fields of one table, flattened to a list of column names. */
export function inventoryColumns(table: string): string[] {
  return DATA_INVENTORY.filter((e) => e.table === table).flatMap((e) => e.field.split(",").map((f) => f.trim()));
}
