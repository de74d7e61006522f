import type { BulkFault, BulkOperations } from "./bulk";

export type AdminFault =
  | { kind: "status"; status: number; body: string }
  | { kind: "throttle" }
  | { kind: "delay"; ms: number }
  | { kind: "hang" };

/** Faults injected into Admin API traffic (GraphQL and token exchange), consumed one per request. */
export class Faults {
  private queue: AdminFault[] = [];

  constructor(private readonly bulk: BulkOperations) {}

  /** The next `count` GraphQL requests answer THROTTLED whatever the bucket holds. */
  throttleNext(count = 1): this {
    for (let i = 0; i < count; i++) this.queue.push({ kind: "throttle" });
    return this;
  }

  /** The next `count` Admin requests answer with this HTTP status (default 503). */
  failNext(count = 1, status = 503, body = JSON.stringify({ errors: "Service Unavailable" })): this {
    for (let i = 0; i < count; i++) this.queue.push({ kind: "status", status, body });
    return this;
  }

  /** The next `count` Admin requests are answered only after `ms` milliseconds. */
  delayNext(count: number, ms: number): this {
    for (let i = 0; i < count; i++) this.queue.push({ kind: "delay", ms });
    return this;
  }

  /** The next `count` Admin requests never get an answer (until the stand-in closes), to exercise client timeouts. */
  hangNext(count = 1): this {
    for (let i = 0; i < count; i++) this.queue.push({ kind: "hang" });
    return this;
  }

  /** The next bulk operation ends FAILED, optionally after writing some objects (a partial file). */
  failNextBulkOperation(fault: BulkFault = { errorCode: "INTERNAL_SERVER_ERROR" }): this {
    this.bulk.failNext(fault);
    return this;
  }

  /** Takes the next queued fault, if any. */
  take(): AdminFault | undefined {
    return this.queue.shift();
  }

  pending(): number {
    return this.queue.length;
  }

  reset(): void {
    this.queue = [];
    this.bulk.resetFaults();
  }
}
