export { startStandin, type Standin, type StandinOptions, type WebhookRequest, type Calls } from "./server";
export { StandinStore, ShopState, normaliseTags, centsToMoney, moneyToCents, orderTotals, financialStatus } from "./store";
export type { StandinProduct, StandinVariant, StandinCustomer, StandinOrder, StandinLineItem, StandinRefund, OrderInput, ProductInput, CustomerInput } from "./store";
export { loadStoreFromNormalisedCsv, type LoadCsvOptions } from "./load-csv";
export { mintSessionToken, verifySessionToken, signHs256, type SessionTokenClaims } from "./session-token";
export { signProxyQuery, proxySignatureMessage, buildProxyQuery } from "./proxy-signature";
export {
  sendWebhook,
  webhookHmac,
  orderPayload,
  refundPayload,
  productPayload,
  customerPayload,
  shopPayload,
  customersDataRequestPayload,
  customersRedactPayload,
  shopRedactPayload,
  bulkFinishPayload,
  deletePayload,
  scopesUpdatePayload,
  DEFAULT_API_VERSION,
  type WebhookDelivery,
} from "./webhooks";
export { installStandinFetch, routeToStandin } from "./fetch";
export { toGid, parseGid } from "./ids";
export { flattenNode } from "./bulk";
