// Two shops for tenant-isolation tests. Shop B's rows use the ids of the webhook fixtures (so a
// fixture delivered to shop A names B's rows) and carry the marker in every text column.
import type { Db } from "~/db.server";

export const SHOP_A = "isolation-a.myshopify.com";
export const SHOP_B = "isolation-b.myshopify.com";
/** Appears in B's rows only; any response or result for shop A that contains it has leaked. */
export const B_MARKER = "ZEBRAFINCH";

export const B_FIXTURE_IDS = {
  product: "8001",
  variant: "9001",
  customer: "7012345678901",
  secondCustomer: "7012345678902",
  order: "5612345678901",
  secondOrder: "5612345678902",
  line: "14001",
} as const;

export interface TenantIds {
  product: string;
  variant: string;
  customer: string;
  order: string;
  segment: string;
  segmentHandle: string;
  experiment: string;
  export: string;
  delivery: string;
  syncRun: string;
  rule: string;
  recomputeRun: string;
  fairnessReport: string;
  audit: string;
  visitor: string;
}

const at = new Date("2025-06-01T00:00:00Z");

async function seedShop(prisma: Db, shop: string, mark: string, ids: { product: string; variant: string; customer: string; order: string; line: string; secondCustomer: string; secondOrder: string }): Promise<TenantIds> {
  const low = mark.toLowerCase();
  await prisma.shop.create({ data: { domain: shop, settings: { ethics: { sensitiveTags: [`${low}-private`] } }, liveRecVersion: 1, currency: "EUR" } });
  await prisma.product.create({
    data: {
      shop, id: ids.product, handle: `${low}-lamp`, title: `${mark} Lamp`, vendor: `${mark} Works`, productType: `${mark} type`,
      tags: `,${low},`, collections: `,${low}-collection,`, priceCents: 4200, createdAt: at, updatedAt: at,
      variants: { create: { id: ids.variant, sku: `${mark}-SKU`, title: `${mark} variant`, priceCents: 4200, updatedAt: at } },
    },
  });
  for (const customer of [ids.customer, ids.secondCustomer]) {
    await prisma.customer.create({
      data: {
        shop, id: customer, tags: `,${low},`, numberOfOrders: 2, amountSpentCents: 8400, churnReason: `${mark} churn`, rfmGroup: "champions",
        lifecycleStage: "active", purchasedProductIds: `,${ids.product},`, purchasedProductTags: `,${low},`, firstOrderAt: at, lastOrderAt: at, createdAt: at, updatedAt: at,
      },
    });
  }
  for (const [order, customer, line] of [[ids.order, ids.customer, ids.line], [ids.secondOrder, ids.secondCustomer, `${ids.line}9`]]) {
    await prisma.order.create({
      data: {
        shop, id: order, name: `#${mark}-${order}`, customerId: customer, createdAt: at, updatedAt: at, totalCents: 4200, subtotalCents: 4200,
        noteAttributes: { note: mark }, lines: { create: { id: line, productId: ids.product, variantId: ids.variant, title: `${mark} line`, quantity: 1, priceCents: 4200 } },
      },
    });
  }
  const segment = await prisma.segment.create({ data: { shop, handle: `${low}-vips`, name: `${mark} VIPs`, rule: `customer_tags CONTAINS '${low}'`, memberCount: 2, strategy: "for_you", strategyStatus: "pending" } });
  await prisma.segmentMember.createMany({ data: [ids.customer, ids.secondCustomer].map((customerId) => ({ shop, segmentId: segment.id, customerId })) });
  await prisma.segmentHistory.create({ data: { shop, segmentId: segment.id, customerId: ids.customer, change: "entered" } });
  const experiment = await prisma.experiment.create({
    data: { shop, name: `${mark} experiment`, surface: "home", arms: [{ key: "personal", strategy: "for_you", weight: 1 }], startedAt: at, status: "running", targetSampleSize: 1000 },
  });
  const exported = await prisma.complianceExport.create({ data: { shop, customerId: ids.customer, requestId: `${mark}-request`, payload: { marker: mark } } });
  const delivery = await prisma.webhookDelivery.create({ data: { shop, eventId: `${low}-event`, topic: "ORDERS_CREATE", payload: JSON.stringify({ marker: mark }), status: "failed", lastError: mark } });
  const run = await prisma.syncRun.create({ data: { shop, kind: "backfill", status: "failed", lastError: `${mark} failure`, counts: {} } });
  await prisma.syncRun.create({ data: { shop, kind: "csv-import", status: "completed", lastError: `${mark} csv`, counts: {} } });
  const rule = await prisma.merchRule.create({ data: { shop, action: "pin", targetType: "tag", targetValue: `${low}-pinned`, position: 1, createdBy: `${mark} staff` } });
  const recompute = await prisma.recomputeRun.create({ data: { shop, version: 1, status: "completed", stage: mark, lastError: mark } });
  const item = (productId: string) => ({ productId, score: 1, reason: `${mark} reason`, source: "co_purchase" });
  for (const [kind, subjectId] of [["fbt", ids.product], ["personal", ids.customer], ["bestsellers", "*"], ["trending", "*"], ["buy_again", ids.customer]]) {
    await prisma.recList.create({ data: { shop, version: 1, kind, subjectId, items: [item(ids.product)] } });
  }
  const visitor = `${low}-visitor-1`;
  await prisma.shopperPreference.create({ data: { shop, shopperKey: `c:${ids.customer}`, notInterested: `,${ids.product},` } });
  await prisma.event.create({ data: { shop, type: "click", visitorId: visitor, customerId: ids.customer, surface: "home", strategy: low, arm: "personal", segmentId: segment.id, productId: ids.product, occurredAt: at } });
  await prisma.anonymousCount.create({ data: { shop, day: "2025-06-01", surface: "home", type: "click", count: 7 } });
  await prisma.metricDaily.create({ data: { shop, day: "2025-06-01", surface: "home", strategy: low, segment: `${low}-segment`, arm: "personal", visitors: 5, orders: 1, revenueCents: 4200 } });
  const audit = await prisma.auditLog.create({ data: { shop, actor: `${mark} staff`, action: "settings.update", entityType: "settings", entityId: mark, after: { marker: mark } } });
  const fairness = await prisma.fairnessReport.create({ data: { shop, periodEnd: at, metrics: { marker: mark } } });
  return {
    product: ids.product, variant: ids.variant, customer: ids.customer, order: ids.order, segment: segment.id, segmentHandle: segment.handle,
    experiment: experiment.id, export: exported.id, delivery: delivery.id, syncRun: run.id, rule: rule.id, recomputeRun: recompute.id,
    fairnessReport: fairness.id, audit: audit.id, visitor,
  };
}

