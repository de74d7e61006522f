import { createHash, randomUUID } from "node:crypto";
import { Redis as IORedis, type Redis } from "ioredis";
import prisma from "~/db.server";
import { env } from "~/env.server";
import { addLogContext, logger, getErrorMessage } from "~/logger.server";
import { explainPersonalisation } from "~/lib/ethics/explain";
import { personalBlockAllowance } from "~/lib/ethics/frequency-cap";
import type { EthicsSettings } from "~/lib/ethics/settings";
import { assignArm, assignmentUnitId, HOLDOUT_ARM, type ArmSpec } from "~/lib/experiments/assignment";
import { readShopSettings } from "~/lib/settings/shop-settings";
import {
  describeIssues,
  eventsBodySchema,
  firstValues,
  notInterestedBodySchema,
  recommendationsQuerySchema,
  type RecommendationsQuery,
  type StorefrontStrategy,
} from "~/lib/storefront/params";
import { rateDecision, rateWindow } from "~/lib/storefront/rate-limit";
import { TtlCache } from "~/lib/storefront/ttl-cache";
import {
  interleaveLists,
  listPlan,
  mergeRanked,
  personalVerdict,
  toResponseItem,
  type ListRef,
  type PersonalVerdict,
  type ResponseItem,
} from "~/lib/storefront/response";
import { customerKey, getShopperPreferences, setPersonalisationOff, addNotInterested, visitorKey } from "~/models/shopper-preferences.server";
import { getPersonalisationFacts } from "~/models/customers.server";
import { incrementAnonymousCounts, recordEvents, type EventRow } from "~/models/events.server";
import { readRecListsIn } from "~/models/recommendations.server";
import { BODY_LIMITS, BodyTooLargeError, readBodyWithin } from "~/services/body-limit.server";
import { PROXY_TIMESTAMP_TOLERANCE_S, proxyRefusal, proxyTimestampFresh, verifyAppProxy } from "~/services/shopify-signatures.server";

/** Largest accepted events/not-interested body, in bytes. */
export const MAX_BODY_BYTES = BODY_LIMITS.proxy;
/** Event beacons a visitor (or, anonymously, a client address) may send per minute. */
export const EVENTS_PER_MINUTE = 60;
/** Event beacons a whole shop may send per minute before the app sheds load. */
export const SHOP_EVENTS_PER_MINUTE = 20_000;
const MINUTE_MS = 60_000;
const WEEK_MS = 7 * 86_400_000;
const CONTEXT_TTL_MS = 5_000;
const RESPONSE_TTL_MS = 30_000;
const RESPONSE_CACHE_MAX = 5_000;
/** Experiment id used for the default holdout when the shop runs no experiment on a surface. */
export const DEFAULT_EXPERIMENT_ID = "default-holdout";
const DEFAULT_ARMS: ArmSpec[] = [{ key: "personal", weight: 1 }];
/** Arm reported when there is no consented identifier to assign on. */
export const UNASSIGNED_ARM = "none";

export type ProxyReply = { status: number; body: string | null; headers: Record<string, string> };

const jsonReply = (status: number, value: unknown, headers: Record<string, string> = {}): ProxyReply => ({
  status,
  body: JSON.stringify(value),
  headers: { "Content-Type": "application/json; charset=utf-8", ...headers },
});

/* ---------- shop context (settings, live version, experiments), cached briefly ---------- */

type RunningExperiment = { id: string; surface: string; arms: ArmSpec[]; holdoutPct: number; rolloutPct: number };
type ShopContext = { currency: string; version: number; ethics: EthicsSettings; experiments: RunningExperiment[]; loadedAt: number };
const contexts = new Map<string, ShopContext>();

const contextLoads = new Map<string, Promise<ShopContext | null>>();

/** The shop's context if this process loaded it recently enough, without waiting. */
function freshShopContext(shop: string, nowMs: number): ShopContext | null {
  const cached = contexts.get(shop);
  return cached && nowMs - cached.loadedAt < CONTEXT_TTL_MS ? cached : null;
}

async function shopContext(shop: string, nowMs: number): Promise<ShopContext | null> {
  const cached = freshShopContext(shop, nowMs);
  if (cached) return cached;
  // One load per shop at a time: every storefront request of the shop misses together when it expires.
  let pending = contextLoads.get(shop);
  if (!pending) {
    pending = loadShopContext(shop, nowMs).finally(() => contextLoads.delete(shop));
    contextLoads.set(shop, pending);
  }
  return pending;
}

