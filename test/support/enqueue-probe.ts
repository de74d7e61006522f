// Run as a child process by test/integration/enqueue-outage.test.ts: one enqueue, reporting how it ended.
import { enqueue } from "~/jobs/queues.server";

const started = Date.now();
enqueue("sweep-deliveries", { olderThanMs: 1_000 })
  .then(() => console.log("ENQUEUED"))
  .catch((error: Error) => console.log("REJECTED", Date.now() - started, error.message))
  .finally(() => process.exit(0));
