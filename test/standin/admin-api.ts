// The Admin side of the stand-in: token exchange and the GraphQL endpoint with cost-based throttling.
import { randomBytes } from "node:crypto";
import { execute, GraphQLError, Kind, parse, validate, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode } from "graphql";
import type { BulkOperations } from "./bulk";
import type { Faults } from "./faults";
import { CostBucket, queryCost } from "./graphql/cost";
import type { AdminContext } from "./graphql/schema";
import { shopFromClaims, verifySessionToken } from "./session-token";
import type { ShopState, StandinStore } from "./store";

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body: string | Buffer;
  /** Wait this long before answering; Infinity never answers. */
  delayMs?: number;
}

export interface GraphqlCall {
  shop: string;
  apiVersion: string;
  query: string;
  variables: Record<string, unknown>;
  operationName: string | null;
  status: number;
  throttled: boolean;
  requestedQueryCost: number | null;
  actualQueryCost: number | null;
  at: string;
}

export interface MutationCall {
  shop: string;
  name: string;
  args: Record<string, unknown>;
  at: string;
}

export interface TokenExchangeCall {
  shop: string | null;
  ok: boolean;
  reason: string | null;
  requestedTokenType: string | null;
  at: string;
}

export interface AccessToken {
  shop: string;
  scope: string;
  online: boolean;
  expiresAt: number | null;
}

export interface AdminApiOptions {
  apiKey: string;
  apiSecret: string;
  scopes: string;
  bucket: { maximumAvailable: number; restoreRate: number };
  nowMs: () => number;
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}): Reply => ({
  status,
  headers: { "Content-Type": "application/json; charset=utf-8", ...headers },
  body: JSON.stringify(body),
});

/** Token exchange, access tokens, and the Admin GraphQL endpoint. */
export class AdminApi {
  readonly accessTokens = new Map<string, AccessToken>();
  readonly buckets = new Map<string, CostBucket>();
  private readonly refreshTokens = new Map<string, string>();
  readonly graphqlCalls: GraphqlCall[] = [];
  readonly mutationCalls: MutationCall[] = [];
  readonly tokenExchangeCalls: TokenExchangeCall[] = [];

  constructor(
    private readonly store: StandinStore,
    private readonly schema: GraphQLSchema,
    private readonly bulk: BulkOperations,
    private readonly faults: Faults,
    private readonly options: AdminApiOptions,
    private readonly baseUrl: () => string,
  ) {}

  bucketFor(shop: string): CostBucket {
    let bucket = this.buckets.get(shop);
    if (!bucket) {
      bucket = new CostBucket(this.options.bucket.maximumAvailable, this.options.bucket.restoreRate, this.options.nowMs);
      this.buckets.set(shop, bucket);
    }
    return bucket;
  }

  /** Issues an offline access token directly, for tests that seed a session without token exchange. */
  issueAccessToken(shop: string, { online = false, expiresInSeconds }: { online?: boolean; expiresInSeconds?: number } = {}): string {
    this.store.shop(shop);
    const token = `shpat_${randomBytes(16).toString("hex")}`;
    this.accessTokens.set(token, {
      shop,
      scope: this.options.scopes,
      online,
      expiresAt: expiresInSeconds ? this.options.nowMs() + expiresInSeconds * 1000 : null,
    });
    return token;
  }

  revokeTokens(shop: string): void {
    for (const [token, record] of this.accessTokens) if (record.shop === shop) this.accessTokens.delete(token);
  }