/** Seeds A (its own ids, plain text) and B (fixture ids, marker text); returns each shop's ids. */
export async function seedTenants(prisma: Db): Promise<{ a: TenantIds; b: TenantIds }> {
  const a = await seedShop(prisma, SHOP_A, "ALPHA", { product: "101", variant: "201", customer: "301", secondCustomer: "302", order: "401", secondOrder: "402", line: "501" });
  const b = await seedShop(prisma, SHOP_B, B_MARKER, B_FIXTURE_IDS);
  return { a, b };
}

/** Every row of shop B in every table that has a shop column, as stable JSON, to prove nothing of B changed. */
export async function snapshotShop(prisma: Db, shop: string): Promise<Record<string, string[]>> {
  const { Prisma } = await import("@prisma/client");
  const out: Record<string, string[]> = {};
  for (const model of Prisma.dmmf.datamodel.models) {
    const field = model.fields.some((f) => f.name === "shop") ? "shop" : model.name === "Shop" ? "domain" : null;
    if (!field) continue;
    const delegate = (prisma as unknown as Record<string, { findMany(args: unknown): Promise<unknown[]> }>)[model.name[0].toLowerCase() + model.name.slice(1)];
    const rows = await delegate.findMany({ where: { [field]: shop } });
    out[model.name] = rows.map((r) => JSON.stringify(r, (_k, v) => (typeof v === "bigint" ? String(v) : v))).sort();
  }
  return out;
}

/** The strings whose appearance in anything returned to shop A means B's data leaked. */
export function leakedMarkers(text: string, b: TenantIds, request = ""): string[] {
  const found: string[] = [];
  const lower = text.toLowerCase();
  if (lower.includes(B_MARKER.toLowerCase())) found.push(B_MARKER);
  if (lower.includes(SHOP_B) && !request.includes(SHOP_B)) found.push(SHOP_B);
  // Long ids only: short ones such as product 8001 also occur by chance; the marker covers those rows.
  const ids = [b.customer, b.order, B_FIXTURE_IDS.secondCustomer, B_FIXTURE_IDS.secondOrder, b.segment, b.experiment, b.export, b.delivery, b.syncRun, b.rule, b.recomputeRun, b.fairnessReport, b.audit];
  for (const id of ids) if (text.includes(id) && !request.includes(id)) found.push(id);
  return found;
}