async function loadShopContext(shop: string, nowMs: number): Promise<ShopContext | null> {
  const [row, experiments] = await Promise.all([
    prisma.shop.findUnique({ where: { domain: shop }, select: { currency: true, liveRecVersion: true, settings: true, installState: true } }),
    prisma.experiment.findMany({ where: { shop, status: "running" }, select: { id: true, surface: true, arms: true, holdoutPct: true, rolloutPct: true } }),
  ]);
  if (!row || row.installState !== "installed") return null;
  const context: ShopContext = {
    currency: row.currency,
    version: row.liveRecVersion,
    ethics: readShopSettings(row.settings).ethics,
    experiments: experiments.flatMap((e) => {
      const arms = Array.isArray(e.arms) ? (e.arms as { key?: unknown; weight?: unknown }[]) : [];
      const specs = arms
        .filter((a) => typeof a.key === "string" && a.key !== HOLDOUT_ARM)
        .map((a) => ({ key: a.key as string, weight: typeof a.weight === "number" && a.weight > 0 ? a.weight : 1 }));
      return specs.length ? [{ id: e.id, surface: e.surface, arms: specs, holdoutPct: e.holdoutPct, rolloutPct: e.rolloutPct }] : [];
    }),
    loadedAt: nowMs,
  };
  contexts.set(shop, context);
  return context;
}

/** Forgets cached shop context and responses (tests, and after settings change in this process). */
export function clearStorefrontCaches(): void {
  contexts.clear();
  knownQueries.clear();
  responses.clear();
  fallbackBestsellers.clear();
  cards.clear();
}

/* ---------- Redis: frequency cap and rate limits ---------- */

let redis: Redis | undefined;
function getRedis(): Redis {
  // Unlike the queue producer, queue commands while connecting (the first storefront request must
  // not fail the cap check), but never wait long: a storefront request can't hang on Redis.
  if (!redis) {
    redis = new IORedis(env().REDIS_URL, { maxRetriesPerRequest: 1, connectTimeout: 2_000, commandTimeout: 500, enableOfflineQueue: true });
    redis.on("error", () => {});
  }
  return redis;
}
const redisKey = (...parts: string[]) => `${env().QUEUE_PREFIX}:sf:${parts.join(":")}`;

/** Closes the storefront's Redis connection (tests, shutdown). */
export async function closeStorefrontRedis(): Promise<void> {
  const r = redis;
  redis = undefined;
  if (r) await r.quit().catch(() => r.disconnect());
}

async function recentPersonalOffers(shop: string, shopperKey: string, nowMs: number): Promise<number[] | null> {
  try {
    const members = await getRedis().zrangebyscore(redisKey("cap", shop, shopperKey), nowMs - WEEK_MS, "+inf");
    return members.map((m) => Number(m.split("-")[0]));
  } catch (error) {
    // Without the counter the cap can't be honoured, so the shopper gets non-personal lists.
    logger.warn({ shop, err: getErrorMessage(error) }, "frequency cap unavailable");
    return null;
  }
}

async function notePersonalOffer(shop: string, shopperKey: string, nowMs: number): Promise<void> {
  const key = redisKey("cap", shop, shopperKey);
  try {
    await getRedis()
      .multi()
      .zadd(key, nowMs, `${nowMs}-${randomUUID().slice(0, 8)}`)
      .zremrangebyscore(key, "-inf", nowMs - WEEK_MS)
      .pexpire(key, WEEK_MS + MINUTE_MS)
      .exec();
  } catch (error) {
    logger.warn({ shop, err: getErrorMessage(error) }, "frequency cap not recorded");
  }
}

async function countInWindow(key: string, nowMs: number): Promise<number> {
  const windowKey = `${key}:${rateWindow(nowMs, MINUTE_MS)}`;
  const result = await getRedis().multi().incr(windowKey).pexpire(windowKey, 2 * MINUTE_MS).exec();
  return Number(result?.[0]?.[1] ?? 0);
}

