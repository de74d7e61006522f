import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { computeCustomerAggregates, type AggregateOrder } from "~/lib/sync/customer-aggregates";
import { decodeList, encodeList } from "~/lib/sync/values";
import { readEthicsSettings, sensitiveProductIds, type EthicsSettings } from "~/lib/ethics";
import { refreshCustomerAggregates } from "~/models/customers.server";
import { testDb } from "../support/context";

// Mixed case and padding on purpose: sensitivity is matched case-insensitively on trimmed values.
const TAGS = ["health", "Health", " intimate", "baby", "garden", "kitchen", "sale", "Adult", "vegan"];
const COLLECTIONS = ["pharmacy", "bedroom", "nursery", "tops", "mugs", "Clearance"];

type Product = { id: string; tags: string; collections: string };
type Case = { settings: EthicsSettings; products: Product[]; orders: { customer: number; productIds: string[]; refunded: boolean[] }[] };

const caseArb: fc.Arbitrary<Case> = fc
  .record({
    sensitiveTags: fc.subarray(["health", "intimate", "baby", "adult", "Garden "]),
    sensitiveCollections: fc.subarray(["pharmacy", "NURSERY", "tops"]),
    products: fc.array(
      fc.record({ tags: fc.subarray(TAGS, { maxLength: 3 }), collections: fc.subarray(COLLECTIONS, { maxLength: 2 }) }),
      { minLength: 1, maxLength: 12 },
    ),
    orders: fc.array(
      fc.record({
        customer: fc.integer({ min: 1, max: 4 }),
        lines: fc.array(fc.record({ product: fc.nat(), refunded: fc.boolean() }), { minLength: 1, maxLength: 5 }),
      }),
      { minLength: 1, maxLength: 10 },
    ),
  })
  .map(({ sensitiveTags, sensitiveCollections, products, orders }) => {
    const catalogue = products.map((p, i) => ({ id: String(1000 + i), tags: encodeList(p.tags), collections: encodeList(p.collections) }));
    return {
      settings: readEthicsSettings({ sensitiveTags, sensitiveCollections }),
      products: catalogue,
      orders: orders.map((o) => ({
        customer: o.customer,
        productIds: o.lines.map((l) => catalogue[l.product % catalogue.length].id),
        refunded: o.lines.map((l) => l.refunded),
      })),
    };
  });

function aggregateOrders(c: Case, customer: number): AggregateOrder[] {
  return c.orders
    .filter((o) => o.customer === customer)
    .map((o, i) => ({
      createdAt: new Date(Date.UTC(2026, 0, 1 + i)),
      cancelledAt: null,
      totalCents: 1000,
      totalRefundedCents: 0,
      lines: o.productIds.map((productId, j) => ({ productId, quantity: 2, refundedQuantity: o.refunded[j] ? 1 : 0 })),
    }));
}

/** What must never appear in a customer's purchased* columns under these settings. */
function assertNoSensitiveSignal(c: Case, sensitive: Set<string>, columns: { purchasedProductIds: string; purchasedProductTags: string; purchasedCollections: string }) {
  const ids = decodeList(columns.purchasedProductIds);
  for (const id of ids) expect(sensitive.has(id), `sensitive product ${id} in purchasedProductIds`).toBe(false);
  const tags = new Set(c.settings.sensitiveTags);
  for (const tag of decodeList(columns.purchasedProductTags)) expect(tags.has(tag), `sensitive tag ${tag}`).toBe(false);
  const collections = new Set(c.settings.sensitiveCollections);
  for (const handle of decodeList(columns.purchasedCollections)) expect(collections.has(handle), `sensitive collection ${handle}`).toBe(false);
}

describe(`sensitive products never become personal signals (${testDb().flavour})`, () => {
  it("computeCustomerAggregates keeps every sensitive product, tag and collection out of purchased* over random catalogues", () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const sensitive = sensitiveProductIds(c.products, c.settings);
        const productsById = new Map(c.products.map((p) => [p.id, p]));
        for (const customer of [1, 2, 3, 4]) {
          const aggregates = computeCustomerAggregates(aggregateOrders(c, customer), { sensitiveProductIds: sensitive, productsById });
          assertNoSensitiveSignal(c, sensitive, aggregates);
          // Non-sensitive purchases are still kept: the filter removes exactly the sensitive ones.
          const bought = new Set(aggregateOrders(c, customer).flatMap((o) => o.lines.map((l) => l.productId!)));
          expect(decodeList(aggregates.purchasedProductIds).sort()).toEqual([...bought].filter((id) => !sensitive.has(id)).sort());
        }
      }),
      { numRuns: 300, seed: 70 },
    );
  });

  it("the stored Customer columns, refreshed through the database path, never hold a sensitive product", async () => {
    const prisma = testDb().prisma;
    let run = 0;
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        const shop = `sensitive-${run++}.myshopify.com`;
        const at = new Date("2025-06-01T00:00:00Z");
        await prisma.shop.create({ data: { domain: shop, settings: { ethics: c.settings } } });
        await prisma.product.createMany({ data: c.products.map((p) => ({ shop, ...p, handle: `h${p.id}`, title: p.id, createdAt: at, updatedAt: at })) });
        for (const [i, o] of c.orders.entries()) {
          await prisma.order.create({
            data: {
              shop, id: String(i + 1), name: `#${i + 1}`, customerId: String(o.customer), createdAt: new Date(Date.UTC(2026, 0, 1 + i)), updatedAt: at, totalCents: 1000,
              lines: { create: o.productIds.map((productId, j) => ({ id: `${i + 1}-${j}`, productId, title: productId, quantity: 2, refundedQuantity: o.refunded[j] ? 1 : 0, priceCents: 500 })) },
            },
          });
        }
        await refreshCustomerAggregates({ shop, customerIds: ["1", "2", "3", "4"] });
        const sensitive = sensitiveProductIds(c.products, c.settings);
        const customers = await prisma.customer.findMany({ where: { shop } });
        expect(customers.length).toBe(new Set(c.orders.map((o) => o.customer)).size);
        for (const customer of customers) assertNoSensitiveSignal(c, sensitive, customer);
      }),
      { numRuns: 15, seed: 70 },
    );
  });
});
