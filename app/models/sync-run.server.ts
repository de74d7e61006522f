import type { Prisma } from "@prisma/client";
import prisma from "~/db.server";

export type SyncKind = "backfill" | "reconcile" | "csv-import";
export type SyncCounts = Record<string, number>;

export async function createSyncRun({ shop, kind, since = null }: { shop: string; kind: SyncKind; since?: Date | null }) {
  return prisma.syncRun.create({ data: { shop, kind, status: "pending", counts: {}, since } });
}

export async function getSyncRun({ shop, id }: { shop: string; id: string }) {
  return prisma.syncRun.findFirst({ where: { shop, id } });
}

/** Worker-side lookup: a job carries only the run id, and the row names its shop. */
export async function getSyncRunForProcessing({ id }: { id: string }) {
  return prisma.syncRun.findUnique({ where: { id } });
}

export async function getLatestSyncRun({ shop, kind }: { shop: string; kind: SyncKind }) {
  return prisma.syncRun.findFirst({ where: { shop, kind }, orderBy: { startedAt: "desc" } });
}

/** The newest completed run of a kind: reconciliation starts from where it left off. */
export async function getLatestCompletedSyncRun({ shop, kind }: { shop: string; kind: SyncKind }) {
  return prisma.syncRun.findFirst({ where: { shop, kind, status: "completed" }, orderBy: { startedAt: "desc" } });
}

export async function updateSyncRun({
  shop,
  id,
  data,
}: {
  shop: string;
  id: string;
  data: {
    status?: string;
    stage?: string | null;
    bulkOperationId?: string | null;
    resultUrl?: string | null;
    linesDone?: number;
    counts?: SyncCounts;
    totalHint?: number | null;
    lastError?: string | null;
    finishedAt?: Date | null;
  };
}) {
  const { counts, ...rest } = data;
  await prisma.syncRun.updateMany({
    where: { shop, id },
    data: { ...rest, ...(counts ? { counts: counts as Prisma.InputJsonValue } : {}) },
  });
}

export function readCounts(value: unknown): SyncCounts {
  if (typeof value !== "object" || value === null) return {};
  return Object.fromEntries(Object.entries(value).filter((e): e is [string, number] => typeof e[1] === "number"));
}
