import { readFileSync } from "node:fs";
import path from "node:path";

export const FIXTURES = path.resolve(import.meta.dirname, "../../fixtures/webhooks");

/** Reads a JSON fixture from test/fixtures/webhooks as untyped data, as a webhook body would arrive. */
export function fixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(FIXTURES, name), "utf8")) as Record<string, unknown>;
}

/** Reads a JSONL fixture as raw text lines. */
export function fixtureLines(name: string): string[] {
  return readFileSync(path.join(FIXTURES, name), "utf8").split("\n");
}

/** Deep clone for mutating a fixture in one test without affecting others. */
export function clone<T>(value: T): T {
  return structuredClone(value);
}

// Tests reshape fixtures freely to build malformed payloads; typing every path would add nothing.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type FixtureJson = any;
