import type { Queue } from "bullmq";
import type { Redis } from "ioredis";

/** Job counts by state. `waiting` counts every job ready to run, prioritised or not. */
export interface QueueMetrics {
  queue: string;
  counts: { waiting: number; active: number; delayed: number; failed: number; completed: number; "waiting-children": number };
  /** Seconds since the oldest ready-to-run job was enqueued; 0 when none is waiting. */
  oldestWaitingSeconds: number;
}

// BullMQ keeps plain jobs in the `wait` list (oldest at the tail) and prioritised ones in a sorted set
// scored priority × 2^32 + an insertion counter, so each priority level is first-in first-out and its
// oldest job is the level's first member. One script walks the levels server-side and returns the
// oldest enqueue time, without reading every waiting job.
const OLDEST_WAITING_SCRIPT = `
local oldest = false
local function consider(id)
  if not id then return end
  local ts = tonumber(redis.call("HGET", ARGV[1] .. id, "timestamp"))
  if ts and (not oldest or ts < oldest) then oldest = ts end
end
consider(redis.call("LINDEX", KEYS[1], -1) or nil)
consider(redis.call("LINDEX", KEYS[2], -1) or nil)
local min = "0"
for _ = 1, tonumber(ARGV[2]) do
  local head = redis.call("ZRANGEBYSCORE", KEYS[3], min, "+inf", "WITHSCORES", "LIMIT", 0, 1)
  if #head == 0 then break end
  consider(head[1])
  min = string.format("%.0f", (math.floor(tonumber(head[2]) / 4294967296) + 1) * 4294967296)
end
if oldest then return tostring(oldest) end
return false
`;
const MAX_PRIORITY_LEVELS = 1_000;

async function oldestWaitingSince(queue: Queue): Promise<number | null> {
  // The queue's connection is the ioredis client it was given (queues.server.ts).
  const client = (await queue.client) as unknown as Redis;
  const oldest = (await client.eval(
    OLDEST_WAITING_SCRIPT,
    3,
    queue.keys.wait,
    queue.keys.paused,
    queue.keys.prioritized,
    queue.toKey(""),
    String(MAX_PRIORITY_LEVELS),
  )) as string | null;
  return oldest === null ? null : Number(oldest);
}

// BullMQ waits for a connection that may never come; a scrape must get an answer well within
// Prometheus' default 10 s scrape timeout.
const READ_TIMEOUT_MS = 3_000;

/** Reads one queue's counts and oldest waiting job; rejects when Redis does not answer within 3 s. */
export async function readQueueMetrics(queue: Queue, now = Date.now()): Promise<QueueMetrics> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis did not answer within ${READ_TIMEOUT_MS} ms`)), READ_TIMEOUT_MS);
  });
  const [raw, oldest] = await Promise.race([
    Promise.all([
      queue.getJobCounts("waiting", "prioritized", "active", "delayed", "failed", "completed", "waiting-children"),
      oldestWaitingSince(queue),
    ]),
    timeout,
  ]).finally(() => clearTimeout(timer));
  return {
    queue: queue.name,
    counts: {
      waiting: (raw.waiting ?? 0) + (raw.paused ?? 0) + (raw.prioritized ?? 0),
      active: raw.active ?? 0,
      delayed: raw.delayed ?? 0,
      failed: raw.failed ?? 0,
      completed: raw.completed ?? 0,
      "waiting-children": raw["waiting-children"] ?? 0,
    },
    oldestWaitingSeconds: oldest === null ? 0 : Math.max(0, (now - oldest) / 1_000),
  };
}

/** Prometheus text exposition format (version 0.0.4). */
export function toPrometheusText(metrics: QueueMetrics[]): string {
  const lines = [
    "# HELP shopkeeper_queue_jobs Jobs in each queue by state; waiting includes prioritised jobs.",
    "# TYPE shopkeeper_queue_jobs gauge",
  ];
  for (const { queue, counts } of metrics) {
    for (const [state, count] of Object.entries(counts)) lines.push(`shopkeeper_queue_jobs{queue="${queue}",state="${state}"} ${count}`);
  }
  lines.push(
    "# HELP shopkeeper_queue_oldest_waiting_seconds Seconds since the oldest job still waiting to run was enqueued (0 if none).",
    "# TYPE shopkeeper_queue_oldest_waiting_seconds gauge",
  );
  for (const { queue, oldestWaitingSeconds } of metrics) {
    lines.push(`shopkeeper_queue_oldest_waiting_seconds{queue="${queue}"} ${oldestWaitingSeconds.toFixed(3)}`);
  }
  return `${lines.join("\n")}\n`;
}