/** Fixed-window limits per shop+shopper and per shop; fails open when Redis is down (events are best effort). */
async function rateLimit(shop: string, clientKey: string, nowMs: number): Promise<ProxyReply | null> {
  try {
    const [mine, shopTotal] = await Promise.all([countInWindow(redisKey("rl", shop, clientKey), nowMs), countInWindow(redisKey("rl", shop), nowMs)]);
    for (const [count, limit, who] of [
      [mine, EVENTS_PER_MINUTE, "this shopper"],
      [shopTotal, SHOP_EVENTS_PER_MINUTE, "this shop"],
    ] as const) {
      const decision = rateDecision({ count, limit, nowMs, windowMs: MINUTE_MS });
      if (!decision.allowed) {
        return jsonReply(
          429,
          { error: `Too many event batches from ${who}: at most ${limit} a minute. Try again in ${decision.retryAfterSeconds} s.` },
          { "Retry-After": String(decision.retryAfterSeconds) },
        );
      }
    }
  } catch (error) {
    logger.warn({ shop, err: getErrorMessage(error) }, "rate limiter unavailable");
  }
  return null;
}

/* ---------- recommendations ---------- */

type StoredItem = { productId: string; score?: number; reason?: string; source?: string };
type Candidate = { productId: string; reason: string; source: string; personal: boolean };

async function readLists(shop: string, version: number, refs: ListRef[]): Promise<Map<string, StoredItem[]>> {
  const out = new Map<string, StoredItem[]>();
  if (refs.length === 0) return out;
  // Kinds IN and subjects IN, not an OR of pairs: without fresh planner statistics SQLite answered four
  // OR'ed pairs by scanning the shop's lists (about 1 ms at 10k lists), while the IN lists always use
  // the primary key. The cross product may add a row or two, which the wanted set drops.
  const wanted = new Set(refs.map((r) => `${r.kind}\u0000${r.subjectId}`));
  const rows = await readRecListsIn({ shop, version, kinds: [...new Set(refs.map((r) => r.kind))], subjectIds: [...new Set(refs.map((r) => r.subjectId))] });
  for (const row of rows) {
    const key = `${row.kind}\u0000${row.subjectId}`;
    if (!wanted.has(key)) continue;
    const items = Array.isArray(row.items) ? (row.items as StoredItem[]) : [];
    out.set(key, items.filter((i) => i && typeof i.productId === "string"));
  }
  return out;
}

const FALLBACK_TTL_MS = 10 * 60_000;
const fallbackBestsellers = new Map<string, { items: Candidate[]; loadedAt: number }>();

/** Best-selling products by units over all stored orders, cached per shop; used only when no RecList exists. */
async function bestsellersFromOrders(shop: string, nowMs: number): Promise<Candidate[]> {
  const cached = fallbackBestsellers.get(shop);
  if (cached && nowMs - cached.loadedAt < FALLBACK_TTL_MS) return cached.items;
  const rows = await prisma.orderLine.groupBy({
    by: ["productId"],
    where: { shop, productId: { not: null } },
    _sum: { quantity: true },
    orderBy: { _sum: { quantity: "desc" } },
    take: 60,
  });
  const items = rows.map((r) => ({ productId: r.productId!, reason: "Popular in this shop", source: "bestseller", personal: false }));
  fallbackBestsellers.set(shop, { items, loadedAt: nowMs });
  return items;
}

/** Candidates in plan order; consecutive bought-together lists are interleaved so every anchor contributes. */
function candidatesFrom(plan: ListRef[], lists: Map<string, StoredItem[]>): Candidate[][] {
  const groups: Candidate[][] = [];
  let fbt: Candidate[][] = [];
  const flushFbt = () => {
    if (fbt.length) groups.push(interleaveLists(fbt));
    fbt = [];
  };
  for (const ref of plan) {
    const items = (lists.get(`${ref.kind}\u0000${ref.subjectId}`) ?? []).map((i) => ({
      productId: i.productId,
      reason: typeof i.reason === "string" ? i.reason : "",
      source: typeof i.source === "string" ? i.source : ref.kind,
      personal: ref.personal,
    }));
    if (ref.kind === "fbt") fbt.push(items);
    else {
      flushFbt();
      groups.push(items);
    }
  }
  flushFbt();
  return groups;
}

