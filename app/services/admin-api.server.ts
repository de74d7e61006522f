import { unauthenticated } from "~/shopify.server";
import { backoffMs, waitForPoints, type QueryCost } from "~/lib/shopify/throttle";
import { env } from "~/env.server";
import { logger } from "~/logger.server";

export class AdminApiError extends Error {
  constructor(
    message: string,
    readonly kind: "user" | "graphql" | "transient" | "auth",
  ) {
    super(message);
    this.name = "AdminApiError";
  }
}

interface GraphqlErrorBody {
  errors?: { graphQLErrors?: { message: string; extensions?: { code?: string } }[] };
  extensions?: { cost?: QueryCost };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * An Admin GraphQL client for background work on one shop (offline session). It paces itself by the
 * cost block Shopify returns, waits out THROTTLED answers, retries transient failures (5xx, network
 * errors, calls that hang past ADMIN_API_TIMEOUT_MS) with backoff, and turns GraphQL errors into AdminApiError.
 */
export async function createAdminClient(shop: string, { maxAttempts = 8, expectedCost = 50 } = {}) {
  const { admin } = await unauthenticated.admin(shop);
  let lastCost: QueryCost | undefined;

  async function query<T>(document: string, variables?: Record<string, unknown>): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      const pause = waitForPoints(lastCost, expectedCost);
      if (pause > 0) await sleep(pause);
      try {
        const response = await admin.graphql(document, { variables, signal: AbortSignal.timeout(env().ADMIN_API_TIMEOUT_MS) });
        const body = (await response.json()) as { data: T; extensions?: { cost?: QueryCost } };
        lastCost = body.extensions?.cost ?? lastCost;
        return body.data;
      } catch (error) {
        const body = (error as { body?: GraphqlErrorBody }).body;
        const graphQLErrors = body?.errors?.graphQLErrors;
        if (graphQLErrors?.some((e) => e.extensions?.code === "THROTTLED")) {
          lastCost = body?.extensions?.cost ?? lastCost;
          const wait = Math.max(waitForPoints(lastCost, expectedCost), backoffMs(attempt, 250, 2_000));
          logger.debug({ shop, wait }, "admin api throttled");
          if (attempt < maxAttempts * 4) {
            await sleep(wait);
            continue;
          }
        }
        if (graphQLErrors?.length) {
          throw new AdminApiError(graphQLErrors.map((e) => e.message).join("; "), "graphql");
        }
        const status = (error as { response?: { code?: number }; code?: number }).code;
        if (status === 401 || status === 403) throw new AdminApiError(`access denied (${status})`, "auth");
        if (attempt >= maxAttempts) throw new AdminApiError(`admin api unavailable: ${(error as Error).message}`, "transient");
        logger.warn({ shop, attempt, err: (error as Error).message }, "admin api call failed; retrying");
        await sleep(backoffMs(attempt));
      }
    }
  }

  return { query };
}

export type AdminClient = Awaited<ReturnType<typeof createAdminClient>>;

/** Throws the mutation's userErrors as one merchant-readable error. */
export function assertNoUserErrors(userErrors: { field?: string[] | null; message: string }[] | undefined, context: string) {
  if (userErrors && userErrors.length > 0) {
    const text = userErrors.map((e) => (e.field?.length ? `${e.field.join(".")}: ${e.message}` : e.message)).join("; ");
    throw new AdminApiError(`${context}: ${text}`, "user");
  }
}
