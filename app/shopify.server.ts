import "@shopify/shopify-app-remix/adapters/node";
import { ApiVersion, AppDistribution, LogSeverity, shopifyApp } from "@shopify/shopify-app-remix/server";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import prisma from "~/db.server";
import { env } from "~/env.server";
import { recordInstall } from "~/models/shop.server";
import { startBackfill } from "~/services/backfill.server";
import { addLogContext, getErrorMessage, logger } from "~/logger.server";

export const API_VERSION = ApiVersion.July25;

const LIBRARY_LEVELS = {
  [LogSeverity.Error]: "error",
  [LogSeverity.Warning]: "warn",
  [LogSeverity.Info]: "info",
  [LogSeverity.Debug]: "debug",
} as const;

const shopify = shopifyApp({
  apiKey: env().SHOPIFY_API_KEY,
  apiSecretKey: env().SHOPIFY_API_SECRET,
  apiVersion: API_VERSION,
  scopes: env().SCOPES.split(","),
  appUrl: env().SHOPIFY_APP_URL,
  authPathPrefix: "/auth",
  sessionStorage: new PrismaSessionStorage(prisma),
  distribution: AppDistribution.AppStore,
  future: { unstable_newEmbeddedAuthStrategy: true },
  logger: {
    level: ["silent", "fatal", "error"].includes(env().LOG_LEVEL) ? LogSeverity.Error : LogSeverity.Warning,
    // The library's own messages become JSON lines with the request id, like everything else.
    log: (severity, message) => logger[LIBRARY_LEVELS[severity]]({ source: "shopify" }, message),
  },
  hooks: {
    afterAuth: async ({ session }) => {
      const { freshInstall } = await recordInstall({ shop: session.shop, scopes: session.scope ?? null });
      // A queue outage must not block the merchant from opening the app; Data & sync offers a retry.
      if (freshInstall) await startBackfill({ shop: session.shop }).catch((error) => logger.error({ shop: session.shop, err: getErrorMessage(error) }, "could not queue backfill"));
    },
  },
});

export default shopify;
export const addDocumentResponseHeaders = shopify.addDocumentResponseHeaders;
// Once Shopify has verified a request, its shop goes on every log line the request emits.
const verified = shopify.authenticate;
const withShop = <T>(context: T, shop: string | null | undefined): T => {
  if (shop) addLogContext({ shop });
  return context;
};
export const authenticate: typeof verified = {
  ...verified,
  admin: async (request) => {
    const context = await verified.admin(request);
    return withShop(context, context.session.shop);
  },
  webhook: async (request) => {
    const context = await verified.webhook(request);
    return withShop(context, context.shop);
  },
  public: {
    ...verified.public,
    appProxy: async (request) => {
      const context = await verified.public.appProxy(request);
      // The signature covers the query, so its shop is verified even before the shop has a session.
      return withShop(context, context.session?.shop ?? new URL(request.url).searchParams.get("shop"));
    },
  },
};
export const unauthenticated = shopify.unauthenticated;
export const login = shopify.login;
export const registerWebhooks = shopify.registerWebhooks;
export const sessionStorage = shopify.sessionStorage;
