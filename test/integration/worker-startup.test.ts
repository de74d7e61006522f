import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { testDb } from "../support/context";

const root = path.resolve(import.meta.dirname, "..", "..");

describe(`worker start-up (${testDb().flavour})`, () => {
  it("explains which Redis it could not reach and how to start one, without a stack trace", () => {
    const result = spawnSync("npx", ["tsx", "app/jobs/worker.ts"], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: testDb().url, REDIS_URL: "redis://127.0.0.1:6399", NODE_OPTIONS: "" },
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("Cannot reach Redis at redis://127.0.0.1:6399");
    expect(result.stderr).toContain("redis-server --daemonize yes");
    expect(result.stderr).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/);
  });

  it("refuses to start with an invalid environment and lists every problem", () => {
    const result = spawnSync("npx", ["tsx", "app/jobs/worker.ts"], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: "mysql://nope", SHOPIFY_API_KEY: "", NODE_OPTIONS: "" },
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("DATABASE_URL: DATABASE_URL must start with file: (SQLite) or postgres:// (PostgreSQL)");
    expect(result.stderr).toContain("SHOPIFY_API_KEY");
  });
});
