// Entry of a compute thread (compute-pool.server.ts): runs one job at a time, with its own Prisma client.
import { setPriority } from "node:os";
import { parentPort } from "node:worker_threads";
import { UnrecoverableError, type Job } from "bullmq";
import type { JobName } from "~/jobs/definitions";
import { processors } from "~/jobs/processors/index.server";

const COMPUTE_NICE = 10;

export interface ComputeTask {
  name: string;
  data: unknown;
  id?: string;
  attemptsMade: number;
  attempts?: number;
}
export type ComputeReply = { ok: true; result: unknown } | { ok: false; error: { name: string; message: string; stack?: string } };

// Linux keeps the nice value per thread, and pid 0 is the calling thread: only this compute thread
// yields the CPU to the event loop (ingest) and the web process when cores are scarce.
try {
  setPriority(COMPUTE_NICE);
} catch {
  // Not permitted or not supported (other platforms): compute runs at normal priority.
}

parentPort!.on("message", async (task: ComputeTask) => {
  let reply: ComputeReply;
  try {
    const processor = processors[task.name as JobName];
    if (!processor) throw new UnrecoverableError(`unknown job ${task.name}`);
    // Processors read only these fields of a job.
    const job = { name: task.name, data: task.data, id: task.id, attemptsMade: task.attemptsMade, opts: { attempts: task.attempts } } as unknown as Job;
    reply = { ok: true, result: await processor(job) };
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    reply = { ok: false, error: { name: e.name, message: e.message, stack: e.stack } };
  }
  parentPort!.postMessage(reply);
});
