import { beforeAll, describe, expect, it } from "vitest";
import { testDb } from "../support/context";
import { getShopOverview, getShop, getShopSettings } from "~/models/shop.server";
import { getProduct, listProducts, listSensitiveProductIds, mapSkusToProductIds } from "~/models/catalog.server";
import { getCustomer, listCustomerIds } from "~/models/customers.server";
import { getOrderWithLines } from "~/models/orders.server";
import { getDelivery, listDeliveries } from "~/models/webhook-delivery.server";
import { getLatestSyncRun, getSyncRun } from "~/models/sync-run.server";
import { getComplianceExport, listComplianceExports } from "~/models/compliance.server";
import { searchAuditLog } from "~/models/audit.server";

const A = "tenant-a.myshopify.com";
const B = "tenant-b.myshopify.com";
const SECRET = "B-ONLY-SECRET";
const when = new Date("2025-01-01T00:00:00Z");

// Both shops hold rows with the SAME ids; only B's carry the secret marker.
async function seed(shop: string, marker: string) {
  const prisma = testDb().prisma;
  await prisma.shop.create({ data: { domain: shop, settings: { ethics: { sensitiveTags: [marker.toLowerCase()] } } } });
  await prisma.product.create({
    data: {
      shop, id: "1", handle: `h-${marker}`, title: marker, tags: `,${marker.toLowerCase()},`, createdAt: when, updatedAt: when,
      variants: { create: { id: "11", sku: "SKU-1", title: marker, updatedAt: when } },
    },
  });
  await prisma.customer.create({ data: { shop, id: "7", tags: `,${marker.toLowerCase()},`, createdAt: when, updatedAt: when, churnReason: marker } });
  await prisma.order.create({
    data: {
      shop, id: "5", name: marker, customerId: "7", createdAt: when, updatedAt: when,
      lines: { create: { id: "51", productId: "1", title: marker, quantity: 1, priceCents: 100 } },
    },
  });
  const delivery = await prisma.webhookDelivery.create({ data: { shop, eventId: "ev-1", topic: "ORDERS_CREATE", payload: JSON.stringify({ marker }) } });
  const run = await prisma.syncRun.create({ data: { shop, kind: "backfill", lastError: marker, counts: {} } });
  const exported = await prisma.complianceExport.create({ data: { shop, customerId: "7", payload: { marker } } });
  await prisma.auditLog.create({ data: { shop, actor: marker, action: "settings.update", entityType: "settings", after: { marker } } });
  return { deliveryId: delivery.id, runId: run.id, exportId: exported.id };
}

describe(`tenant isolation of model functions (${testDb().flavour})`, () => {
  let b: Awaited<ReturnType<typeof seed>>;
  beforeAll(async () => {
    await seed(A, "A-VISIBLE");
    b = await seed(B, SECRET);
  });

  it("never returns shop B's rows to a call for shop A, even with B's ids", async () => {
    const results: Record<string, unknown> = {
      getShop: await getShop({ shop: A }),
      getShopSettings: await getShopSettings({ shop: A }),
      getShopOverview: await getShopOverview({ shop: A }),
      getProduct: await getProduct({ shop: A, id: "1" }),
      listProducts: await listProducts({ shop: A }),
      mapSkusToProductIds: [...(await mapSkusToProductIds({ shop: A, skus: ["SKU-1"] }))],
      listSensitiveProductIds: [...(await listSensitiveProductIds({ shop: A, tags: [SECRET], collections: [] }))],
      getCustomer: await getCustomer({ shop: A, id: "7" }),
      listCustomerIds: await listCustomerIds({ shop: A }),
      getOrderWithLines: await getOrderWithLines({ shop: A, id: "5" }),
      getDeliveryOfB: await getDelivery({ shop: A, id: b.deliveryId }),
      listDeliveries: await listDeliveries({ shop: A }),
      getSyncRunOfB: await getSyncRun({ shop: A, id: b.runId }),
      getLatestSyncRun: await getLatestSyncRun({ shop: A, kind: "backfill" }),
      listComplianceExports: await listComplianceExports({ shop: A }),
      getComplianceExportOfB: await getComplianceExport({ shop: A, id: b.exportId }),
      searchAuditLog: await searchAuditLog({ shop: A }),
    };
    for (const [name, value] of Object.entries(results)) {
      const text = JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? String(v) : v));
      expect(text, name).not.toContain(SECRET);
      expect(text.toLowerCase(), name).not.toContain(SECRET.toLowerCase());
      expect(text, name).not.toContain(B);
    }
    // B's own rows by B's ids are not visible to A at all.
    expect(results.getDeliveryOfB).toBeNull();
    expect(results.getSyncRunOfB).toBeNull();
    expect(results.getComplianceExportOfB).toBeNull();
    // ...while A's identically keyed rows are returned, so the check above is not vacuous.
    expect(JSON.stringify(results.getProduct)).toContain("A-VISIBLE");
    expect(JSON.stringify(results.getOrderWithLines)).toContain("A-VISIBLE");
    expect((results.listProducts as unknown[]).length).toBe(1);
  });

  it("writes for shop A never touch shop B's identically keyed rows", async () => {
    const { markProductDeleted } = await import("~/models/catalog.server");
    const { deleteCustomer } = await import("~/models/customers.server");
    await markProductDeleted({ shop: A, id: "1", at: new Date() });
    await deleteCustomer({ shop: A, id: "7" });
    const prisma = testDb().prisma;
    expect((await prisma.product.findFirstOrThrow({ where: { shop: B, id: "1" } })).deletedAt).toBeNull();
    expect(await prisma.customer.count({ where: { shop: B, id: "7" } })).toBe(1);
    expect((await prisma.order.findFirstOrThrow({ where: { shop: B, id: "5" } })).customerId).toBe("7");
  });
});
