import prisma from "~/db.server";
import { placeholders } from "~/models/raw-sql.server";

/** The ShopperPreference key for a logged-in customer. */
export function customerKey(customerId: string): string {
  return `c:${customerId}`;
}

/** The ShopperPreference key for a consenting visitor's opaque id. */
export function visitorKey(visitorId: string): string {
  return `v:${visitorId}`;
}

/** Preferences for the given shopper keys, merged: opted out if any key is, hidden products united. */
export async function getShopperPreferences({ shop, keys }: { shop: string; keys: string[] }) {
  if (keys.length === 0) return { personalisationOff: false, notInterested: new Set<string>() };
  // Read on every consenting shopper's storefront answer, so raw (app/models/raw-sql.server.ts).
  const rows = await prisma.$queryRawUnsafe<{ off: boolean | number; hidden: string }[]>(
    `SELECT "personalisationOff" AS off, "notInterested" AS hidden FROM "ShopperPreference" WHERE "shop" = ${placeholders(1, 1)} AND "shopperKey" IN (${placeholders(keys.length, 2)})`,
    shop,
    ...keys,
  );
  const notInterested = new Set<string>();
  for (const row of rows) for (const id of row.hidden.split(",")) if (id) notInterested.add(id);
  return { personalisationOff: rows.some((r) => Boolean(r.off)), notInterested };
}

/** Stores the shopper's personalisation on/off choice. */
export async function setPersonalisationOff({ shop, shopperKey, off }: { shop: string; shopperKey: string; off: boolean }) {
  await prisma.shopperPreference.upsert({
    where: { shop_shopperKey: { shop, shopperKey } },
    create: { shop, shopperKey, personalisationOff: off },
    update: { personalisationOff: off },
  });
}

const MAX_HIDDEN = 200;

/** Adds a product to the shopper's "not interested" list (the newest 200 are kept). */
export async function addNotInterested({ shop, shopperKey, productId }: { shop: string; shopperKey: string; productId: string }) {
  // Read-modify-write in a transaction; a lost race only loses one dismissal, which the device also keeps.
  await prisma.$transaction(async (tx) => {
    const row = await tx.shopperPreference.findUnique({ where: { shop_shopperKey: { shop, shopperKey } } });
    const ids = (row?.notInterested ?? ",").split(",").filter((id) => id && id !== productId);
    ids.push(productId);
    const notInterested = `,${ids.slice(-MAX_HIDDEN).join(",")},`;
    await tx.shopperPreference.upsert({
      where: { shop_shopperKey: { shop, shopperKey } },
      create: { shop, shopperKey, notInterested },
      update: { notInterested },
    });
  });
}
