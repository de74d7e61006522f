import { randomUUID } from "node:crypto";
import type { Prisma, PrismaClient } from "@prisma/client";
import prisma, { isUniqueViolation, lockKeys } from "~/db.server";
import { usesSqlite } from "~/models/raw-sql.server";
import type { SegmentCustomer } from "~/lib/segments";
import { UnsupportedWhereError, whereToSql, type SqlFragment } from "~/lib/segments/sql";

type Client = PrismaClient | Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];
type Where = Prisma.CustomerWhereInput;

/**
 * A member who left a synced segment while still carrying its Shopify tag is parked under this
 * segment id (`untag:<tag>`) until the sync removes the tag. Keyed by the tag, not the segment, so
 * the removal still happens after the segment itself is deleted.
 */
export const PENDING_UNTAG_PREFIX = "untag:";

/** The Shopify customer tag a synced segment writes. */
export function segmentTag(handle: string): string {
  return `shopkeeper-${handle}`;
}

/** The Customer columns rules read, for the in-memory evaluator. */
export const SEGMENT_CUSTOMER_SELECT = {
  id: true,
  numberOfOrders: true,
  amountSpentCents: true,
  averageOrderValueCents: true,
  firstOrderAt: true,
  lastOrderAt: true,
  tags: true,
  purchasedProductIds: true,
  purchasedProductTags: true,
  purchasedCollections: true,
  rfmGroup: true,
  lifecycleStage: true,
  churnRisk: true,
  emailMarketingState: true,
  countryCode: true,
} as const;

const MEMBER_CUSTOMER_SELECT = {
  id: true,
  numberOfOrders: true,
  amountSpentCents: true,
  lastOrderAt: true,
  rfmRecency: true,
  rfmFrequency: true,
  rfmMonetary: true,
  rfmGroup: true,
  lifecycleStage: true,
  churnRisk: true,
  churnReason: true,
  expectedValue12mCents: true,
  countryCode: true,
} as const;

// The same text the Prisma SQLite adapter writes, so raw rows compare like Prisma's.
function dateParam(date: Date): string {
  const iso = date.toISOString();
  return usesSqlite() ? iso.replace("Z", "+00:00") : iso;
}

/** Inserts rows from one JSON parameter, skipping rows whose key already exists. */
async function insertJsonRows(client: Client, table: string, columns: string[], rows: Record<string, unknown>[]) {
  if (rows.length === 0) return;
  const list = columns.map((name) => `"${name}"`).join(", ");
  for (let i = 0; i < rows.length; i += 20_000) {
    const payload = JSON.stringify(rows.slice(i, i + 20_000));
    if (usesSqlite()) {
      const select = columns.map((name) => `json_extract(value, '$.${name}')`).join(", ");
      // `WHERE true` resolves SQLite's parsing ambiguity between SELECT … ON and the upsert clause.
      await client.$executeRawUnsafe(`INSERT INTO "${table}" (${list}) SELECT ${select} FROM json_each(?) WHERE true ON CONFLICT DO NOTHING`, payload);
    } else {
      await client.$executeRawUnsafe(
        `INSERT INTO "${table}" (${list}) SELECT ${list} FROM json_populate_recordset(NULL::"${table}", $1::json) ON CONFLICT DO NOTHING`,
        payload,
      );
    }
  }
}

