import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { testDb } from "../support/context";

const root = path.resolve(import.meta.dirname, "..", "..");

describe(`producers fail fast when Redis is down (${testDb().flavour})`, () => {
  it("enqueue rejects within seconds when Redis is unreachable from the start", () => {
    const result = spawnSync("npx", ["tsx", "test/support/enqueue-probe.ts"], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: testDb().url, REDIS_URL: "redis://127.0.0.1:6398", NODE_OPTIONS: "" },
      encoding: "utf8",
      timeout: 30_000,
    });
    const match = /REJECTED (\d+) (.*)/.exec(result.stdout);
    expect(match, result.stdout + result.stderr).not.toBeNull();
    expect(Number(match![1])).toBeLessThan(5_000);
    expect(match![2]).toMatch(/Redis/);
  });
});
