import type { DateLiteral } from "~/lib/segments/ast";

const DAY_MS = 86_400_000;

/** When a rule is evaluated: the instant "today" refers to and the shop's IANA time zone. */
export interface RuleClock {
  now: Date;
  timeZone?: string;
}

/** Days since 1970-01-01 for a calendar date (the shop's local calendar, not an instant). */
export function dayNumberOf(year: number, month: number, day: number): number {
  // setUTCFullYear, because Date.UTC maps years 0-99 onto 1900-1999.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return date.getTime() / DAY_MS;
}

/** The calendar date of a day number, as YYYY-MM-DD. */
export function formatDayNumber(dayNumber: number): string {
  return new Date(dayNumber * DAY_MS).toISOString().slice(0, 10);
}

/** True when year-month-day exists in the Gregorian calendar. */
export function isCalendarDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const probe = new Date(dayNumberOf(year, month, day) * DAY_MS);
  return probe.getUTCFullYear() === year && probe.getUTCMonth() === month - 1 && probe.getUTCDate() === day;
}

/** True when Intl knows the IANA time zone name. */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone });
    return true;
  } catch {
    return false;
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", { timeZone, year: "numeric", month: "numeric", day: "numeric", era: "short" });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The shop-local calendar day (as a day number) that an instant falls on. */
export function localDayNumber(instantMs: number, timeZone = "UTC"): number {
  if (timeZone === "UTC") return Math.floor(instantMs / DAY_MS);
  let year = 0;
  let month = 0;
  let day = 0;
  let bc = false;
  for (const part of formatterFor(timeZone).formatToParts(new Date(instantMs))) {
    if (part.type === "year") year = Number(part.value);
    else if (part.type === "month") month = Number(part.value);
    else if (part.type === "day") day = Number(part.value);
    else if (part.type === "era") bc = part.value.startsWith("B");
  }
  return dayNumberOf(bc ? 1 - year : year, month, day);
}

const dayStarts = new Map<string, number>();

/**
 * The first instant (ms) of a shop-local day. Found by bisection rather than offset arithmetic
 * because days that start inside a DST gap (e.g. America/Santiago) have no local midnight.
 */
export function startOfDay(dayNumber: number, timeZone = "UTC"): number {
  if (timeZone === "UTC") return dayNumber * DAY_MS;
  const key = `${timeZone}|${dayNumber}`;
  const cached = dayStarts.get(key);
  if (cached !== undefined) return cached;
  // Offsets never exceed ±15 hours, so the start lies within a day either side of UTC midnight.
  let low = dayNumber * DAY_MS - DAY_MS;
  let high = dayNumber * DAY_MS + DAY_MS;
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    if (localDayNumber(middle, timeZone) >= dayNumber) high = middle;
    else low = middle + 1;
  }
  if (dayStarts.size > 50_000) dayStarts.clear();
  dayStarts.set(key, low);
  return low;
}

function daysInMonth(year: number, monthIndex: number): number {
  return new Date(dayNumberOf(year, monthIndex + 2, 0) * DAY_MS).getUTCDate();
}

/** Resolves a date literal to a shop-local day number; months clamp to the month's last day. */
export function resolveDate(date: DateLiteral, clock: RuleClock): number {
  if (date.kind === "absolute") return dayNumberOf(date.year, date.month, date.day);
  const today = localDayNumber(clock.now.getTime(), clock.timeZone ?? "UTC");
  if (date.unit === "d") return today + date.amount;
  if (date.unit === "w") return today + 7 * date.amount;
  const months = date.unit === "m" ? date.amount : 12 * date.amount;
  const todayDate = new Date(today * DAY_MS);
  const total = todayDate.getUTCFullYear() * 12 + todayDate.getUTCMonth() + months;
  const year = Math.floor(total / 12);
  const monthIndex = total - year * 12;
  const day = Math.min(todayDate.getUTCDate(), daysInMonth(year, monthIndex));
  return dayNumberOf(year, monthIndex + 1, day);
}

/** Converts a Date, ISO string or epoch ms to epoch ms; null stays null. */
export function toInstant(value: Date | string | number | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.getTime();
  if (typeof value === "number") return value;
  return new Date(value).getTime();
}
