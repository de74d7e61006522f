import { describe, expect, it } from "vitest";
import { isDatabaseUnavailable } from "~/lib/database-outage";

describe("isDatabaseUnavailable", () => {
  it("recognises the 9 shapes a lost database takes (Prisma codes, adapter kinds, pg and socket errors, nested causes)", () => {
    const outages: unknown[] = [
      Object.assign(new Error("Can't reach database server at 127.0.0.1:5432"), { code: "P1001" }),
      Object.assign(new Error("Server has closed the connection."), { code: "P1017" }),
      Object.assign(new Error("Timed out fetching a new connection from the connection pool."), { code: "P2024" }),
      Object.assign(new Error("x"), { code: "P2010", meta: { driverAdapterError: { cause: { kind: "ConnectionClosed" } } } }),
      Object.assign(new Error("terminating connection due to administrator command"), { code: "57P01" }),
      Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" }),
      new Error("Connection terminated unexpectedly"),
      new Error("timeout exceeded when trying to connect"),
      new Error("wrapped", { cause: Object.assign(new Error("reset"), { code: "ECONNRESET" }) }),
    ];
    expect(outages.map(isDatabaseUnavailable)).toEqual(Array(outages.length).fill(true));
  });

  it("leaves the 6 other kinds of failure alone (constraint violations, bad input, bugs, non-errors)", () => {
    const others: unknown[] = [
      Object.assign(new Error("Unique constraint failed"), { code: "P2002" }),
      Object.assign(new Error("Record to update not found."), { code: "P2025" }),
      Object.assign(new Error("syntax error"), { code: "42601" }),
      new TypeError("Cannot read properties of undefined"),
      new Response(null, { status: 404 }),
      "a string",
    ];
    expect(others.map(isDatabaseUnavailable)).toEqual(Array(others.length).fill(false));
  });

  it("stops on a cause cycle", () => {
    const a = new Error("a") as Error & { cause?: unknown };
    a.cause = new Error("b", { cause: a });
    expect(isDatabaseUnavailable(a)).toBe(false);
  });
});
