// Bulk operation queries. Every nested connection node selects `id` so the assembler can tell
// variants, collections and line items apart by GID type (bulk output flattens them into lines).

const PRODUCT_FIELDS = `id
        legacyResourceId
        handle
        title
        productType
        vendor
        tags
        status
        createdAt
        updatedAt
        publishedAt
        isGiftCard
        totalInventory
        tracksInventory
        featuredImage { url }
        priceRangeV2 { minVariantPrice { amount currencyCode } }
        collections { edges { node { id handle } } }
        variants { edges { node { id title sku price inventoryQuantity updatedAt } } }`;

const CUSTOMER_FIELDS = `id
        createdAt
        updatedAt
        tags
        numberOfOrders
        amountSpent { amount currencyCode }
        defaultAddress { countryCodeV2 }
        emailMarketingConsent { marketingState }`;

const ORDER_FIELDS = `id
        name
        createdAt
        updatedAt
        processedAt
        cancelledAt
        currencyCode
        displayFinancialStatus
        sourceName
        customer { id }
        subtotalPriceSet { shopMoney { amount currencyCode } }
        totalPriceSet { shopMoney { amount currencyCode } }
        totalRefundedSet { shopMoney { amount currencyCode } }
        customAttributes { key value }
        lineItems {
          edges {
            node {
              id
              quantity
              currentQuantity
              title
              sku
              variant { id }
              product { id }
              originalUnitPriceSet { shopMoney { amount currencyCode } }
              customAttributes { key value }
            }
          }
        }`;

export type BulkResource = "products" | "customers" | "orders";

const FIELDS: Record<BulkResource, string> = {
  products: PRODUCT_FIELDS,
  customers: CUSTOMER_FIELDS,
  orders: ORDER_FIELDS,
};

/** Builds a bulk query for one resource, optionally only records updated at or after `updatedSince`. */
export function buildBulkQuery(resource: BulkResource, options: { updatedSince?: Date } = {}): string {
  const filter = options.updatedSince ? `(query: "updated_at:>='${options.updatedSince.toISOString()}'")` : "";
  return `{
  ${resource}${filter} {
    edges {
      node {
        ${FIELDS[resource]}
      }
    }
  }
}`;
}

export const PRODUCTS_BULK_QUERY = buildBulkQuery("products");
export const CUSTOMERS_BULK_QUERY = buildBulkQuery("customers");
export const ORDERS_BULK_QUERY = buildBulkQuery("orders");
