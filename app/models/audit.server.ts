import type { Prisma } from "@prisma/client";
import prisma from "~/db.server";

export interface AuditEntry {
  shop: string;
  /** Who: the staff member's id or email from the admin session, or "system" for jobs. */
  actor: string;
  /** What happened, e.g. "settings.update", "rule.approve", "segment.create". */
  action: string;
  entityType: string;
  entityId?: string | null;
  before?: unknown;
  after?: unknown;
}

const json = (value: unknown) => (value === undefined || value === null ? undefined : (JSON.parse(JSON.stringify(value)) as Prisma.InputJsonValue));

/** The query that records one change; run it in the same transaction as the change itself. */
export function auditQuery(entry: AuditEntry) {
  return prisma.auditLog.create({
    data: {
      shop: entry.shop,
      actor: entry.actor,
      action: entry.action,
      entityType: entry.entityType,
      entityId: entry.entityId ?? null,
      before: json(entry.before),
      after: json(entry.after),
    },
  });
}

/** Records one change on its own (prefer auditQuery inside the change's transaction). */
export async function recordAudit(entry: AuditEntry) {
  await auditQuery(entry);
}

export async function searchAuditLog({
  shop,
  query,
  entityType,
  from,
  to,
  take = 100,
  skip = 0,
}: {
  shop: string;
  query?: string;
  entityType?: string;
  from?: Date;
  to?: Date;
  take?: number;
  skip?: number;
}) {
  const where: Prisma.AuditLogWhereInput = {
    shop,
    ...(entityType ? { entityType } : {}),
    ...(from || to ? { at: { ...(from ? { gte: from } : {}), ...(to ? { lte: to } : {}) } } : {}),
    ...(query ? { OR: [{ action: { contains: query } }, { actor: { contains: query } }, { entityId: { contains: query } }] } : {}),
  };
  const [rows, total] = await Promise.all([
    prisma.auditLog.findMany({ where, orderBy: { at: "desc" }, take, skip }),
    prisma.auditLog.count({ where }),
  ]);
  return { rows, total };
}
