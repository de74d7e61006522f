import prisma from "~/db.server";
import { readShopSettings, type ShopSettings } from "~/lib/settings/shop-settings";
import { stopShopJobs } from "~/jobs/queues.server";

/** Creates or reactivates the shop row after OAuth/token exchange. Returns whether this was a fresh install. */
export async function recordInstall({ shop, scopes }: { shop: string; scopes: string | null }) {
  const existing = await prisma.shop.findUnique({ where: { domain: shop } });
  if (existing && existing.installState === "installed") {
    if (scopes && existing.scopes !== scopes) await prisma.shop.update({ where: { domain: shop }, data: { scopes } });
    return { freshInstall: false };
  }
  await prisma.shop.upsert({
    where: { domain: shop },
    create: { domain: shop, settings: {}, scopes },
    update: { installState: "installed", uninstalledAt: null, installedAt: new Date(), scopes },
  });
  return { freshInstall: true };
}

export async function getShop({ shop }: { shop: string }) {
  return prisma.shop.findUnique({ where: { domain: shop } });
}

/** Row counts of what has been synced for the shop; the dashboard's first honest figures. */
export async function getShopOverview({ shop }: { shop: string }) {
  const [products, customers, orders, pendingDeliveries, failedDeliveries] = await Promise.all([
    prisma.product.count({ where: { shop, deletedAt: null } }),
    prisma.customer.count({ where: { shop } }),
    prisma.order.count({ where: { shop } }),
    prisma.webhookDelivery.count({ where: { shop, status: "received" } }),
    prisma.webhookDelivery.count({ where: { shop, status: "failed" } }),
  ]);
  return { products, customers, orders, pendingDeliveries, failedDeliveries };
}

export async function getShopSettings({ shop }: { shop: string }): Promise<ShopSettings> {
  const row = await prisma.shop.findUnique({ where: { domain: shop }, select: { settings: true } });
  return readShopSettings(row?.settings);
}

/** app/uninstalled: sessions go and jobs stop; the shop's data stays until shop/redact. */
export async function recordUninstall({ shop, at }: { shop: string; at: Date }) {
  await prisma.$transaction([
    prisma.session.deleteMany({ where: { shop } }),
    prisma.shop.updateMany({ where: { domain: shop }, data: { installState: "uninstalled", uninstalledAt: at } }),
  ]);
  await stopShopJobs({ shop });
}

export async function updateShopScopes({ shop, scopes }: { shop: string; scopes: string[] }) {
  const scope = scopes.join(",");
  await prisma.$transaction([
    prisma.shop.updateMany({ where: { domain: shop }, data: { scopes: scope } }),
    prisma.session.updateMany({ where: { shop }, data: { scope } }),
  ]);
}

/** Whether background work should run for the shop at all. */
export async function isShopActive({ shop }: { shop: string }) {
  const row = await prisma.shop.findUnique({ where: { domain: shop }, select: { installState: true } });
  return row?.installState === "installed";
}

/** Every installed shop's domain, for jobs that fan out across shops. */
export async function listActiveShops() {
  const rows = await prisma.shop.findMany({ where: { installState: "installed" }, select: { domain: true } });
  return rows.map((r) => r.domain);
}