  /** POST /admin/oauth/access_token (token exchange grant only). */
  tokenExchange(rawBody: string, contentType: string, hostShop: string | null): Reply {
    const at = this.store.nowIso();
    let body: Record<string, string>;
    try {
      body = contentType.includes("application/json") ? JSON.parse(rawBody) : Object.fromEntries(new URLSearchParams(rawBody));
    } catch {
      return json(400, { error: "invalid_request", error_description: "Malformed body" });
    }
    const fail = (status: number, error: string, description: string, shop: string | null = hostShop) => {
      this.tokenExchangeCalls.push({ shop, ok: false, reason: description, requestedTokenType: body.requested_token_type ?? null, at });
      return json(status, { error, error_description: description });
    };
    if (body.client_id !== this.options.apiKey || body.client_secret !== this.options.apiSecret) {
      return fail(401, "invalid_client", "Client credentials are invalid");
    }
    if (body.grant_type === "refresh_token") {
      const shop = this.refreshTokens.get(body.refresh_token ?? "");
      if (!shop) return fail(400, "invalid_grant", "Refresh token is invalid or expired");
      this.refreshTokens.delete(body.refresh_token);
      this.tokenExchangeCalls.push({ shop, ok: true, reason: null, requestedTokenType: "refresh_token", at });
      return json(200, this.expiringTokenResponse(shop));
    }
    if (body.grant_type !== "urn:ietf:params:oauth:grant-type:token-exchange") {
      return fail(400, "unsupported_grant_type", `Unsupported grant_type ${body.grant_type}`);
    }
    if (body.subject_token_type !== "urn:ietf:params:oauth:token-type:id_token") {
      return fail(400, "invalid_request", "subject_token_type must be an id_token");
    }
    const verified = verifySessionToken(body.subject_token ?? "", {
      apiKey: this.options.apiKey,
      apiSecret: this.options.apiSecret,
      nowSeconds: Math.floor(this.options.nowMs() / 1000),
    });
    if (!verified.ok) return fail(400, "invalid_subject_token", `Subject token is invalid: ${verified.reason}`);
    const shop = shopFromClaims(verified.claims);
    if (hostShop && hostShop !== shop) return fail(400, "invalid_subject_token", "Subject token was issued for another shop", shop);
    if (!this.store.shops.has(shop)) return fail(400, "invalid_subject_token", "Unknown shop", shop);
    this.store.shop(shop).installed = true;
    const online = body.requested_token_type === "urn:shopify:params:oauth:token-type:online-access-token";
    const expiring = body.expiring === "1" || (body.expiring as unknown) === true;
    this.tokenExchangeCalls.push({ shop, ok: true, reason: null, requestedTokenType: body.requested_token_type ?? null, at });
    if (!online && expiring) return json(200, this.expiringTokenResponse(shop));
    const expiresIn = online ? 86399 : undefined;
    const accessToken = this.issueAccessToken(shop, { online, expiresInSeconds: expiresIn });
    const response: Record<string, unknown> = { access_token: accessToken, scope: this.options.scopes };
    if (online) {
      Object.assign(response, {
        expires_in: expiresIn,
        associated_user_scope: this.options.scopes,
        associated_user: { id: Number(verified.claims.sub), first_name: "Store", last_name: "Owner", email: `owner@${shop}`, email_verified: true, account_owner: true, locale: "en", collaborator: false },
      });
    }
    return json(200, response);
  }

  /** An expiring offline token (one hour) with a single-use refresh token, as Shopify issues them. */
  private expiringTokenResponse(shop: string): Record<string, unknown> {
    const refreshToken = `shprt_${randomBytes(16).toString("hex")}`;
    this.refreshTokens.set(refreshToken, shop);
    return {
      access_token: this.issueAccessToken(shop, { expiresInSeconds: 3600 }),
      scope: this.options.scopes,
      expires_in: 3600,
      refresh_token: refreshToken,
      refresh_token_expires_in: 7_776_000,
    };
  }

