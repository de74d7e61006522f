import type { IncomingMessage } from "node:http";
import { json } from "@remix-run/node";
import { MAX_UPLOAD_BYTES } from "~/components/DataImportCard";

/** Largest request body each kind of route accepts, in bytes (docs/decisions/090-hostile-input.md). */
export const BODY_LIMITS = {
  /** Shopify webhooks: an order with hundreds of lines is well under 1 MB. */
  webhook: 2 * 1024 * 1024,
  /** Storefront beacons and choices through the app proxy. */
  proxy: 16 * 1024,
  /** Admin forms (settings JSON, rules, experiment designs). */
  adminForm: 256 * 1024,
  /** The order-export upload: the file plus room for the multipart framing. */
  upload: MAX_UPLOAD_BYTES + 64 * 1024,
} as const;

export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`The request body is larger than ${describeBytes(limit)}.`);
    this.name = "BodyTooLargeError";
  }
}

export function describeBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / 1024 / 1024} MB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KB`;
  return `${bytes} bytes`;
}

/** The 413 every route answers with: a JSON body saying what the limit is. */
export function payloadTooLarge(limit: number, advice = ""): Response {
  return json({ error: `${new BodyTooLargeError(limit).message}${advice ? ` ${advice}` : ""}` }, { status: 413 });
}

/** The Content-Length header says more than the limit (a chunked body has none; a declared one can lie). */
function declaredTooLarge(contentLength: string | null | undefined, limit: number): boolean {
  const declared = Number(contentLength ?? "0");
  return Number.isFinite(declared) && declared > limit;
}

/**
 * Reads the whole body, refusing as soon as it passes the limit: up front from Content-Length, and
 * while streaming, because a chunked body has no Content-Length and a declared one can lie.
 */
export async function readBodyWithin(request: Request, limit: number): Promise<Uint8Array<ArrayBuffer>> {
  if (declaredTooLarge(request.headers.get("content-length"), limit)) throw new BodyTooLargeError(limit);
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw new BodyTooLargeError(limit);
    }
    chunks.push(value);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

/** readBodyWithin for a request node:http hands over directly (the web server's hot paths). */
export function readNodeBodyWithin(request: IncomingMessage, limit: number): Promise<Uint8Array> {
  if (declaredTooLarge(request.headers["content-length"], limit)) return Promise.reject(new BodyTooLargeError(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > limit) {
        request.off("data", onData);
        // Stop reading; the response (413) will close the connection rather than drain a huge body.
        request.pause();
        reject(new BodyTooLargeError(limit));
      } else chunks.push(chunk);
    };
    request.on("data", onData);
    request.once("end", () => resolve(new Uint8Array(Buffer.concat(chunks))));
    request.once("error", reject);
  });
}

/** A copy of the request with its body already read within the limit; otherwise throws a 413 Response. */
export async function requestWithin(request: Request, limit: number, advice = ""): Promise<Request> {
  let body: Uint8Array<ArrayBuffer>;
  try {
    body = await readBodyWithin(request, limit);
  } catch (error) {
    if (error instanceof BodyTooLargeError) throw payloadTooLarge(limit, advice);
    throw error;
  }
  const hasBody = request.method !== "GET" && request.method !== "HEAD";
  return new Request(request.url, { method: request.method, headers: request.headers, body: hasBody ? body : undefined, signal: request.signal });
}

/** The request's form data, read within the limit (admin forms by default); otherwise throws a 413 Response. */
export async function formDataWithin(request: Request, limit: number = BODY_LIMITS.adminForm): Promise<FormData> {
  return (await requestWithin(request, limit)).formData();
}

/**
 * The same request with a body stream that fails with BodyTooLargeError once more than `limit` bytes
 * have passed, for uploads too large to hold in memory. A declared oversize throws at once.
 */
export function streamWithin(request: Request, limit: number): Request {
  if (declaredTooLarge(request.headers.get("content-length"), limit)) throw new BodyTooLargeError(limit);
  if (!request.body) return request;
  let size = 0;
  const counter = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      size += chunk.byteLength;
      if (size > limit) controller.error(new BodyTooLargeError(limit));
      else controller.enqueue(chunk);
    },
  });
  return new Request(request.url, {
    method: request.method,
    headers: request.headers,
    body: request.body.pipeThrough(counter),
    signal: request.signal,
    duplex: "half",
  } as RequestInit);
}