type Card = { id: string; handle: string; title: string; priceCents: number; imageUrl: string | null; variantId: string | null };
// Cards are shared by every shopper and block, so one read serves many personal answers; null records
// a product that is not sellable. They may lag the catalogue by RESPONSE_TTL_MS, as shared answers do.
const cards = new TtlCache<Card | null>(RESPONSE_TTL_MS, 50_000);

async function productCards(shop: string, ids: string[], nowMs: number): Promise<Map<string, Card>> {
  const out = new Map<string, Card>();
  const missing: string[] = [];
  for (const id of ids) {
    const card = cards.get(`${shop}\u0000${id}`, nowMs);
    if (card) out.set(id, card);
    else if (card === undefined) missing.push(id);
  }
  if (missing.length === 0) return out;
  const rows = await prisma.product.findMany({
    where: { shop, id: { in: missing }, deletedAt: null, status: "ACTIVE", published: true, isGiftCard: false },
    select: { id: true, handle: true, title: true, priceCents: true, imageUrl: true, variants: { select: { id: true }, orderBy: { id: "asc" }, take: 1 } },
  });
  const found = new Map(rows.map((r) => [r.id, { id: r.id, handle: r.handle, title: r.title, priceCents: r.priceCents, imageUrl: r.imageUrl, variantId: r.variants[0]?.id ?? null }]));
  for (const id of missing) {
    const card = found.get(id) ?? null;
    cards.set(`${shop}\u0000${id}`, card, nowMs);
    if (card) out.set(id, card);
  }
  return out;
}

/** Loads, filters and shapes the items for one request; `personalAllowed` gates every personal list. */
async function loadItems({
  shop,
  context,
  query,
  strategy,
  customerId,
  personalAllowed,
  exclude,
}: {
  shop: string;
  context: ShopContext;
  query: RecommendationsQuery;
  strategy: StorefrontStrategy;
  customerId: string | null;
  personalAllowed: boolean;
  exclude: Set<string>;
}): Promise<{ items: ResponseItem[]; personal: boolean }> {
  const plan = listPlan({ surface: query.surface, strategy, productId: query.product_id, cart: query.cart, customerId, personalAllowed });
  const lists = await readLists(shop, context.version, plan);
  const groups = candidatesFrom(plan, lists);
  // Before the first recompute (or if it failed) there are no lists; popular products keep blocks useful.
  if (groups.every((g) => g.length === 0)) groups.push(await bestsellersFromOrders(shop, Date.now()));
  // Over-fetch: some products may be unpublished or deleted since the lists were computed.
  const picked = mergeRanked(groups, exclude, query.limit * 2 + 4);
  const sellable = await productCards(shop, picked.map((c) => c.productId), Date.now());
  const items: ResponseItem[] = [];
  let personal = false;
  for (const candidate of picked) {
    const card = sellable.get(candidate.productId);
    if (!card || items.length >= query.limit) continue;
    items.push(toResponseItem(card, candidate, context.currency));
    personal ||= candidate.personal;
  }
  return { items, personal };
}

function armFor(shop: string, context: ShopContext, surface: string, unitId: string | null): string {
  if (!unitId) return UNASSIGNED_ARM;
  const experiment = context.experiments.find((e) => e.surface === surface);
  const assignment = experiment
    ? assignArm({ shop, experimentId: experiment.id, unitId, arms: experiment.arms, holdoutPct: experiment.holdoutPct, rolloutPct: experiment.rolloutPct })
    : assignArm({ shop, experimentId: DEFAULT_EXPERIMENT_ID, unitId, arms: DEFAULT_ARMS, holdoutPct: 10 });
  return assignment.enrolled ? assignment.arm : UNASSIGNED_ARM;
}

/** An experiment arm named like a strategy decides the strategy for "auto" blocks. */
function armStrategy(arm: string, requested: StorefrontStrategy): StorefrontStrategy {
  if (arm === HOLDOUT_ARM) return "bestsellers";
  if (requested !== "auto") return requested;
  const known: StorefrontStrategy[] = ["bought_together", "for_you", "buy_again", "trending", "bestsellers"];
  return known.includes(arm as StorefrontStrategy) ? (arm as StorefrontStrategy) : "auto";
}

