import { describe, expect, it } from "vitest";
import { dayNumberOf, formatDayNumber, isCalendarDate, localDayNumber, resolveDate, startOfDay } from "~/lib/segments/dates";

describe("shop-local days", () => {
  it("finds the first instant of a day across offsets", () => {
    const day = dayNumberOf(2024, 1, 31);
    expect(new Date(startOfDay(day, "UTC")).toISOString()).toBe("2024-01-31T00:00:00.000Z");
    expect(new Date(startOfDay(day, "America/New_York")).toISOString()).toBe("2024-01-31T05:00:00.000Z");
    expect(new Date(startOfDay(day, "Asia/Kolkata")).toISOString()).toBe("2024-01-30T18:30:00.000Z");
    // Chatham is UTC+13:45 in January (daylight time).
    expect(new Date(startOfDay(day, "Pacific/Chatham")).toISOString()).toBe("2024-01-30T10:15:00.000Z");
  });

  it("starts a day at 01:00 when DST skips midnight", () => {
    // Chile moved clocks from 00:00 to 01:00 on 2023-09-03; that day starts at 01:00 (UTC-3) = 04:00 UTC.
    expect(new Date(startOfDay(dayNumberOf(2023, 9, 3), "America/Santiago")).toISOString()).toBe("2023-09-03T04:00:00.000Z");
  });

  it("reads the local day of an instant", () => {
    const instant = Date.parse("2024-06-15T02:00:00Z");
    expect(formatDayNumber(localDayNumber(instant, "UTC"))).toBe("2024-06-15");
    expect(formatDayNumber(localDayNumber(instant, "America/New_York"))).toBe("2024-06-14");
  });

  it("resolves relative dates against the local today", () => {
    const clock = { now: new Date("2024-03-31T12:00:00Z"), timeZone: "UTC" };
    expect(formatDayNumber(resolveDate({ kind: "relative", amount: -30, unit: "d" }, clock))).toBe("2024-03-01");
    expect(formatDayNumber(resolveDate({ kind: "relative", amount: -1, unit: "m" }, clock))).toBe("2024-02-29");
    expect(formatDayNumber(resolveDate({ kind: "relative", amount: -13, unit: "m" }, clock))).toBe("2023-02-28");
    expect(formatDayNumber(resolveDate({ kind: "relative", amount: 1, unit: "y" }, clock))).toBe("2025-03-31");
    const tokyo = { now: new Date("2024-03-31T20:00:00Z"), timeZone: "Asia/Tokyo" };
    expect(formatDayNumber(resolveDate({ kind: "relative", amount: 0, unit: "d" }, tokyo))).toBe("2024-04-01");
  });

  it("validates calendar dates", () => {
    expect(isCalendarDate(2024, 2, 29)).toBe(true);
    expect(isCalendarDate(2023, 2, 29)).toBe(false);
    expect(isCalendarDate(2024, 13, 1)).toBe(false);
  });
});
