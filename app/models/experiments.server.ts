import { z } from "zod";
import prisma from "~/db.server";
import { auditQuery } from "~/models/audit.server";
import { HOLDOUT_ARM, plannedArmShares, sampleSizeForProportions } from "~/lib/experiments";
import type { ExperimentDefinition } from "~/services/roi.server";
import { PERSONALISATION_SURFACES } from "~/lib/ethics/settings";

/** Where an experiment can run: the storefront surfaces the blocks render on. */
export const EXPERIMENT_SURFACES = PERSONALISATION_SURFACES;
/** Strategies an arm can use (the storefront block's strategies; "bestsellers" is what the holdout sees). */
export const EXPERIMENT_STRATEGIES = ["for_you", "bought_together", "buy_again", "trending", "bestsellers", "auto"] as const;

const armSchema = z.object({
  key: z
    .string()
    .trim()
    .regex(/^[a-z0-9_-]{1,32}$/, "Arm names use lower-case letters, digits, - or _ (up to 32)")
    .refine((k) => k !== HOLDOUT_ARM, `"${HOLDOUT_ARM}" is reserved for the holdout group`),
  strategy: z.enum(EXPERIMENT_STRATEGIES, { errorMap: () => ({ message: `Pick a strategy for every arm: ${EXPERIMENT_STRATEGIES.join(", ")}` }) }),
  weight: z.coerce.number().positive("Arm weights must be more than zero").max(1000),
});

const experimentBaseSchema = z.object({
    name: z.string().trim().min(1, "Give the experiment a name").max(120, "Keep the name under 120 characters"),
    surface: z.enum(EXPERIMENT_SURFACES, { errorMap: () => ({ message: `Pick where the recommendations appear: ${EXPERIMENT_SURFACES.join(", ")}` }) }),
    arms: z.array(armSchema).min(1, "Add at least one arm").max(6, "Use at most 6 arms"),
    holdoutPct: z.coerce.number().int("Holdout is a whole percentage").min(1, "Keep at least 1% in the holdout so there is a baseline").max(50, "Holdout can be at most 50%"),
    rolloutPct: z.coerce.number().int("Rollout is a whole percentage").min(1, "Rollout must be at least 1%").max(100, "Rollout can be at most 100%"),
    baselineConversionPct: z.coerce.number().gt(0, "Baseline conversion must be above 0%").lt(100, "Baseline conversion must be below 100%"),
    minDetectableEffectPct: z.coerce.number().gt(0, "The smallest effect worth detecting must be above 0%").max(500, "Use an effect up to 500%"),
    power: z.coerce.number().min(0.5, "Power must be between 0.5 and 0.99").max(0.99, "Power must be between 0.5 and 0.99").default(0.8),
});

function checkDesign(v: { arms: { key: string }[]; baselineConversionPct: number; minDetectableEffectPct: number }, ctx: z.RefinementCtx) {
  const keys = new Set<string>();
  v.arms.forEach((a, i) => {
    if (keys.has(a.key)) ctx.addIssue({ code: "custom", path: ["arms", i, "key"], message: `Arm "${a.key}" is listed twice` });
    keys.add(a.key);
  });
  const p2 = (v.baselineConversionPct / 100) * (1 + v.minDetectableEffectPct / 100);
  if (p2 >= 1) ctx.addIssue({ code: "custom", path: ["minDetectableEffectPct"], message: "That effect would push conversion past 100%; choose a smaller one" });
}

/** What a merchant submits to create an experiment; percentages are 0–100. */
export const experimentInputSchema = experimentBaseSchema.superRefine(checkDesign);
/** The fields the sample-size calculator needs. */
export const experimentDesignSchema = experimentBaseSchema
  .pick({ arms: true, holdoutPct: true, baselineConversionPct: true, minDetectableEffectPct: true, power: true })
  .superRefine(checkDesign);

export type ExperimentInput = z.infer<typeof experimentInputSchema>;

/** Planned sample (all arms) for the smallest arm pair: holdout vs the smallest treatment arm, at the planned split. */
export function plannedSampleSize(input: Pick<ExperimentInput, "arms" | "holdoutPct" | "baselineConversionPct" | "minDetectableEffectPct" | "power">) {
  const shares = plannedArmShares(input.arms, input.holdoutPct);
  const holdout = shares[HOLDOUT_ARM];
  const smallest = Math.min(...input.arms.map((a) => shares[a.key]));
  const size = sampleSizeForProportions({
    baselineRate: input.baselineConversionPct / 100,
    minDetectableRelativeEffect: input.minDetectableEffectPct / 100,
    power: input.power,
    allocationRatio: smallest / holdout,
  });
  // Scale the holdout requirement up to the whole experiment at the planned shares.
  const total = Math.ceil(Math.max(size.control / holdout, size.treatment / smallest));
  return { perArm: size, total };
}

type Row = Awaited<ReturnType<typeof prisma.experiment.findFirst>>;

function toDefinition(row: NonNullable<Row>): ExperimentDefinition & { status: string; createdAt: Date } {
  const arms = z.array(z.object({ key: z.string(), strategy: z.string(), weight: z.number() })).safeParse(row.arms);
  return {
    id: row.id,
    name: row.name,
    surface: row.surface,
    status: row.status,
    arms: arms.success ? arms.data : [],
    holdoutPct: row.holdoutPct,
    rolloutPct: row.rolloutPct,
    targetSampleSize: row.targetSampleSize,
    startedAt: row.startedAt,
    stoppedAt: row.stoppedAt,
    createdAt: row.createdAt,
  };
}