// When a shared answer expires under load, every request for it would miss at once and each run the
// same queries (on PostgreSQL that exhausted the pool and turned into 503s); one load per key is shared.
const sharedLoads = new Map<string, Promise<{ items: ResponseItem[]; personal: boolean }>>();
function sharedLoad(key: string, load: () => Promise<{ items: ResponseItem[]; personal: boolean }>) {
  let pending = sharedLoads.get(key);
  if (!pending) {
    pending = load().finally(() => sharedLoads.delete(key));
    sharedLoads.set(key, pending);
  }
  return pending;
}

// The 200 and 304 replies are built once per cached answer: a cache hit allocates nothing.
type CachedResponse = { ok: ProxyReply; notModified: ProxyReply; etag: string; expires: number };
const responses = new Map<string, CachedResponse>();

function etagOf(body: string): string {
  return `W/"${createHash("sha1").update(body).digest("base64url").slice(0, 22)}"`;
}

// Shoppers on the same page send the same query but for Shopify's per-request signature and timestamp,
// so the validated query is remembered by the rest of it: a product page's block costs one parse.
const PARSED_QUERY_MAX = 10_000;
const PER_REQUEST_PARAMS = new Set(["signature", "timestamp"]);
type ParsedQuery = { success: true; data: RecommendationsQuery } | { success: false; error: ReturnType<typeof describeIssues> };
const parsedQueries = new Map<string, ParsedQuery>();

function parseRecommendationsQuery(searchParams: URLSearchParams): ParsedQuery {
  let key = "";
  for (const [name, value] of searchParams) if (!PER_REQUEST_PARAMS.has(name)) key += `${name}=${value}\u0000`;
  const known = parsedQueries.get(key);
  if (known) return known;
  const result = recommendationsQuerySchema.safeParse(firstValues(searchParams));
  const parsed: ParsedQuery = result.success ? { success: true, data: result.data } : { success: false, error: describeIssues(result.error) };
  if (parsedQueries.size >= PARSED_QUERY_MAX) parsedQueries.delete(parsedQueries.keys().next().value!);
  parsedQueries.set(key, parsed);
  return parsed;
}

// Shopify signs each proxied request with the second it was sent in, so every guest who opens the same
// page in the same second sends the very same query string: under load most requests repeat one
// already seen. Once a string's signature has checked out, its shop and validated parameters are
// remembered by that exact string, and a repeat skips the parse and the HMAC. The timestamp is still
// checked against the clock on every request, so a remembered query is refused exactly when it would
// have been; a string that failed verification is never remembered. Past twice the allowed skew a
// string can only be refused, so it is forgotten then.
type KnownQuery = { shop: string; timestamp: number; parsed: ParsedQuery };
const knownQueries = new TtlCache<KnownQuery>(2 * PROXY_TIMESTAMP_TOLERANCE_S * 1000, 10_000);

function verifiedQuery(search: string, nowMs: number): KnownQuery {
  const known = knownQueries.get(search, nowMs);
  if (known) {
    if (!proxyTimestampFresh(known.timestamp, nowMs)) throw proxyRefusal();
    addLogContext({ shop: known.shop });
    return known;
  }
  const params = new URLSearchParams(search);
  const { shop, timestamp } = verifyAppProxy(params, nowMs);
  const verified = { shop, timestamp, parsed: parseRecommendationsQuery(params) };
  knownQueries.set(search, verified, nowMs);
  return verified;
}

/**
 * GET /proxy/recommendations as a whole, from its query string (without the "?"): the proxy signature
 * (a refusal is thrown as a Response, as the other proxy routes do), validation, consent and ethics
 * gates, holdout, caching. The Remix route and the web server's hot path both call it.
 * Most requests are guests on a page whose shared answer is cached; with the shop's context in memory
 * too they are answered synchronously, without a promise or a microtask, which is most of what such an
 * answer would otherwise cost. Anything that needs a read returns a promise.
 */
export function proxyRecommendations({ search, ifNoneMatch, now }: { search: string; ifNoneMatch: string | null; now: Date }): ProxyReply | Promise<ProxyReply> {
  const nowMs = now.getTime();
  const { shop, parsed } = verifiedQuery(search, nowMs);
  if (!parsed.success) return jsonReply(400, parsed.error);
  const answer = (context: ShopContext | null) =>
    context ? recommendationsFor({ shop, query: parsed.data, context, ifNoneMatch, nowMs }) : jsonReply(404, { error: "This shop has not installed Shopkeeper." });
  const cached = freshShopContext(shop, nowMs);
  return cached ? answer(cached) : shopContext(shop, nowMs).then(answer);
}

