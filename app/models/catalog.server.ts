import prisma from "~/db.server";
import type { ProductRow, VariantRow } from "~/lib/sync/rows";
import { isNewer } from "~/lib/sync/values";
import { insertRowsQuery, PRODUCT_COLUMNS, VARIANT_COLUMNS } from "~/models/bulk-insert.server";

export interface ProductWithVariants {
  product: ProductRow;
  variants: VariantRow[];
}

const CHUNK = 500;

/**
 * Writes products with their variants, replacing the stored copy only when the incoming one is not
 * older (an older updated_at never overwrites a newer one). Safe to repeat. Returns how many were applied.
 */
export async function saveProducts({ shop, items }: { shop: string; items: ProductWithVariants[] }) {
  let applied = 0;
  for (let i = 0; i < items.length; i += CHUNK) {
    const chunk = items.slice(i, i + CHUNK).filter((item) => item.product.shop === shop);
    const stored = await prisma.product.findMany({
      where: { shop, id: { in: chunk.map((c) => c.product.id) } },
      select: { id: true, updatedAt: true, collections: true, isGiftCard: true, tracksInventory: true },
    });
    const byId = new Map(stored.map((s) => [s.id, s]));
    const fresh = chunk.filter((c) => isNewer(c.product.updatedAt, byId.get(c.product.id)?.updatedAt));
    if (fresh.length === 0) continue;
    const now = new Date();
    await prisma.$transaction([
      // Variants go with their product through the cascading foreign key.
      prisma.product.deleteMany({ where: { shop, id: { in: fresh.map((c) => c.product.id) } } }),
      insertRowsQuery(
        "Product",
        PRODUCT_COLUMNS,
        fresh.map(({ product }) => {
          const previous = byId.get(product.id);
          // Webhook payloads lack collections and the gift-card flag; keep what the bulk sync stored.
          return {
            ...product,
            collections: product.collections ?? previous?.collections ?? ",",
            isGiftCard: product.isGiftCard ?? previous?.isGiftCard ?? false,
            tracksInventory: product.tracksInventory ?? previous?.tracksInventory ?? false,
            syncedAt: now,
          };
        }),
      ),
      // The shop argument, not the row's own field, decides whose variant it is.
      insertRowsQuery("Variant", VARIANT_COLUMNS, fresh.flatMap((c) => c.variants.map((variant) => ({ ...variant, shop })))),
    ]);
    applied += fresh.length;
  }
  return { applied };
}

/** Marks a product deleted; its updatedAt moves to now so a late, older update cannot revive it. */
export async function markProductDeleted({ shop, id, at }: { shop: string; id: string; at: Date }) {
  await prisma.product.updateMany({ where: { shop, id }, data: { deletedAt: at, published: false, updatedAt: at } });
}

export async function getProduct({ shop, id }: { shop: string; id: string }) {
  return prisma.product.findFirst({ where: { shop, id }, include: { variants: true } });
}

export async function listProducts({ shop, take = 50, skip = 0 }: { shop: string; take?: number; skip?: number }) {
  return prisma.product.findMany({ where: { shop, deletedAt: null }, orderBy: { title: "asc" }, take, skip });
}

/** Looks products up by variant SKU (the order-export CSV names products only by SKU). */
export async function mapSkusToProductIds({ shop, skus }: { shop: string; skus: string[] }) {
  const rows = await prisma.variant.findMany({ where: { shop, sku: { in: skus } }, select: { sku: true, productId: true } });
  return new Map(rows.map((r) => [r.sku!, r.productId]));
}

/** Ids of products that are sensitive under the shop's tags and collections. */
export async function listSensitiveProductIds({ shop, tags, collections }: { shop: string; tags: string[]; collections: string[] }) {
  if (tags.length === 0 && collections.length === 0) return new Set<string>();
  const rows = await prisma.product.findMany({
    where: {
      shop,
      OR: [
        ...tags.map((t) => ({ tags: { contains: `,${t.toLowerCase()},` } })),
        ...collections.map((c) => ({ collections: { contains: `,${c.toLowerCase()},` } })),
      ],
    },
    select: { id: true },
  });
  return new Set(rows.map((r) => r.id));
}
