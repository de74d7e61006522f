// Errors that mean "the database cannot be reached right now", as opposed to a bad query or a bug.
// Prisma reports them under several codes depending on where the connection failed, and the pg
// driver sometimes surfaces its own message without a code, so the whole cause chain is inspected.
const PRISMA_CODES = new Set([
  "P1001", // can't reach the database server
  "P1002", // server reached but timed out
  "P1008", // operation timed out
  "P1017", // server closed the connection
  "P2024", // timed out fetching a connection from the pool
  "P2037", // too many connections
]);
const ADAPTER_KINDS = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "TooManyConnections"]);
// 57P01-57P03: administrator or crash shutdown, cannot connect now; 08xxx: connection exceptions; 53300: too many connections.
const POSTGRES_CODE = /^(57P0[1-3]|08\d{3}|53300)$/;
const SOCKET_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EHOSTUNREACH"]);
const MESSAGES = /Can't reach database server|Server has closed the connection|Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i;

function codeOf(value: unknown): string | undefined {
  const code = (value as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

/** Whether an error (or anything in its cause chain) is the database being unreachable. */
export function isDatabaseUnavailable(error: unknown): boolean {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current !== null && typeof current === "object" && !seen.has(current)) {
    seen.add(current);
    const code = codeOf(current);
    if (code && (PRISMA_CODES.has(code) || POSTGRES_CODE.test(code) || SOCKET_CODES.has(code))) return true;
    const meta = (current as { meta?: { driverAdapterError?: { cause?: { kind?: unknown } } } }).meta;
    const kind = meta?.driverAdapterError?.cause?.kind ?? (current as { kind?: unknown }).kind;
    if (typeof kind === "string" && ADAPTER_KINDS.has(kind)) return true;
    const message = (current as { message?: unknown }).message;
    if (typeof message === "string" && MESSAGES.test(message)) return true;
    current = (current as { cause?: unknown }).cause ?? meta?.driverAdapterError;
  }
  return false;
}
