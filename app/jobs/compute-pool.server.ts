import { Worker as Thread } from "node:worker_threads";
import { UnrecoverableError, type Job } from "bullmq";
import { getErrorMessage, logger } from "~/logger.server";
import type { ComputeReply, ComputeTask } from "~/jobs/compute-thread";

const BOOT = new URL("./compute-thread.boot.mjs", import.meta.url);
const ENTRY = new URL("./compute-thread.ts", import.meta.url).href;

interface Slot {
  thread: Thread;
  busy: boolean;
}

/**
 * Compute jobs are CPU-bound for seconds to minutes (a full recompute is synchronous code), which would
 * stall the worker's event loop: ingest jobs, lock renewals and stalled-job checks with it. They run in
 * worker threads instead, at most `size` at once; threads start on first use and are kept.
 */
export class ComputePool {
  private slots: Slot[] = [];
  private waiting: ((slot: Slot) => void)[] = [];
  private closed = false;

  constructor(private readonly size: number) {}

  async run(job: Job): Promise<unknown> {
    if (this.closed) throw new Error("compute pool is closed");
    const slot = await this.take();
    const task: ComputeTask = { name: job.name, data: job.data, id: job.id, attemptsMade: job.attemptsMade, attempts: job.opts.attempts };
    try {
      return await new Promise((resolve, reject) => {
        const onMessage = (reply: ComputeReply) => {
          slot.thread.off("exit", onExit);
          if (reply.ok) return resolve(reply.result);
          const error = reply.error.name === "UnrecoverableError" ? new UnrecoverableError(reply.error.message) : new Error(reply.error.message);
          error.stack = reply.error.stack;
          reject(error);
        };
        const onExit = (code: number) => {
          slot.thread.off("message", onMessage);
          this.slots = this.slots.filter((s) => s !== slot);
          reject(new Error(`compute thread exited with code ${code} while running ${job.name}`));
        };
        slot.thread.once("message", onMessage);
        slot.thread.once("exit", onExit);
        slot.thread.postMessage(task);
      });
    } finally {
      this.give(slot);
    }
  }

  /** Stops every thread; call after the BullMQ workers have closed, so none is running a job. */
  async close(): Promise<void> {
    this.closed = true;
    const threads = this.slots.map((s) => s.thread);
    this.slots = [];
    await Promise.all(threads.map((t) => t.terminate()));
  }

  private take(): Promise<Slot> {
    const idle = this.slots.find((s) => !s.busy);
    if (idle) {
      idle.busy = true;
      return Promise.resolve(idle);
    }
    if (this.slots.length < this.size) return Promise.resolve(this.start());
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private start(): Slot {
    const slot: Slot = { thread: new Thread(BOOT, { workerData: { entry: ENTRY } }), busy: true };
    // An uncaught error ends the thread; `run` reports it through the exit that follows.
    slot.thread.on("error", (error) => logger.error({ err: getErrorMessage(error) }, "compute thread crashed"));
    slot.thread.unref();
    this.slots.push(slot);
    return slot;
  }

  private give(slot: Slot): void {
    const next = this.waiting.shift();
    if (!this.slots.includes(slot)) {
      // The thread died: a waiting job gets a fresh one.
      if (next && !this.closed) next(this.start());
      return;
    }
    if (next) next(slot);
    else slot.busy = false;
  }
}