  /** POST /admin/api/<version>/graphql.json */
  graphql(apiVersion: string, rawBody: string, accessToken: string | undefined): Reply {
    const at = this.store.nowIso();
    const fault = this.faults.take();
    if (fault?.kind === "status") return { status: fault.status, headers: { "Content-Type": "application/json" }, body: fault.body };
    const delayMs = fault?.kind === "delay" ? fault.ms : fault?.kind === "hang" ? Infinity : undefined;
    const record = accessToken ? this.accessTokens.get(accessToken) : undefined;
    if (!record || (record.expiresAt !== null && record.expiresAt < this.options.nowMs())) {
      return { ...json(401, { errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" }), delayMs };
    }
    const shop = this.store.shop(record.shop);
    if (!shop.installed) return { ...json(401, { errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" }), delayMs };

    let request: { query?: string; variables?: Record<string, unknown> | null; operationName?: string | null };
    try {
      request = JSON.parse(rawBody);
    } catch {
      return { ...json(400, { errors: "Bad Request" }), delayMs };
    }
    const query = request.query ?? "";
    const variables = request.variables ?? {};
    const call: GraphqlCall = { shop: shop.domain, apiVersion, query, variables, operationName: request.operationName ?? null, status: 200, throttled: false, requestedQueryCost: null, actualQueryCost: null, at };
    this.graphqlCalls.push(call);

    let document: DocumentNode;
    try {
      document = parse(query);
    } catch (error) {
      return { ...json(200, { errors: [graphqlErrorJson(error as GraphQLError)] }), delayMs };
    }
    const validationErrors = validate(this.schema, document);
    if (validationErrors.length > 0) {
      return { ...json(200, { errors: validationErrors.map((e) => ({ ...graphqlErrorJson(e), extensions: { code: "undefinedField" } })) }), delayMs };
    }
    const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
    const operation = request.operationName ? operations.find((o) => o.name?.value === request.operationName) : operations[0];
    if (!operation) return { ...json(200, { errors: [{ message: "No operation given" }] }), delayMs };

    const bucket = this.bucketFor(shop.domain);
    const requested = queryCost(this.schema, document, operation, variables);
    call.requestedQueryCost = requested;
    if (requested > bucket.maximumAvailable) {
      return {
        ...json(200, {
          errors: [{ message: `Query cost is ${requested}, which exceeds the single query max cost limit (${bucket.maximumAvailable}).`, extensions: { code: "MAX_COST_EXCEEDED", cost: requested, maxCost: bucket.maximumAvailable } }],
          extensions: { cost: { requestedQueryCost: requested, actualQueryCost: null, throttleStatus: bucket.status() } },
        }),
        delayMs,
      };
    }
    if (fault?.kind === "throttle" || !bucket.tryTake(requested)) {
      call.throttled = true;
      return {
        ...json(200, {
          errors: [{ message: "Throttled", extensions: { code: "THROTTLED", documentation: "https://shopify.dev/api/usage/rate-limits" } }],
          extensions: { cost: { requestedQueryCost: requested, actualQueryCost: null, throttleStatus: bucket.status() } },
        }),
        delayMs,
      };
    }
    const result = execute({
      schema: this.schema,
      document,
      operationName: request.operationName ?? undefined,
      variableValues: variables,
      contextValue: this.context(shop),
    }) as Awaited<ReturnType<typeof execute>>;
    const actual = Math.min(requested, queryCost(this.schema, document, operation, variables, result.data ?? null));
    bucket.refund(requested - actual);
    call.actualQueryCost = actual;
    const body: Record<string, unknown> = {};
    if (result.errors?.length) body.errors = result.errors.map(graphqlErrorJson);
    body.data = result.data ?? null;
    body.extensions = { cost: { requestedQueryCost: requested, actualQueryCost: actual, throttleStatus: bucket.status() } };
    return { ...json(200, body), delayMs };
  }

  /** The resolver context for one shop; bulk operations pass a slice of the root connection. */
  context(shop: ShopState, bulkSlice?: { offset: number; limit: number }): AdminContext {
    return {
      shop,
      baseUrl: this.baseUrl(),
      bulk: bulkSlice ? { slice: bulkSlice } : undefined,
      runBulkQuery: (query) => this.bulk.start(shop, query),
      cancelBulk: (gid) => this.bulk.cancel(gid),
      bulkOperation: (gid) => {
        const op = this.bulk.get(gid);
        return op && op.shop === shop.domain ? op : null;
      },
      currentBulkOperation: (type) => this.bulk.current(shop.domain, type),
      recordMutation: (name, args) => this.mutationCalls.push({ shop: shop.domain, name, args, at: this.store.nowIso() }),
      ordersVisibleSince: this.options.scopes.split(",").map((s) => s.trim()).includes("read_all_orders")
        ? null
        : new Date(this.store.now().getTime() - 60 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, "Z"),
    };
  }
}

function graphqlErrorJson(error: GraphQLError): Record<string, unknown> {
  const out: Record<string, unknown> = { message: error.message };
  if (error.locations) out.locations = error.locations;
  if (error.path) out.path = error.path;
  if (error.extensions && Object.keys(error.extensions).length > 0) out.extensions = error.extensions;
  return out;
}