async function deleteMembers(client: Client, shop: string, segmentId: string, customerIds: string[]) {
  for (let i = 0; i < customerIds.length; i += 20_000) {
    const payload = JSON.stringify(customerIds.slice(i, i + 20_000));
    if (usesSqlite()) {
      await client.$executeRawUnsafe(
        `DELETE FROM "SegmentMember" WHERE "shop" = ? AND "segmentId" = ? AND "customerId" IN (SELECT value FROM json_each(?))`,
        shop,
        segmentId,
        payload,
      );
    } else {
      await client.$executeRawUnsafe(
        `DELETE FROM "SegmentMember" WHERE "shop" = $1 AND "segmentId" = $2 AND "customerId" IN (SELECT json_array_elements_text($3::json))`,
        shop,
        segmentId,
        payload,
      );
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Segments

export interface SegmentData {
  name: string;
  handle: string;
  kind: "custom" | "rfm" | "lifecycle";
  rule: string;
  syncToShopify: boolean;
}

export async function listSegmentRows({ shop }: { shop: string }) {
  return prisma.segment.findMany({ where: { shop }, orderBy: [{ kind: "asc" }, { name: "asc" }] });
}

export async function getSegment({ shop, id }: { shop: string; id: string }) {
  return prisma.segment.findFirst({ where: { shop, id } });
}

/** Creates a segment; a duplicate handle throws Prisma's unique violation (see isUniqueViolation). */
export async function createSegment({ shop, data }: { shop: string; data: SegmentData }) {
  return prisma.segment.create({ data: { shop, ...data } });
}

/** Creates the segment unless one with its handle exists (a concurrent creator wins quietly). */
export async function ensureSegment({ shop, data }: { shop: string; data: SegmentData }) {
  const existing = await prisma.segment.findUnique({ where: { shop_handle: { shop, handle: data.handle } } });
  if (existing) return existing;
  try {
    return await prisma.segment.create({ data: { shop, ...data } });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    return prisma.segment.findUniqueOrThrow({ where: { shop_handle: { shop, handle: data.handle } } });
  }
}

export async function updateSegment({ shop, id, data }: { shop: string; id: string; data: Partial<Pick<SegmentData, "name" | "rule" | "syncToShopify">> }) {
  const { count } = await prisma.segment.updateMany({ where: { shop, id }, data });
  return count === 0 ? null : prisma.segment.findFirst({ where: { shop, id } });
}

/** Deletes a segment, its members and history; members carrying its tag are parked for untagging. */
export async function deleteSegment({ shop, id }: { shop: string; id: string }) {
  return prisma.$transaction(async (tx) => {
    await lockKeys(tx, [`${shop}/segment/${id}`]);
    const segment = await tx.segment.findFirst({ where: { shop, id } });
    if (!segment) return null;
    const tagged = await tx.segmentMember.findMany({ where: { shop, segmentId: id, taggedAt: { not: null } }, select: { customerId: true, taggedAt: true } });
    await parkTagged(tx, shop, segmentTag(segment.handle), tagged);
    await tx.segmentMember.deleteMany({ where: { shop, segmentId: id } });
    await tx.segmentHistory.deleteMany({ where: { shop, segmentId: id } });
    await tx.segment.deleteMany({ where: { shop, id } });
    return segment;
  }, { timeout: 60_000, maxWait: 30_000 });
}

async function parkTagged(client: Client, shop: string, tag: string, rows: { customerId: string; taggedAt: Date | null }[]) {
  const segmentId = `${PENDING_UNTAG_PREFIX}${tag}`;
  await insertJsonRows(
    client,
    "SegmentMember",
    ["shop", "segmentId", "customerId", "since", "taggedAt"],
    rows.map((row) => ({ shop, segmentId, customerId: row.customerId, since: dateParam(new Date()), taggedAt: dateParam(row.taggedAt ?? new Date()) })),
  );
}

/** Entered and left counts per segment since a date, for list trends. */
export async function countSegmentChanges({ shop, since }: { shop: string; since: Date }) {
  const rows = await prisma.segmentHistory.groupBy({ by: ["segmentId", "change"], where: { shop, at: { gte: since } }, _count: { _all: true } });
  const out = new Map<string, { entered: number; left: number }>();
  for (const row of rows) {
    const entry = out.get(row.segmentId) ?? { entered: 0, left: 0 };
    if (row.change === "entered") entry.entered += row._count._all;
    else if (row.change === "left") entry.left += row._count._all;
    out.set(row.segmentId, entry);
  }
  return out;
}

/** Entered/left counts grouped by the instant they were recorded (a full recompute writes one instant). */
export async function listSegmentChanges({ shop, segmentId, since }: { shop: string; segmentId: string; since: Date }) {
  const rows = await prisma.segmentHistory.groupBy({ by: ["at", "change"], where: { shop, segmentId, at: { gte: since } }, _count: { _all: true } });
  return rows.map((row) => ({ at: row.at, change: row.change, count: row._count._all }));
}

// ---------------------------------------------------------------------------------------------
// Customers

export async function countCustomers({ shop, where }: { shop: string; where: Where }) {
  return prisma.customer.count({ where: { AND: [{ shop }, where] } });
}

export async function sampleCustomers({ shop, where, take }: { shop: string; where: Where; take: number }) {
  return prisma.customer.findMany({
    where: { AND: [{ shop }, where] },
    select: MEMBER_CUSTOMER_SELECT,
    // Key order lets the scan stop at the first matches; sorting by spend would read every match.
    orderBy: { id: "asc" },
    take,
  });
}

/**
 * Ids of the shop's customers matching a compiled rule. The where is translated to SQL and the ids
 * come back as one JSON array aggregated in the database: returning 100k rows one by one through
 * the driver adapter costs several times more than the scan itself.
 */
export async function listMatchingCustomerIds({ shop, where }: { shop: string; where: Where }): Promise<string[]> {
  return JSON.parse(await matchingCustomerIdsJson(prisma, shop, where)) as string[];
}

async function matchingCustomerIdsJson(client: Client, shop: string, where: Where): Promise<string> {
  const dialect = usesSqlite() ? "sqlite" : "postgres";
  let fragment: { sql: string; params: unknown[] };
  try {
    fragment = whereToSql(where, { dialect, params: [shop], encodeDate: dateParam });
  } catch (error) {
    if (!(error instanceof UnsupportedWhereError)) throw error;
    const rows = await client.customer.findMany({ where: { AND: [{ shop }, where] }, select: { id: true } });
    return JSON.stringify(rows.map((row) => row.id));
  }
  const shopParam = dialect === "sqlite" ? "?" : "$1";
  const aggregate = dialect === "sqlite" ? `json_group_array("id")` : `COALESCE(json_agg("id"), '[]'::json)::text`;
  const rows = await client.$queryRawUnsafe<{ ids: string }[]>(
    `SELECT ${aggregate} AS "ids" FROM "Customer" WHERE "shop" = ${shopParam} AND ${fragment.sql}`,
    ...fragment.params,
  );
  return rows[0]?.ids ?? "[]";
}

export async function listSegmentCustomers({ shop, ids }: { shop: string; ids: string[] }): Promise<(SegmentCustomer & { id: string })[]> {
  const out: (SegmentCustomer & { id: string })[] = [];
  for (let i = 0; i < ids.length; i += 500) {
    out.push(...(await prisma.customer.findMany({ where: { shop, id: { in: ids.slice(i, i + 500) } }, select: SEGMENT_CUSTOMER_SELECT })));
  }
  return out;
}

export interface CustomerSummary {
  id: string;
  numberOfOrders: number;
  amountSpentCents: number;
  firstOrderAt: Date | null;
  lastOrderAt: Date | null;
  rfmRecency: number | null;
  rfmFrequency: number | null;
  rfmMonetary: number | null;
  rfmGroup: string | null;
  lifecycleStage: string | null;
  churnRisk: number | null;
  churnReason: string | null;
  expectedValue12mCents: number | null;
}

type SummaryTuple = [string, number, number, number | null, number | null, number | null, number | null, number | null, string | null, string | null, number | null, string | null, number | null];

/**
 * What RFM and lifecycle scoring read, with the stored scores so unchanged rows can be skipped.
 * Aggregated into one JSON text in the database (dates as epoch milliseconds): a shop's 100k rows
 * cost several times more when each row crosses the driver adapter on its own.
 */
export async function listCustomerSummaries({ shop }: { shop: string }): Promise<CustomerSummary[]> {
  const sqlite = usesSqlite();
  const ms = (column: string) =>
    sqlite ? `CAST(round((julianday("${column}") - 2440587.5) * 86400000) AS INTEGER)` : `(extract(epoch from "${column}") * 1000)::bigint`;
  const fields = [
    `"id"`,
    `"numberOfOrders"`,
    `"amountSpentCents"`,
    ms("firstOrderAt"),
    ms("lastOrderAt"),
    `"rfmRecency"`,
    `"rfmFrequency"`,
    `"rfmMonetary"`,
    `"rfmGroup"`,
    `"lifecycleStage"`,
    `"churnRisk"`,
    `"churnReason"`,
    `"expectedValue12mCents"`,
  ].join(", ");
  const sql = sqlite
    ? `SELECT json_group_array(json_array(${fields})) AS "rows" FROM "Customer" WHERE "shop" = ?`
    : `SELECT COALESCE(json_agg(json_build_array(${fields})), '[]'::json)::text AS "rows" FROM "Customer" WHERE "shop" = $1`;
  const result = await prisma.$queryRawUnsafe<{ rows: string }[]>(sql, shop);
  const tuples = JSON.parse(result[0]?.rows ?? "[]") as SummaryTuple[];
  return tuples.map((t) => ({
    id: t[0],
    numberOfOrders: t[1],
    amountSpentCents: t[2],
    firstOrderAt: t[3] === null ? null : new Date(t[3]),
    lastOrderAt: t[4] === null ? null : new Date(t[4]),
    rfmRecency: t[5],
    rfmFrequency: t[6],
    rfmMonetary: t[7],
    rfmGroup: t[8],
    lifecycleStage: t[9],
    churnRisk: t[10],
    churnReason: t[11],
    expectedValue12mCents: t[12],
  }));
}

export interface CustomerScore {
  id: string;
  rfmRecency: number | null;
  rfmFrequency: number | null;
  rfmMonetary: number | null;
  rfmGroup: string | null;
  lifecycleStage: string | null;
  churnRisk: number | null;
  churnReason: string | null;
  expectedValue12mCents: number | null;
}

const SCORE_COLUMNS = ["rfmRecency", "rfmFrequency", "rfmMonetary", "rfmGroup", "lifecycleStage", "churnRisk", "churnReason", "expectedValue12mCents"] as const;

const SCORE_TYPES = ["int", "int", "int", "text", "text", "float8", "text", "int"] as const;

/**
 * Writes RFM, lifecycle and churn columns, one UPDATE … FROM per batch. Rows travel as JSON arrays
 * (no repeated keys): a nightly rescore rewrites most of a shop's customers, and the parameter's
 * size is what the driver adapter pays for.
 */
export async function writeCustomerScores({ shop, scores, batchSize = 50_000 }: { shop: string; scores: CustomerScore[]; batchSize?: number }) {
  const set = SCORE_COLUMNS.map((name) => `"${name}" = j."${name}"`).join(", ");
  for (let i = 0; i < scores.length; i += batchSize) {
    const payload = JSON.stringify(scores.slice(i, i + batchSize).map((score) => [score.id, ...SCORE_COLUMNS.map((name) => score[name])]));
    if (usesSqlite()) {
      const columns = SCORE_COLUMNS.map((name, k) => `value ->> ${k + 1} AS "${name}"`).join(", ");
      // Materialised, so that if the planner puts the rows inside the loop it indexes them instead
      // of rescanning the JSON for every customer.
      await prisma.$executeRawUnsafe(
        `WITH j AS MATERIALIZED (SELECT value ->> 0 AS "id", ${columns} FROM json_each(?))
         UPDATE "Customer" SET ${set} FROM j WHERE "Customer"."shop" = ? AND "Customer"."id" = j."id"`,
        payload,
        shop,
      );
    } else {
      const columns = SCORE_COLUMNS.map((name, k) => `(e ->> ${k + 1})::${SCORE_TYPES[k]} AS "${name}"`).join(", ");
      await prisma.$executeRawUnsafe(
        `UPDATE "Customer" AS c SET ${set} FROM (SELECT e ->> 0 AS "id", ${columns} FROM jsonb_array_elements($1::jsonb) AS e) AS j
         WHERE c."shop" = $2 AND c."id" = j."id"`,
        payload,
        shop,
      );
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Membership

export interface MembershipChange {
  segmentId: string;
  entered: string[];
  left: string[];
}

async function applyChange(tx: Client, shop: string, segment: { id: string; handle: string }, entered: string[], left: string[], at: Date) {
  if (left.length > 0) {
    const tagged = await tx.segmentMember.findMany({
      where: { shop, segmentId: segment.id, taggedAt: { not: null }, customerId: { in: left.length <= 500 ? left : undefined } },
      select: { customerId: true, taggedAt: true },
    });
    const leaving = new Set(left);
    await parkTagged(tx, shop, segmentTag(segment.handle), tagged.filter((row) => leaving.has(row.customerId)));
    await deleteMembers(tx, shop, segment.id, left);
  }
  const since = dateParam(at);
  await insertJsonRows(tx, "SegmentMember", ["shop", "segmentId", "customerId", "since"], entered.map((customerId) => ({ shop, segmentId: segment.id, customerId, since })));
  const history = [
    ...entered.map((customerId) => ({ id: randomUUID(), shop, segmentId: segment.id, customerId, change: "entered", at: since })),
    ...left.map((customerId) => ({ id: randomUUID(), shop, segmentId: segment.id, customerId, change: "left", at: since })),
  ];
  await insertJsonRows(tx, "SegmentHistory", ["id", "shop", "segmentId", "customerId", "change", "at"], history);
}

/** Bound values and their placeholders; bind each use (SQLite's `?` are positional), left to right. */
class Statement {
  readonly params: unknown[] = [];
  constructor(readonly sqlite: boolean) {}
  bind(value: unknown): string {
    this.params.push(value);
    return this.sqlite ? "?" : `$${this.params.length}`;
  }
  text(value: string): string {
    return this.sqlite ? this.bind(value) : `${this.bind(value)}::text`;
  }
  /** Embeds a fragment from whereToSql (numbered from $1), renumbering its placeholders after ours. */
  fragment(fragment: SqlFragment): string {
    const offset = this.params.length;
    this.params.push(...fragment.params);
    return this.sqlite ? fragment.sql : fragment.sql.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + offset}`);
  }
  time(at: Date): string {
    return this.sqlite ? this.bind(dateParam(at)) : `${this.bind(dateParam(at))}::timestamp(3)`;
  }
}

// One statement scans the shop's customers once for a group of segments; groups stay well inside
// both databases' bound-parameter limits.
const FILL_MAX_SEGMENTS = 64;
const FILL_MAX_PARAMS = 8_000;

interface CompiledSegment {
  id: string;
  fragment: SqlFragment | null;
  where: Where;
}

/** Fills the temp table of wanted memberships: one pass over the shop's customers per group of segments. */
async function fillWantedMembers(tx: Client, shop: string, segments: CompiledSegment[]) {
  const sqlite = usesSqlite();
  const groups: CompiledSegment[][] = [];
  let params = 0;
  for (const segment of segments) {
    if (!segment.fragment) {
      // Outside the SQL translator's subset: Prisma evaluates it and the ids come back as JSON.
      const rows = await tx.customer.findMany({ where: { AND: [{ shop }, segment.where] }, select: { id: true } });
      const q = new Statement(sqlite);
      const key = q.text(segment.id);
      const ids = JSON.stringify(rows.map((row) => row.id));
      const from = sqlite ? `json_each(${q.bind(ids)})` : `json_array_elements_text(${q.bind(ids)}::json) AS value`;
      await tx.$executeRawUnsafe(`INSERT INTO seg_want ("segmentId", "customerId") SELECT ${key}, value FROM ${from}`, ...q.params);
      continue;
    }
    const last = groups[groups.length - 1];
    if (!last || last.length >= FILL_MAX_SEGMENTS || params + segment.fragment.params.length > FILL_MAX_PARAMS) {
      groups.push([segment]);
      params = segment.fragment.params.length;
    } else {
      last.push(segment);
      params += segment.fragment.params.length;
    }
  }
  for (const group of groups) {
    const q = new Statement(sqlite);
    if (sqlite) {
      // CROSS JOIN keeps Customer as the outer loop: each customer row is read once and tested
      // against the group's segments, with a CASE on a small integer picking each one's rule.
      const keys = group.map((segment, n) => `SELECT ${n} AS "n", ${q.text(segment.id)} AS "segmentKey"`).join(" UNION ALL ");
      const shopParam = q.bind(shop);
      const branches = group.map((segment, n) => `WHEN ${n} THEN (${q.fragment(segment.fragment!)})`).join(" ");
      await tx.$executeRawUnsafe(
        `INSERT INTO seg_want ("segmentId", "customerId")
         SELECT s."segmentKey", c."id" FROM "Customer" c CROSS JOIN (${keys}) s
         WHERE c."shop" = ${shopParam} AND CASE s."n" ${branches} ELSE 0 END`,
        ...q.params,
      );
    } else {
      // Each rule is evaluated once per customer row: the row expands into the keys of the
      // segments it matches (a NULL for each it does not).
      const keys = group.map((segment) => `CASE WHEN (${q.fragment(segment.fragment!)}) THEN ${q.text(segment.id)} END`).join(", ");
      await tx.$executeRawUnsafe(
        `INSERT INTO seg_want ("segmentId", "customerId")
         SELECT x."segmentKey", x."id" FROM (SELECT c."id", unnest(ARRAY[${keys}]) AS "segmentKey" FROM "Customer" c WHERE c."shop" = ${q.bind(shop)}) x
         WHERE x."segmentKey" IS NOT NULL`,
        ...q.params,
      );
    }
  }
}

export interface MembershipResult {
  segmentId: string;
  entered: number;
  left: number;
  members: number;
}

/**
 * Makes each segment's members exactly the customers matching its compiled rule, in one
 * transaction holding the segments' locks. Wanted memberships go into a temp table filled by one
 * scan of the shop's customers; the enter/leave diffs, history rows and parked tags are then
 * set-based statements against it, so no id list travels between the app and the database.
 * Segments that do not exist (or belong to another shop) are skipped.
 */
export async function replaceSegmentMembers({ shop, segments, at }: { shop: string; segments: { id: string; where: Where }[]; at: Date }): Promise<MembershipResult[]> {
  const wanted = new Map(segments.map((segment) => [segment.id, segment.where]));
  if (wanted.size === 0) return [];
  const sqlite = usesSqlite();
  const dialect = sqlite ? "sqlite" : "postgres";
  const newId = sqlite ? "lower(hex(randomblob(16)))" : "gen_random_uuid()::text";
  const onCommit = sqlite ? "" : "ON COMMIT DROP";
  return prisma.$transaction(
    async (tx) => {
      await lockKeys(tx, [...wanted.keys()].map((id) => `${shop}/segment/${id}`));
      // A write first, so SQLite takes its write lock now instead of upgrading a read later.
      await tx.segment.updateMany({ where: { shop, id: { in: [...wanted.keys()] } }, data: { computedAt: at } });
      const found = await tx.segment.findMany({ where: { shop, id: { in: [...wanted.keys()] } }, select: { id: true, handle: true } });
      if (found.length === 0) return [];
      const compiled: CompiledSegment[] = found.map(({ id }) => {
        const where = wanted.get(id)!;
        try {
          return { id, where, fragment: whereToSql(where, { dialect, encodeDate: dateParam }) };
        } catch (error) {
          if (!(error instanceof UnsupportedWhereError)) throw error;
          return { id, where, fragment: null };
        }
      });
      // SQLite probes the wanted set by key; PostgreSQL hashes it, so an index would only cost.
      await tx.$executeRawUnsafe(
        sqlite
          ? `CREATE TEMP TABLE seg_want ("segmentId" TEXT NOT NULL, "customerId" TEXT NOT NULL, PRIMARY KEY ("segmentId", "customerId")) WITHOUT ROWID`
          : `CREATE TEMP TABLE seg_want ("segmentId" TEXT NOT NULL, "customerId" TEXT NOT NULL) ON COMMIT DROP`,
      );
      await fillWantedMembers(tx, shop, compiled);
      // The diffs below hash a shop's memberships; the default 4 MB work_mem spills them to disk.
      if (!sqlite) await tx.$executeRawUnsafe("SET LOCAL work_mem = '64MB'");

      const ids = found.map((segment) => segment.id);
      let q = new Statement(sqlite);
      await tx.$executeRawUnsafe(
        `CREATE TEMP TABLE seg_left ${onCommit} AS
         SELECT m."segmentId", m."customerId", m."taggedAt" FROM "SegmentMember" m
         WHERE m."shop" = ${q.bind(shop)} AND m."segmentId" IN (${ids.map((id) => q.bind(id)).join(", ")})
           AND NOT EXISTS (SELECT 1 FROM seg_want w WHERE w."segmentId" = m."segmentId" AND w."customerId" = m."customerId")`,
        ...q.params,
      );
      q = new Statement(sqlite);
      await tx.$executeRawUnsafe(
        `CREATE TEMP TABLE seg_entered ${onCommit} AS
         SELECT w."segmentId", w."customerId" FROM seg_want w
         WHERE NOT EXISTS (SELECT 1 FROM "SegmentMember" m WHERE m."shop" = ${q.bind(shop)} AND m."segmentId" = w."segmentId" AND m."customerId" = w."customerId")`,
        ...q.params,
      );
      const counts = async (table: string) => {
        const rows = await tx.$queryRawUnsafe<{ segmentId: string; n: number | bigint; tagged: number | bigint | null }[]>(
          `SELECT "segmentId", COUNT(*) AS "n", ${table === "seg_left" ? `SUM(CASE WHEN "taggedAt" IS NULL THEN 0 ELSE 1 END)` : "0"} AS "tagged" FROM ${table} GROUP BY "segmentId"`,
        );
        return new Map(rows.map((row) => [row.segmentId, { n: Number(row.n), tagged: Number(row.tagged ?? 0) }]));
      };
      const [left, entered, members] = [await counts("seg_left"), await counts("seg_entered"), await counts("seg_want")];

      if (left.size > 0 || entered.size > 0) {
        q = new Statement(sqlite);
        await tx.$executeRawUnsafe(
          `INSERT INTO "SegmentHistory" ("id", "shop", "segmentId", "customerId", "change", "at")
           SELECT ${newId}, ${q.bind(shop)}, "segmentId", "customerId", 'left', ${q.time(at)} FROM seg_left
           UNION ALL
           SELECT ${newId}, ${q.bind(shop)}, "segmentId", "customerId", 'entered', ${q.time(at)} FROM seg_entered`,
          ...q.params,
        );
      }
      // Leavers who carry the Shopify tag are parked so the sync removes it.
      for (const segment of found) {
        if (!left.get(segment.id)?.tagged) continue;
        q = new Statement(sqlite);
        await tx.$executeRawUnsafe(
          `INSERT INTO "SegmentMember" ("shop", "segmentId", "customerId", "since", "taggedAt")
           SELECT ${q.bind(shop)}, ${q.text(`${PENDING_UNTAG_PREFIX}${segmentTag(segment.handle)}`)}, "customerId", ${q.time(at)}, "taggedAt" FROM seg_left
           WHERE "segmentId" = ${q.text(segment.id)} AND "taggedAt" IS NOT NULL
           ON CONFLICT DO NOTHING`,
          ...q.params,
        );
      }
      if (left.size > 0) {
        q = new Statement(sqlite);
        await tx.$executeRawUnsafe(
          `DELETE FROM "SegmentMember" WHERE "shop" = ${q.bind(shop)} AND ("segmentId", "customerId") IN (SELECT "segmentId", "customerId" FROM seg_left)`,
          ...q.params,
        );
      }
      if (entered.size > 0) {
        q = new Statement(sqlite);
        await tx.$executeRawUnsafe(
          `INSERT INTO "SegmentMember" ("shop", "segmentId", "customerId", "since")
           SELECT ${q.bind(shop)}, "segmentId", "customerId", ${q.time(at)} FROM seg_entered WHERE true
           ON CONFLICT DO NOTHING`,
          ...q.params,
        );
      }
      const results = found.map((segment) => ({
        segmentId: segment.id,
        entered: entered.get(segment.id)?.n ?? 0,
        left: left.get(segment.id)?.n ?? 0,
        members: members.get(segment.id)?.n ?? 0,
      }));
      for (const result of results) {
        await tx.segment.updateMany({ where: { shop, id: result.segmentId }, data: { memberCount: result.members, computedAt: at } });
      }
      // PostgreSQL drops them at commit; SQLite keeps temp tables for the connection's life.
      if (sqlite) for (const table of ["seg_want", "seg_left", "seg_entered"]) await tx.$executeRawUnsafe(`DROP TABLE temp.${table}`);
      return results;
    },
    { timeout: 120_000, maxWait: 60_000 },
  );
}

/** Applies enter/leave diffs for a few customers (incremental path); changes already applied are skipped. */
export async function applyMembershipChanges({ shop, changes, at }: { shop: string; changes: MembershipChange[]; at: Date }) {
  const applied: MembershipChange[] = [];
  for (const change of changes) {
    if (change.entered.length === 0 && change.left.length === 0) continue;
    const result = await prisma.$transaction(
      async (tx) => {
        await lockKeys(tx, [`${shop}/segment/${change.segmentId}`]);
        const segment = await tx.segment.findFirst({ where: { shop, id: change.segmentId }, select: { id: true, handle: true } });
        if (!segment) return null;
        const ids = [...change.entered, ...change.left];
        const present = new Set(
          (await tx.segmentMember.findMany({ where: { shop, segmentId: segment.id, customerId: { in: ids } }, select: { customerId: true } })).map((row) => row.customerId),
        );
        // Re-read under the lock, so a concurrent writer's change is not applied twice.
        const entered = change.entered.filter((id) => !present.has(id));
        const left = change.left.filter((id) => present.has(id));
        await applyChange(tx, shop, segment, entered, left, at);
        const memberCount = await tx.segmentMember.count({ where: { shop, segmentId: segment.id } });
        await tx.segment.updateMany({ where: { shop, id: segment.id }, data: { memberCount } });
        return { segmentId: segment.id, entered, left };
      },
      { timeout: 60_000, maxWait: 30_000 },
    );
    if (result && (result.entered.length > 0 || result.left.length > 0)) applied.push(result);
  }
  return applied;
}

/** The segments each of these customers is currently a member of. */
export async function listMemberships({ shop, customerIds }: { shop: string; customerIds: string[] }) {
  const out = new Map<string, Set<string>>();
  for (let i = 0; i < customerIds.length; i += 500) {
    const rows = await prisma.segmentMember.findMany({
      where: { shop, customerId: { in: customerIds.slice(i, i + 500) }, NOT: { segmentId: { startsWith: PENDING_UNTAG_PREFIX } } },
      select: { segmentId: true, customerId: true },
    });
    for (const row of rows) {
      const set = out.get(row.customerId) ?? new Set<string>();
      set.add(row.segmentId);
      out.set(row.customerId, set);
    }
  }
  return out;
}

/** One page of members with the customer columns the segment page shows, keyset-paginated on customer id. */
export async function listMembersPage({ shop, segmentId, after, take }: { shop: string; segmentId: string; after?: string; take: number }) {
  const members = await prisma.segmentMember.findMany({
    where: { shop, segmentId, ...(after ? { customerId: { gt: after } } : {}) },
    select: { customerId: true, since: true, taggedAt: true },
    orderBy: { customerId: "asc" },
    take: take + 1,
  });
  const page = members.slice(0, take);
  const customers = await prisma.customer.findMany({ where: { shop, id: { in: page.map((m) => m.customerId) } }, select: MEMBER_CUSTOMER_SELECT });
  const byId = new Map(customers.map((c) => [c.id, c]));
  return {
    rows: page.map((member) => ({ ...member, customer: byId.get(member.customerId) ?? null })),
    nextCursor: members.length > take ? page[page.length - 1].customerId : null,
  };
}

// ---------------------------------------------------------------------------------------------
// Shopify tag sync bookkeeping

export async function listUntaggedMembers({ shop, segmentId, take }: { shop: string; segmentId: string; take: number }) {
  return prisma.segmentMember.findMany({ where: { shop, segmentId, taggedAt: null }, select: { customerId: true }, orderBy: { customerId: "asc" }, take });
}

export async function listTaggedMembers({ shop, segmentId, take }: { shop: string; segmentId: string; take: number }) {
  return prisma.segmentMember.findMany({ where: { shop, segmentId, taggedAt: { not: null } }, select: { customerId: true }, orderBy: { customerId: "asc" }, take });
}

export async function markTagged({ shop, segmentId, customerIds, at }: { shop: string; segmentId: string; customerIds: string[]; at: Date | null }) {
  await prisma.segmentMember.updateMany({ where: { shop, segmentId, customerId: { in: customerIds } }, data: { taggedAt: at } });
}

/** Tags waiting to be removed from customers who left a synced segment, grouped by tag. */
export async function listPendingUntags({ shop, take }: { shop: string; take: number }) {
  const rows = await prisma.segmentMember.findMany({
    where: { shop, segmentId: { startsWith: PENDING_UNTAG_PREFIX } },
    select: { segmentId: true, customerId: true },
    orderBy: [{ segmentId: "asc" }, { customerId: "asc" }],
    take,
  });
  return rows.map((row) => ({ tag: row.segmentId.slice(PENDING_UNTAG_PREFIX.length), customerId: row.customerId }));
}

export async function clearPendingUntags({ shop, tag, customerIds }: { shop: string; tag: string; customerIds: string[] }) {
  await prisma.segmentMember.deleteMany({ where: { shop, segmentId: `${PENDING_UNTAG_PREFIX}${tag}`, customerId: { in: customerIds } } });
}

export async function listInstalledShops() {
  const rows = await prisma.shop.findMany({ where: { installState: "installed" }, select: { domain: true } });
  return rows.map((row) => row.domain);
}