const NO_PREFERENCES = { personalisationOff: false, notInterested: new Set<string>() } as const;
type ShopperPreferences = { personalisationOff: boolean; notInterested: Set<string> };
type RecommendationsRequest = { shop: string; query: RecommendationsQuery; context: ShopContext; ifNoneMatch: string | null; nowMs: number };

function recommendationsFor(request: RecommendationsRequest): ProxyReply | Promise<ProxyReply> {
  const { shop, query, nowMs } = request;
  const granted = query.consent === "granted";
  // Without granted consent the customer id and visitor id are not used at all, not even for the arm.
  const customerId = granted ? query.logged_in_customer_id ?? null : null;
  const visitorId = granted ? query.visitor ?? null : null;
  const keys = [...(customerId ? [customerKey(customerId)] : []), ...(visitorId ? [visitorKey(visitorId)] : [])];
  const arm = armFor(shop, request.context, query.surface, assignmentUnitId({ customerId, visitorId }));
  const gates: Gates = { consent: query.consent, queryOptOut: query.optout === "1", customerId, surface: query.surface, settings: request.context.ethics, arm };
  // A shopper without consent (most of them) has nothing to read.
  if (!keys.length) return answerFor(request, gates, { prefs: NO_PREFERENCES, customer: null, offers: null });
  // The customer's history and weekly cap matter only if every cheaper gate passes; they are read
  // alongside the shopper's preferences rather than after them, which halves a personal answer's waits.
  const mayPersonalise =
    !!customerId && personalVerdict({ ...gates, serverOptOut: false, customerOrders: Number.POSITIVE_INFINITY, capAllowed: true }) === "ok";
  return Promise.all([
    getShopperPreferences({ shop, keys }),
    mayPersonalise ? getPersonalisationFacts({ shop, id: customerId! }) : null,
    mayPersonalise ? recentPersonalOffers(shop, customerKey(customerId!), nowMs) : null,
  ]).then(([prefs, customer, offers]) => answerFor(request, gates, { prefs, customer, offers }));
}

/** What personalVerdict reads that is known before any database read. */
type Gates = Omit<Parameters<typeof personalVerdict>[0], "serverOptOut" | "customerOrders" | "capAllowed">;

function answerFor(
  request: RecommendationsRequest,
  gates: Gates,
  shopper: {
    prefs: ShopperPreferences;
    customer: { numberOfOrders: number; personalisationOptOut: boolean } | null;
    offers: number[] | null;
  },
): ProxyReply | Promise<ProxyReply> {
  const { shop, query, context, ifNoneMatch, nowMs } = request;
  const { prefs, customer, offers } = shopper;
  const { arm, customerId } = gates;
  const strategy = armStrategy(arm, query.strategy);
  const capKey = customerId ? customerKey(customerId) : null;

  let verdict: PersonalVerdict = personalVerdict({
    ...gates,
    serverOptOut: prefs.personalisationOff,
    customerOrders: Number.POSITIVE_INFINITY,
    capAllowed: true,
  });
  if (verdict === "ok" && customerId) {
    const cap = offers ? personalBlockAllowance({ recentOffers: offers, blocksOnPage: 0, now: nowMs, settings: context.ethics }) : { allowed: false };
    verdict = personalVerdict({
      ...gates,
      serverOptOut: customer?.personalisationOptOut ?? false,
      customerOrders: customer?.numberOfOrders ?? 0,
      capAllowed: cap.allowed,
    });
  }
  const personalAllowed = verdict === "ok";

  // Shared responses depend only on these inputs; hidden products make a response shopper-specific.
  const shareable = !personalAllowed && prefs.notInterested.size === 0;
  const cacheKey = shareable
    ? [shop, context.version, query.surface, strategy, arm, query.limit, query.product_id ?? "", query.cart.join(",")].join("\u0000")
    : null;
  if (cacheKey) {
    const hit = responses.get(cacheKey);
    if (hit && hit.expires > nowMs) return cachedReply(hit, ifNoneMatch);
  }
  const exclude = new Set<string>([...(query.product_id ? [query.product_id] : []), ...query.cart, ...prefs.notInterested]);
  return loadAnswer({ ...request, strategy, arm, customerId, capKey, personalAllowed, exclude, cacheKey });
}

