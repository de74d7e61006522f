import { Prisma } from "@prisma/client";
import prisma from "~/db.server";

/**
 * customers/data_request: everything Shopkeeper stores about one customer, saved for the merchant to
 * download and hand over. Returns the export's id.
 */
export async function exportCustomerData({ shop, customerId, requestId }: { shop: string; customerId: string; requestId: string | null }) {
  const shopperKey = `c:${customerId}`;
  const [customer, orders, memberships, history, preference, events] = await Promise.all([
    prisma.customer.findFirst({ where: { shop, id: customerId } }),
    prisma.order.findMany({ where: { shop, customerId }, include: { lines: { orderBy: { id: "asc" } } }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] }),
    prisma.segmentMember.findMany({ where: { shop, customerId } }),
    prisma.segmentHistory.findMany({ where: { shop, customerId }, orderBy: { at: "asc" } }),
    prisma.shopperPreference.findFirst({ where: { shop, shopperKey } }),
    prisma.event.findMany({ where: { shop, customerId }, orderBy: { occurredAt: "asc" } }),
  ]);
  const payload = JSON.parse(
    JSON.stringify({ customerId, generatedFor: shop, customer, orders, segmentMemberships: memberships, segmentHistory: history, preference, events }),
  ) as Prisma.InputJsonValue;
  const row = await prisma.complianceExport.create({ data: { shop, customerId, requestId, payload } });
  return row.id;
}

export async function listComplianceExports({ shop }: { shop: string }) {
  return prisma.complianceExport.findMany({
    where: { shop },
    orderBy: { createdAt: "desc" },
    select: { id: true, customerId: true, requestId: true, createdAt: true },
    take: 100,
  });
}

export async function getComplianceExport({ shop, id }: { shop: string; id: string }) {
  return prisma.complianceExport.findFirst({ where: { shop, id } });
}

/**
 * customers/redact: removes the customer's row, preferences, events and segment history, and unlinks
 * their orders. The anonymous baskets stay for aggregate co-purchase counts (docs/decisions/003).
 */
export async function redactCustomer({ shop, customerId, orderIds }: { shop: string; customerId: string; orderIds: string[] }) {
  const linkedOrders = { shop, OR: [{ customerId }, ...(orderIds.length ? [{ id: { in: orderIds } }] : [])] };
  await prisma.$transaction([
    // Line properties and note attributes can hold free text a shopper typed, so they go too.
    prisma.orderLine.updateMany({
      where: { shop, order: linkedOrders },
      data: { properties: Prisma.DbNull },
    }),
    prisma.order.updateMany({ where: linkedOrders, data: { customerId: null, noteAttributes: Prisma.DbNull } }),
    prisma.customer.deleteMany({ where: { shop, id: customerId } }),
    prisma.segmentMember.deleteMany({ where: { shop, customerId } }),
    prisma.segmentHistory.deleteMany({ where: { shop, customerId } }),
    prisma.shopperPreference.deleteMany({ where: { shop, shopperKey: `c:${customerId}` } }),
    prisma.event.deleteMany({ where: { shop, customerId } }),
    prisma.complianceExport.deleteMany({ where: { shop, customerId } }),
    prisma.recList.deleteMany({ where: { shop, kind: { in: ["personal", "buy_again"] }, subjectId: customerId } }),
    // Failed deliveries keep their raw body for inspection; any that mention the customer lose it.
    // Pending ones are left to be applied (they are emptied once processed).
    prisma.webhookDelivery.updateMany({
      where: { shop, status: { not: "received" }, payload: { contains: customerId } },
      data: { payload: "" },
    }),
  ]);
}

/** shop/redact: every row that belongs to the shop, in every table. */
export async function redactShop({ shop }: { shop: string }) {
  await prisma.$transaction([
    prisma.orderLine.deleteMany({ where: { shop } }),
    prisma.order.deleteMany({ where: { shop } }),
    prisma.variant.deleteMany({ where: { shop } }),
    prisma.product.deleteMany({ where: { shop } }),
    prisma.customer.deleteMany({ where: { shop } }),
    prisma.webhookDelivery.deleteMany({ where: { shop } }),
    prisma.syncRun.deleteMany({ where: { shop } }),
    prisma.complianceExport.deleteMany({ where: { shop } }),
    prisma.recList.deleteMany({ where: { shop } }),
    prisma.recomputeRun.deleteMany({ where: { shop } }),
    prisma.merchRule.deleteMany({ where: { shop } }),
    prisma.segmentMember.deleteMany({ where: { shop } }),
    prisma.segmentHistory.deleteMany({ where: { shop } }),
    prisma.segment.deleteMany({ where: { shop } }),
    prisma.shopperPreference.deleteMany({ where: { shop } }),
    prisma.event.deleteMany({ where: { shop } }),
    prisma.anonymousCount.deleteMany({ where: { shop } }),
    prisma.experiment.deleteMany({ where: { shop } }),
    prisma.metricDaily.deleteMany({ where: { shop } }),
    prisma.auditLog.deleteMany({ where: { shop } }),
    prisma.fairnessReport.deleteMany({ where: { shop } }),
    prisma.session.deleteMany({ where: { shop } }),
    prisma.shop.deleteMany({ where: { domain: shop } }),
  ]);
}
