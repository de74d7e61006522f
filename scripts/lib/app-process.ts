// Starts the built web app for a benchmark exactly as `npm start` does (the command is read from
// package.json, so a change of server is benchmarked too), optionally under the V8 CPU profiler.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..", "..");

/** The `npm start` command line; with `profileDir`, its node gets --cpu-prof (NODE_OPTIONS refuses that flag). */
export function startCommand(profileDir?: string): string {
  const command: string = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")).scripts.start;
  if (!profileDir) return command;
  mkdirSync(profileDir, { recursive: true });
  const flags = `--cpu-prof --cpu-prof-dir=${profileDir}`;
  if (/^node\s/.test(command)) return command.replace(/^node\s/, `node ${flags} `);
  const bin = command.match(/^(\S+)(.*)$/);
  if (!bin) throw new Error(`cannot profile start command: ${command}`);
  return `node ${flags} ${path.join(root, "node_modules/.bin", bin[1])}${bin[2]}`;
}

export interface AppProcess {
  child: ChildProcess;
  /** CPU time (user + system) used so far by every process of the app's group, in ms; Linux only, else NaN. */
  cpuMs(): number;
  stop(): Promise<void>;
}

// Per-request CPU is the figure that survives a busy machine: throughput and latency also measure
// whatever else the 2 cores are doing. /proc/<pid>/stat counts in clock ticks of 10 ms.
export function groupCpuMs(pgid: number): number {
  let ticks = 0;
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return Number.NaN;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[2]) === pgid) ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      /* the process ended meanwhile */
    }
  }
  return ticks * 10;
}

/** Runs the start command in its own process group; stop() sends SIGTERM to the group and waits for it. */
export function startApp(env: NodeJS.ProcessEnv, { profileDir, name = "web" }: { profileDir?: string; name?: string } = {}): AppProcess {
  const command = startCommand(profileDir);
  const child = spawn(command, { cwd: root, env, shell: true, detached: true, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (chunk) => (stderr = (stderr + chunk).slice(-4_000)));
  child.on("exit", (code) => {
    if (code) console.error(`${name} (${command}) exited with ${code}:\n${stderr}`);
  });
  return {
    child,
    cpuMs: () => (child.pid ? groupCpuMs(child.pid) : Number.NaN),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        return;
      }
      const timer = new Promise((resolve) => setTimeout(resolve, 10_000, "timeout"));
      if ((await Promise.race([exited, timer])) === "timeout") {
        try {
          process.kill(-child.pid, "SIGKILL");
        } catch {
          /* already gone */
        }
      }
    },
  };
}
