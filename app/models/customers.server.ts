import prisma, { lockKeys } from "~/db.server";
import type { CustomerRow } from "~/lib/sync/rows";
import { isNewer } from "~/lib/sync/values";
import { computeCustomerAggregates } from "~/lib/sync/customer-aggregates";
import { listSensitiveProductIds } from "~/models/catalog.server";
import { placeholders } from "~/models/raw-sql.server";
import { getShopSettings } from "~/models/shop.server";

const CHUNK = 200;

/** Upserts customer profile fields (never the aggregates we compute); older copies are ignored. */
export async function saveCustomers({ shop, rows }: { shop: string; rows: CustomerRow[] }) {
  let applied = 0;
  for (let i = 0; i < rows.length; i += CHUNK) {
    const chunk = rows.slice(i, i + CHUNK).filter((row) => row.shop === shop);
    const stored = await prisma.customer.findMany({
      where: { shop, id: { in: chunk.map((c) => c.id) } },
      select: { id: true, updatedAt: true },
    });
    const byId = new Map(stored.map((s) => [s.id, s]));
    const fresh = chunk.filter((c) => isNewer(c.updatedAt, byId.get(c.id)?.updatedAt));
    const profile = ({ numberOfOrders: _n, amountSpentCents: _a, ...rest }: CustomerRow) => rest;
    const created = fresh.filter((c) => !byId.has(c.id)).map(profile);
    const updated = fresh.filter((c) => byId.has(c.id)).map(profile);
    await prisma.$transaction([
      ...(created.length ? [prisma.customer.createMany({ data: created })] : []),
      ...updated.map(({ shop: _s, id, ...data }) => prisma.customer.updateMany({ where: { shop, id }, data })),
    ]);
    applied += fresh.length;
  }
  return { applied };
}

/**
 * Recomputes the materialised aggregates of the given customers from their orders. Customers seen
 * only on orders (their own webhook not yet arrived) get a minimal row so segments can see them.
 * Each chunk reads and writes in one transaction holding per-customer locks, so two workers
 * refreshing the same customer cannot interleave and leave a stale result behind.
 */
export async function refreshCustomerAggregates({ shop, customerIds }: { shop: string; customerIds: string[] }) {
  if (customerIds.length === 0) return { updated: 0 };
  const settings = await getShopSettings({ shop });
  const sensitive = await listSensitiveProductIds({
    shop,
    tags: settings.ethics.sensitiveTags,
    collections: settings.ethics.sensitiveCollections,
  });
  const sorted = [...new Set(customerIds)].sort();
  let updated = 0;
  for (let i = 0; i < sorted.length; i += CHUNK) {
    const ids = sorted.slice(i, i + CHUNK);
    await prisma.$transaction(
      async (tx) => {
        await lockKeys(tx, ids.map((id) => `${shop}/customer/${id}`));
        const orders = await tx.order.findMany({
          where: { shop, customerId: { in: ids } },
          select: {
            customerId: true,
            createdAt: true,
            cancelledAt: true,
            totalCents: true,
            totalRefundedCents: true,
            lines: { select: { productId: true, quantity: true, refundedQuantity: true } },
          },
        });
        const productIds = [...new Set(orders.flatMap((o) => o.lines.flatMap((l) => (l.productId ? [l.productId] : []))))];
        const productsById = new Map<string, { tags: string; collections: string }>();
        // Chunked: SQLite caps the number of bound parameters in one statement.
        for (let j = 0; j < productIds.length; j += 500) {
          const products = await tx.product.findMany({
            where: { shop, id: { in: productIds.slice(j, j + 500) } },
            select: { id: true, tags: true, collections: true },
          });
          for (const product of products) productsById.set(product.id, product);
        }
        const existing = new Set(
          (await tx.customer.findMany({ where: { shop, id: { in: ids } }, select: { id: true } })).map((c) => c.id),
        );
        const byCustomer = new Map<string, typeof orders>();
        for (const order of orders) {
          const list = byCustomer.get(order.customerId!) ?? [];
          list.push(order);
          byCustomer.set(order.customerId!, list);
        }
        for (const id of ids) {
          const aggregates = computeCustomerAggregates(byCustomer.get(id) ?? [], { sensitiveProductIds: sensitive, productsById });
          if (existing.has(id)) {
            await tx.customer.updateMany({ where: { shop, id }, data: aggregates });
          } else if (aggregates.firstOrderAt) {
            // updatedAt stays at the epoch so the customer's own webhook, whenever it comes, is newer.
            await tx.customer.create({
              data: { shop, id, createdAt: aggregates.firstOrderAt, updatedAt: new Date(0), ...aggregates },
            });
          }
        }
      },
      { timeout: 60_000, maxWait: 30_000 },
    );
    updated += ids.length;
  }
  return { updated };
}

export async function getCustomer({ shop, id }: { shop: string; id: string }) {
  return prisma.customer.findFirst({ where: { shop, id } });
}

/** What the storefront's personalisation gates need of a customer; null for an unknown one. Raw: read per personal answer. */
export async function getPersonalisationFacts({ shop, id }: { shop: string; id: string }): Promise<{ numberOfOrders: number; personalisationOptOut: boolean } | null> {
  const rows = await prisma.$queryRawUnsafe<{ orders: number | bigint; optOut: boolean | number }[]>(
    `SELECT "numberOfOrders" AS orders, "personalisationOptOut" AS "optOut" FROM "Customer" WHERE "shop" = ${placeholders(1, 1)} AND "id" = ${placeholders(1, 2)}`,
    shop,
    id,
  );
  return rows.length ? { numberOfOrders: Number(rows[0].orders), personalisationOptOut: Boolean(rows[0].optOut) } : null;
}

/** customers/delete: the merchant removed the customer in Shopify; orders stay, unlinked. */
export async function deleteCustomer({ shop, id }: { shop: string; id: string }) {
  await prisma.$transaction([
    prisma.order.updateMany({ where: { shop, customerId: id }, data: { customerId: null } }),
    prisma.segmentMember.deleteMany({ where: { shop, customerId: id } }),
    prisma.customer.deleteMany({ where: { shop, id } }),
  ]);
}

export async function listCustomerIds({ shop }: { shop: string }) {
  const rows = await prisma.order.findMany({ where: { shop, customerId: { not: null } }, distinct: ["customerId"], select: { customerId: true } });
  return rows.map((r) => r.customerId!);
}

/** Customers with an order created or updated since the given time (a reconciliation's reach). */
export async function listCustomerIdsWithOrdersUpdatedSince({ shop, since }: { shop: string; since: Date }) {
  const rows = await prisma.order.findMany({
    where: { shop, customerId: { not: null }, OR: [{ updatedAt: { gte: since } }, { syncedAt: { gte: since } }] },
    distinct: ["customerId"],
    select: { customerId: true },
  });
  return rows.map((r) => r.customerId!);
}