async function loadAnswer({
  shop,
  query,
  context,
  ifNoneMatch,
  nowMs,
  strategy,
  arm,
  customerId,
  capKey,
  personalAllowed,
  exclude,
  cacheKey,
}: RecommendationsRequest & {
  strategy: StorefrontStrategy;
  arm: string;
  customerId: string | null;
  capKey: string | null;
  personalAllowed: boolean;
  exclude: Set<string>;
  cacheKey: string | null;
}): Promise<ProxyReply> {
  const load = () => loadItems({ shop, context, query, strategy, customerId, personalAllowed, exclude });
  const { items, personal } = cacheKey ? await sharedLoad(cacheKey, load) : await load();
  if (personal && capKey) await notePersonalOffer(shop, capKey, nowMs);
  const payload = {
    surface: query.surface,
    strategy: strategy === "auto" ? query.strategy : strategy,
    arm,
    personal,
    request_id: "",
    items,
  };
  if (!personal) {
    payload.request_id = createHash("sha1").update(JSON.stringify(payload)).digest("base64url").slice(0, 16);
    const body = JSON.stringify(payload);
    const entry = cachedResponse(body, nowMs + RESPONSE_TTL_MS);
    if (cacheKey) {
      if (responses.size >= RESPONSE_CACHE_MAX) responses.delete(responses.keys().next().value!);
      responses.set(cacheKey, entry);
    }
    return cachedReply(entry, ifNoneMatch);
  }
  payload.request_id = randomUUID().replace(/-/g, "");
  return jsonReply(200, payload, { "Cache-Control": "private, no-store" });
}

function cachedResponse(body: string, expires: number): CachedResponse {
  const etag = etagOf(body);
  const headers = { "Cache-Control": "public, max-age=60", ETag: etag, Vary: "Accept-Encoding" };
  return {
    ok: { status: 200, body, headers: Object.freeze({ "Content-Type": "application/json; charset=utf-8", ...headers }) },
    notModified: { status: 304, body: null, headers: Object.freeze(headers) },
    etag,
    expires,
  };
}

function cachedReply(entry: CachedResponse, ifNoneMatch: string | null): ProxyReply {
  return ifNoneMatch && ifNoneMatch.split(",").some((tag) => tag.trim() === entry.etag) ? entry.notModified : entry.ok;
}

/* ---------- events ---------- */

