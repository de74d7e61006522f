import { AsyncLocalStorage } from "node:async_hooks";
import { hostname } from "node:os";
import pino from "pino";
import { env } from "~/env.server";

/** Ids that every log line carries while a request or job is being handled. */
export interface LogContext {
  requestId?: string;
  shop?: string;
  jobId?: string;
  job?: string;
  queue?: string;
}

const contextStorage = new AsyncLocalStorage<LogContext>();

// Personal data and secrets, censored at any of the first four levels of a logged object. Whole
// containers (payload, customer, addresses) go, so a raw Shopify body never reaches a log line.
const PERSONAL_KEYS = [
  "email", "contact_email", "customer_email", "customerEmail", "phone", "phoneNumber", "sms",
  "first_name", "last_name", "firstName", "lastName", "displayName", "display_name",
  "address", "address1", "address2", "addresses", "billing_address", "shipping_address", "default_address",
  "defaultAddress", "zip", "city", "browser_ip", "client_ip", "ip", "note", "note_attributes",
  "customer", "payload", "body", "rawBody",
  "token", "accessToken", "access_token", "refreshToken", "refresh_token", "idToken", "id_token",
  "sessionToken", "password", "secret", "apiSecretKey", "hmac", "signature", "session",
];
const SECRET_HEADERS = ["authorization", "cookie", "x-shopify-hmac-sha256", "x-shopify-access-token"];
const LEVELS = ["", "*.", "*.*.", "*.*.*."];

export const REDACTED_PATHS = [
  ...LEVELS.flatMap((prefix) => PERSONAL_KEYS.map((key) => `${prefix}${key}`)),
  ...LEVELS.flatMap((prefix) => SECRET_HEADERS.map((header) => `${prefix}headers["${header}"]`)),
];

type LogSink = { write(line: string): void };
let sink: LogSink = process.stdout;

/** Structured JSON logs. Callers pass ids (shop, job, request), never personal data. */
export const logger = pino(
  {
    level: env().LOG_LEVEL,
    // Which of several processes wrote the line.
    base: { pid: process.pid, hostname: hostname() },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
    // Read per line: process entries set SHOPKEEPER_PROCESS in their body, after this module has been
    // imported. Fields given at the call site win over the ambient context.
    mixin: () => ({ service: process.env.SHOPKEEPER_PROCESS ?? "web", ...contextStorage.getStore() }),
  },
  { write: (line: string) => sink.write(line) },
);

/** Sends log lines elsewhere (tests read them back); `undefined` restores stdout. */
export function setLogSink(next: LogSink | undefined): void {
  sink = next ?? process.stdout;
}

/** Runs `fn` with `context` added to every log line it emits, across awaits. */
export function runWithLogContext<T>(context: LogContext, fn: () => T): T {
  return contextStorage.run({ ...context }, fn);
}

/**
 * Makes `context` ambient for the rest of the current synchronous execution and everything it
 * starts. For hooks that run before a handler but cannot wrap it (the HTTP request-start channel).
 */
export function enterLogContext(context: LogContext): LogContext {
  const store = { ...context };
  contextStorage.enterWith(store);
  return store;
}

/** Adds fields (typically the shop, once authenticated) to the current request's or job's context. */
export function addLogContext(fields: LogContext): void {
  const store = contextStorage.getStore();
  if (store) Object.assign(store, fields);
}

export function currentLogContext(): LogContext | undefined {
  return contextStorage.getStore();
}

type JobLike = { id?: string; name: string; data: unknown; attemptsMade: number };

/** Runs a job's processor with its ids (and shop, when the payload names one) on every log line; logs its completion. */
export async function runLoggedJob<T>(job: JobLike, queue: string, fn: () => Promise<T>): Promise<T> {
  const data = job.data as { shop?: unknown } | null;
  const context: LogContext = { jobId: job.id, job: job.name, queue };
  if (typeof data?.shop === "string") context.shop = data.shop;
  return runWithLogContext(context, async () => {
    const started = performance.now();
    const result = await fn();
    logger.info({ attempt: job.attemptsMade + 1, ms: Math.round(performance.now() - started) }, "job completed");
    return result;
  });
}

export function getErrorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === "string") return error;
  return "Unknown error";
}