export async function listExperiments({ shop }: { shop: string }) {
  const rows = await prisma.experiment.findMany({ where: { shop }, orderBy: { createdAt: "desc" } });
  return rows.map(toDefinition);
}

export async function getExperiment({ shop, id }: { shop: string; id: string }) {
  const row = await prisma.experiment.findFirst({ where: { shop, id } });
  return row ? toDefinition(row) : null;
}

/** The running experiment on a surface, for the storefront proxy's assignment (null: use the default holdout). */
export async function getRunningExperiment({ shop, surface }: { shop: string; surface: string }) {
  const row = await prisma.experiment.findFirst({ where: { shop, surface, status: "running" }, orderBy: { startedAt: "desc" } });
  return row ? toDefinition(row) : null;
}

/** Creates a draft experiment with its fixed horizon (targetSampleSize), audited in the same transaction. */
export async function createExperiment({ shop, actor, input }: { shop: string; actor: string; input: ExperimentInput }) {
  const plan = plannedSampleSize(input);
  const data = {
    shop,
    name: input.name,
    surface: input.surface,
    arms: input.arms.map((a) => ({ key: a.key, strategy: a.strategy, weight: a.weight })),
    holdoutPct: input.holdoutPct,
    rolloutPct: input.rolloutPct,
    targetSampleSize: plan.total,
  };
  const created = await prisma.$transaction(async (tx) => {
    const row = await tx.experiment.create({ data });
    await tx.auditLog.create({
      data: { shop, actor, action: "experiment.create", entityType: "experiment", entityId: row.id, after: JSON.parse(JSON.stringify({ ...data, design: input })) },
    });
    return row;
  });
  return toDefinition(created);
}

export class ExperimentStateError extends Error {}

/** Starts a draft (one running experiment per surface) or stops a running one; audited. */
export async function setExperimentStatus({ shop, actor, id, status, now = new Date() }: { shop: string; actor: string; id: string; status: "running" | "stopped"; now?: Date }) {
  const current = await prisma.experiment.findFirst({ where: { shop, id } });
  if (!current) return null;
  if (status === "running") {
    if (current.status !== "draft") throw new ExperimentStateError("Only a draft experiment can be started; create a new one to run again.");
    const other = await prisma.experiment.findFirst({ where: { shop, surface: current.surface, status: "running" } });
    if (other) throw new ExperimentStateError(`"${other.name}" is already running on this surface; stop it first.`);
  } else if (current.status !== "running") {
    throw new ExperimentStateError("Only a running experiment can be stopped.");
  }
  const data = status === "running" ? { status, startedAt: now } : { status, stoppedAt: now };
  const [updated] = await prisma.$transaction([
    prisma.experiment.update({ where: { id: current.id }, data }),
    auditQuery({ shop, actor, action: status === "running" ? "experiment.start" : "experiment.stop", entityType: "experiment", entityId: id, before: { status: current.status }, after: data }),
  ]);
  return toDefinition(updated);
}

/** Reads the create form (arm fields named armKey/armStrategy/armWeight, repeated) into the input schema's shape. */
export function experimentInputFromForm(form: FormData) {
  const keys = form.getAll("armKey").map(String);
  const strategies = form.getAll("armStrategy").map(String);
  const weights = form.getAll("armWeight").map(String);
  const arms = keys
    .map((key, i) => ({ key: key.trim(), strategy: strategies[i] ?? "", weight: weights[i] ?? "" }))
    .filter((a) => a.key !== "" || a.weight !== "");
  const field = (name: string) => {
    const v = form.get(name);
    return typeof v === "string" && v.trim() !== "" ? v.trim() : undefined;
  };
  return {
    name: field("name") ?? "",
    surface: field("surface") ?? "",
    arms,
    holdoutPct: field("holdoutPct"),
    rolloutPct: field("rolloutPct"),
    baselineConversionPct: field("baselineConversionPct"),
    minDetectableEffectPct: field("minDetectableEffectPct"),
    power: field("power"),
  };
}

/** Average daily visitors and visitor-day conversion on a surface over the 28 days before `now`, from MetricDaily. */
export async function getSurfaceTraffic({ shop, surface, now }: { shop: string; surface: string; now: Date }) {
  const to = now.toISOString().slice(0, 10);
  const from = new Date(now.getTime() - 28 * 86_400_000).toISOString().slice(0, 10);
  const rows = await prisma.metricDaily.findMany({ where: { shop, surface, day: { gte: from, lt: to } }, select: { day: true, visitors: true, orders: true } });
  const visitors = rows.reduce((a, r) => a + r.visitors, 0);
  const orders = rows.reduce((a, r) => a + r.orders, 0);
  return { days: 28, visitorsPerDay: visitors / 28, conversionRate: visitors > 0 ? orders / visitors : null };
}

/** Zod issues as field → first message, with dotted paths (e.g. "arms.0.key"). */
export function issuesByField(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.join(".") || "form";
    out[key] ??= issue.message;
  }
  return out;
}
