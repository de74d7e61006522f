// Worker threads do not inherit tsx's loader from the worker process: register it, then load the entry.
import { workerData } from "node:worker_threads";
import { register } from "tsx/esm/api";

register();
await import(workerData.entry);
