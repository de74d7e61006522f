import { z } from "zod";
import prisma from "~/db.server";
import { auditQuery } from "~/models/audit.server";
import type { MerchantRule } from "~/lib/recommend/types";

export const RULE_SURFACES = ["all", "product", "home", "collection", "cart", "account"] as const;

/** What a merchant may submit for a rule; messages are shown next to the field. */
export const merchRuleInputSchema = z
  .object({
    action: z.enum(["pin", "boost", "exclude", "bury"], { errorMap: () => ({ message: "Choose pin, boost, exclude or bury." }) }),
    targetType: z.enum(["product", "tag", "collection", "vendor"], { errorMap: () => ({ message: "Choose a product, tag, collection or vendor." }) }),
    targetValue: z.string().trim().min(1, "Enter the product, tag, collection or vendor the rule applies to.").max(255, "Use at most 255 characters."),
    position: z.coerce.number().int("Position must be a whole number.").min(1, "Position must be 1 or more.").max(50, "Position must be 50 or less.").optional(),
    weight: z.coerce.number().positive("Weight must be above 0.").max(100, "Weight must be 100 or less.").optional(),
    surfaces: z.array(z.enum(RULE_SURFACES, { errorMap: () => ({ message: "Unknown page type." }) })).min(1, "Choose at least one page type.").default(["all"]),
    rolloutPct: z.coerce.number().int().min(1, "Rollout must be between 1 and 100%.").max(100, "Rollout must be between 1 and 100%.").default(100),
  })
  .superRefine((rule, ctx) => {
    if (rule.action === "pin" && rule.position === undefined) {
      ctx.addIssue({ code: "custom", path: ["position"], message: "A pin needs the list position to hold (1 is first)." });
    }
    if ((rule.action === "boost" || rule.action === "bury") && rule.weight === undefined) {
      ctx.addIssue({ code: "custom", path: ["weight"], message: "A boost or bury needs a weight, e.g. 1.5." });
    }
  });

export type MerchRuleInput = z.input<typeof merchRuleInputSchema>;

export class RuleValidationError extends Error {
  constructor(public readonly errors: Record<string, string>) {
    super(Object.values(errors).join(" "));
  }
}

/** Parses rule input, throwing RuleValidationError with one message per field. */
export function parseRuleInput(input: unknown) {
  const parsed = merchRuleInputSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const errors: Record<string, string> = {};
  for (const issue of parsed.error.issues) errors[issue.path.join(".") || "form"] ??= issue.message;
  throw new RuleValidationError(errors);
}

function toRow(rule: ReturnType<typeof parseRuleInput>) {
  return {
    action: rule.action,
    targetType: rule.targetType,
    targetValue: rule.targetValue,
    position: rule.action === "pin" ? rule.position ?? 1 : null,
    weight: rule.action === "boost" || rule.action === "bury" ? rule.weight ?? null : null,
    surfaces: `,${[...new Set(rule.surfaces)].join(",")},`,
    rolloutPct: rule.rolloutPct,
  };
}

/** New rules start pending: they reach the storefront only once approved. */
export async function createRule({ shop, input, actor }: { shop: string; input: unknown; actor: string }) {
  const data = toRow(parseRuleInput(input));
  return prisma.$transaction(async (tx) => {
    const rule = await tx.merchRule.create({ data: { shop, ...data, status: "pending", createdBy: actor } });
    await tx.auditLog.create({ data: auditData({ shop, actor, action: "rule.create", entityId: rule.id, after: rule }) });
    return rule;
  });
}

/** A changed rule goes back to pending. */
export async function updateRule({ shop, id, input, actor }: { shop: string; id: string; input: unknown; actor: string }) {
  const data = toRow(parseRuleInput(input));
  return prisma.$transaction(async (tx) => {
    const before = await tx.merchRule.findFirst({ where: { shop, id } });
    if (!before) return null;
    const rule = await tx.merchRule.update({ where: { id: before.id }, data: { ...data, status: "pending", approvedBy: null, approvedAt: null } });
    await tx.auditLog.create({ data: auditData({ shop, actor, action: "rule.update", entityId: id, before, after: rule }) });
    return rule;
  });
}

async function decide({ shop, id, actor, status }: { shop: string; id: string; actor: string; status: "approved" | "rejected" | "retired" }) {
  const before = await prisma.merchRule.findFirst({ where: { shop, id } });
  if (!before) return null;
  const data = status === "approved" ? { status, approvedBy: actor, approvedAt: new Date() } : { status };
  const [updated] = await prisma.$transaction([
    prisma.merchRule.update({ where: { id: before.id }, data }),
    auditQuery({ shop, actor, action: `rule.${status === "approved" ? "approve" : status === "rejected" ? "reject" : "retire"}`, entityType: "merch_rule", entityId: id, before, after: { ...before, ...data } }),
  ]);
  return updated;
}

export const approveRule = ({ shop, id, actor }: { shop: string; id: string; actor: string }) => decide({ shop, id, actor, status: "approved" });
export const rejectRule = ({ shop, id, actor }: { shop: string; id: string; actor: string }) => decide({ shop, id, actor, status: "rejected" });
export const retireRule = ({ shop, id, actor }: { shop: string; id: string; actor: string }) => decide({ shop, id, actor, status: "retired" });

export async function listRules({ shop, status }: { shop: string; status?: string }) {
  return prisma.merchRule.findMany({ where: { shop, ...(status ? { status } : {}) }, orderBy: { createdAt: "asc" } });
}

export async function getRule({ shop, id }: { shop: string; id: string }) {
  return prisma.merchRule.findFirst({ where: { shop, id } });
}

export type MerchRuleRow = Awaited<ReturnType<typeof listRules>>[number];

/** The rule as the pure re-ranker reads it. */
export function toMerchantRule(row: Pick<MerchRuleRow, "action" | "targetType" | "targetValue" | "position" | "weight">): MerchantRule {
  const rule: MerchantRule = { action: row.action as MerchantRule["action"], target: { kind: row.targetType as MerchantRule["target"]["kind"], value: row.targetValue } };
  if (row.position !== null) rule.position = row.position;
  if (row.weight !== null) rule.factor = row.weight;
  return rule;
}

export function ruleAppliesToSurface(row: Pick<MerchRuleRow, "surfaces">, surface: string) {
  return row.surfaces.includes(",all,") || row.surfaces.includes(`,${surface},`);
}

function auditData(entry: { shop: string; actor: string; action: string; entityId: string; before?: unknown; after?: unknown }) {
  const json = (v: unknown) => (v === undefined ? undefined : JSON.parse(JSON.stringify(v)));
  return { shop: entry.shop, actor: entry.actor, action: entry.action, entityType: "merch_rule", entityId: entry.entityId, before: json(entry.before), after: json(entry.after) };
}