/** Reads a request body up to the limit; null when it is larger. */
export async function readLimitedBody(request: Request, limit = MAX_BODY_BYTES): Promise<string | null> {
  try {
    return Buffer.from(await readBodyWithin(request, limit)).toString("utf8");
  } catch (error) {
    if (error instanceof BodyTooLargeError) return null;
    throw error;
  }
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

const tooLarge = () => jsonReply(413, { error: `The request body is larger than ${MAX_BODY_BYTES} bytes; send fewer events at a time.` });

/** Handles POST /proxy/events: size limit, validation, rate limit, then Event rows (consent) or anonymous counts. */
export async function storefrontEvents({
  shop,
  request,
  loggedInCustomerId,
  clientAddress,
  now,
}: {
  shop: string;
  request: Request;
  loggedInCustomerId: string | null;
  clientAddress: string;
  now: Date;
}): Promise<ProxyReply> {
  const text = await readLimitedBody(request);
  if (text === null) return tooLarge();
  const json = parseJson(text);
  if (!json.ok) return jsonReply(400, { error: "The body must be JSON: { visitor, consent, events: [...] }." });
  const parsed = eventsBodySchema.safeParse(json.value);
  if (!parsed.success) return jsonReply(400, describeIssues(parsed.error));
  const body = parsed.data;
  const identified = body.consent === "granted" && !!body.visitor;
  // Anonymous senders are limited by a hash of their address, which is never stored.
  const clientKey = identified ? `v:${body.visitor}` : `a:${createHash("sha1").update(clientAddress).digest("base64url").slice(0, 16)}`;
  const limited = await rateLimit(shop, clientKey, now.getTime());
  if (limited) return limited;
  if (!(await shopContext(shop, now.getTime()))) return jsonReply(404, { error: "This shop has not installed Shopkeeper." });

  if (identified) {
    const customerId = loggedInCustomerId ?? null;
    const rows: EventRow[] = body.events.map((e) => {
      const at = e.at ? new Date(e.at) : now;
      // A client clock far off (or a replay) must not place events in the future or long past.
      const occurredAt = Math.abs(at.getTime() - now.getTime()) > 86_400_000 ? now : at;
      return {
        type: e.type,
        visitorId: body.visitor!,
        customerId,
        surface: e.surface,
        strategy: e.strategy ?? null,
        arm: e.arm || null,
        productId: e.product_id ?? null,
        occurredAt,
      };
    });
    const stored = await recordEvents({ shop, rows });
    return jsonReply(202, { stored, counted: 0 });
  }
  const day = now.toISOString().slice(0, 10);
  const tally = new Map<string, { day: string; surface: string; type: string; n: number }>();
  for (const e of body.events) {
    const key = `${e.surface}\u0000${e.type}`;
    const entry = tally.get(key) ?? { day, surface: e.surface, type: e.type, n: 0 };
    entry.n += 1;
    tally.set(key, entry);
  }
  await incrementAnonymousCounts({ shop, counts: [...tally.values()] });
  return jsonReply(202, { stored: 0, counted: body.events.length });
}

/** Handles POST /proxy/not-interested: remembers the dismissal for the visitor and, when logged in, the customer. */
export async function storefrontNotInterested({
  shop,
  request,
  loggedInCustomerId,
}: {
  shop: string;
  request: Request;
  loggedInCustomerId: string | null;
}): Promise<ProxyReply> {
  const text = await readLimitedBody(request, 2048);
  if (text === null) return tooLarge();
  const json = parseJson(text);
  if (!json.ok) return jsonReply(400, { error: "The body must be JSON: { visitor, product_id }." });
  const parsed = notInterestedBodySchema.safeParse(json.value);
  if (!parsed.success) return jsonReply(400, describeIssues(parsed.error));
  const keys = [...(loggedInCustomerId ? [customerKey(loggedInCustomerId)] : []), ...(parsed.data.visitor ? [visitorKey(parsed.data.visitor)] : [])];
  if (keys.length === 0) return jsonReply(400, { error: "visitor: send the visitor id (or log in) so the choice can be remembered." });
  for (const shopperKey of keys) await addNotInterested({ shop, shopperKey, productId: parsed.data.product_id });
  // Hidden products change this shopper's lists; drop shared cached copies is unnecessary (they are never shopper-specific).
  return jsonReply(200, { ok: true });
}

/* ---------- privacy page ---------- */

/** What the privacy page shows: the current explanation and, for logged-in customers, their stored choice. */
export async function privacyPageState({ shop, customerId, now }: { shop: string; customerId: string | null; now: Date }) {
  const context = await shopContext(shop, now.getTime());
  const ethics = context?.ethics ?? readShopSettings({}).ethics;
  const paragraphs = explainPersonalisation(ethics, { holdoutRunning: true });
  const prefs = customerId ? await getShopperPreferences({ shop, keys: [customerKey(customerId)] }) : null;
  return { paragraphs, personalisationOff: prefs?.personalisationOff ?? null };
}

/** Stores a logged-in customer's on/off choice; guests' choices live on their device only. */
export async function savePrivacyChoice({ shop, customerId, off }: { shop: string; customerId: string | null; off: boolean }) {
  if (customerId) await setPersonalisationOff({ shop, shopperKey: customerKey(customerId), off });
  contexts.delete(shop);
  return { stored: customerId !== null };
}

/* ---------- route helpers ---------- */

/** Turns a service reply into a Remix Response. */
export function toResponse(reply: ProxyReply): Response {
  return new Response(reply.body, { status: reply.status, headers: reply.headers });
}

/** The signed logged_in_customer_id, or null for guests; callers still gate its use on consent. */
export function loggedInCustomer(params: URLSearchParams): string | null {
  const id = params.get("logged_in_customer_id") ?? "";
  return /^\d{1,20}$/.test(id) ? id : null;
}

/** The shopper's address as forwarded by Shopify's proxy; only ever hashed for rate limiting. */
export function clientAddress(request: Request): string {
  return (request.headers.get("x-forwarded-for") ?? "").split(",")[0].trim() || "unknown";
}
