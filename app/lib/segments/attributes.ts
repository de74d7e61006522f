import type { Operator } from "~/lib/segments/ast";

/** Shopify's RFM groups, as stored in Customer.rfmGroup. */
export const RFM_GROUPS = [
  "CHAMPIONS",
  "LOYAL",
  "ACTIVE",
  "NEEDS_ATTENTION",
  "PROMISING",
  "NEW",
  "AT_RISK",
  "PREVIOUSLY_LOYAL",
  "ALMOST_LOST",
  "DORMANT",
  "PROSPECTS",
] as const;
export type RfmGroup = (typeof RFM_GROUPS)[number];

/** Lifecycle stages, as stored in Customer.lifecycleStage (null for customers without orders). */
export const LIFECYCLE_STAGES = ["new", "active", "at_risk", "lapsed"] as const;
export type LifecycleStage = (typeof LIFECYCLE_STAGES)[number];

/** Values of Customer.emailMarketingState. */
export const EMAIL_STATES = ["SUBSCRIBED", "NOT_SUBSCRIBED", "UNSUBSCRIBED", "PENDING"] as const;

export type AttributeType = "money" | "integer" | "float" | "date" | "list" | "enum" | "country" | "purchases";

/** Customer columns that rules read; list columns hold ",a,b," (see encodeListColumn). */
export type NumberColumn = "amountSpentCents" | "numberOfOrders" | "averageOrderValueCents" | "churnRisk";
export type DateColumn = "firstOrderAt" | "lastOrderAt";
export type ListColumn = "tags" | "purchasedProductIds" | "purchasedProductTags" | "purchasedCollections";
export type EnumColumn = "rfmGroup" | "lifecycleStage" | "emailMarketingState";

export interface AttributeDefinition {
  name: string;
  type: AttributeType;
  column: NumberColumn | DateColumn | ListColumn | EnumColumn | "countryCode";
  nullable: boolean;
  operators: readonly Operator[];
  enumValues?: readonly string[];
  /** Noun phrase for describeRule, e.g. "amount spent". */
  label: string;
}

const ORDERED: readonly Operator[] = ["=", "!=", ">", ">=", "<", "<=", "BETWEEN"];
const NULL_CHECKS: readonly Operator[] = ["IS NULL", "IS NOT NULL"];
const MEMBERSHIP: readonly Operator[] = ["CONTAINS", "NOT CONTAINS", ...NULL_CHECKS];

/** Every attribute the rule language knows, keyed by its rule name. */
export const ATTRIBUTES: Record<string, AttributeDefinition> = {
  amount_spent: { name: "amount_spent", type: "money", column: "amountSpentCents", nullable: false, operators: ORDERED, label: "amount spent" },
  number_of_orders: { name: "number_of_orders", type: "integer", column: "numberOfOrders", nullable: false, operators: ORDERED, label: "number of orders" },
  average_order_value: { name: "average_order_value", type: "money", column: "averageOrderValueCents", nullable: false, operators: ORDERED, label: "average order value" },
  first_order_date: { name: "first_order_date", type: "date", column: "firstOrderAt", nullable: true, operators: [...ORDERED, ...NULL_CHECKS], label: "first order date" },
  last_order_date: { name: "last_order_date", type: "date", column: "lastOrderAt", nullable: true, operators: [...ORDERED, ...NULL_CHECKS], label: "last order date" },
  customer_tags: { name: "customer_tags", type: "list", column: "tags", nullable: false, operators: MEMBERSHIP, label: "tags" },
  products_purchased: { name: "products_purchased", type: "purchases", column: "purchasedProductIds", nullable: false, operators: ["=", "!="], label: "purchased products" },
  rfm_group: { name: "rfm_group", type: "enum", column: "rfmGroup", nullable: true, operators: ["=", "!=", ...NULL_CHECKS], enumValues: RFM_GROUPS, label: "RFM group" },
  lifecycle_stage: { name: "lifecycle_stage", type: "enum", column: "lifecycleStage", nullable: true, operators: ["=", "!=", ...NULL_CHECKS], enumValues: LIFECYCLE_STAGES, label: "lifecycle stage" },
  churn_risk: { name: "churn_risk", type: "float", column: "churnRisk", nullable: true, operators: [...ORDERED, ...NULL_CHECKS], label: "churn risk" },
  email_subscription_status: { name: "email_subscription_status", type: "enum", column: "emailMarketingState", nullable: false, operators: ["=", "!="], enumValues: EMAIL_STATES, label: "email subscription status" },
  customer_countries: { name: "customer_countries", type: "country", column: "countryCode", nullable: true, operators: MEMBERSHIP, label: "country" },
};

export const ATTRIBUTE_NAMES = Object.keys(ATTRIBUTES);

/** products_purchased(...) parameters and the list column each one reads. */
export const PURCHASE_ARGUMENTS: Record<string, ListColumn> = {
  id: "purchasedProductIds",
  tag: "purchasedProductTags",
  collection: "purchasedCollections",
};
