// Value codecs shared by the webhook, bulk and CSV paths, so the three sources produce identical rows.

const DECIMAL = /^([+-])?(\d*)(?:\.(\d*))?$/;

/** Parses a decimal amount ("2.55", "-1", 19.9) into integer hundredths without floats, or null. */
export function parseDecimalToCents(input: string | number): number | null {
  let text: string;
  if (typeof input === "number") {
    if (!Number.isFinite(input)) return null;
    // String(1e-7) is exponent notation; toFixed keeps enough digits for the half-up rule below.
    text = Math.abs(input) < 1e-6 || Math.abs(input) >= 1e21 ? input.toFixed(6) : String(input);
  } else {
    text = input.trim();
  }
  const match = DECIMAL.exec(text);
  if (!match) return null;
  const [, sign = "", whole = "", fraction = ""] = match;
  if (whole === "" && fraction === "") return null;
  // Three-decimal currencies (KWD, BHD…) are rounded half away from zero to hundredths: every
  // money column in the schema is hundredths of the currency unit.
  const padded = (fraction + "000").slice(0, 3);
  let cents = Number(whole || "0") * 100 + Number(padded.slice(0, 2));
  if (Number(padded[2]) >= 5) cents += 1;
  if (!Number.isSafeInteger(cents)) return null;
  return sign === "-" && cents !== 0 ? -cents : cents;
}

const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s?(Z|z|[+-]\d{2}:?\d{2})?$/;

// Shopify's CSV exports write "2010-12-01 08:26:00 +0000"; a missing offset is read as UTC.
/** Parses ISO 8601 and Shopify export timestamps, or null for malformed or impossible dates. */
export function parseTimestamp(input: string): Date | null {
  const match = TIMESTAMP.exec(input.trim());
  if (!match) return null;
  const [, y, mo, d, h = "0", mi = "0", s = "0", frac = "", zone = "Z"] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
  const ms = Number((frac + "000").slice(0, 3));
  const local = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  // Date.UTC rolls 31 February into March; reject instead of silently moving the date.
  const check = new Date(local);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    return null;
  }
  let offsetMinutes = 0;
  if (zone !== "Z" && zone !== "z") {
    const digits = zone.replace(":", "");
    const offH = Number(digits.slice(1, 3));
    const offM = Number(digits.slice(3, 5));
    if (offH > 18 || offM > 59) return null;
    offsetMinutes = (offH * 60 + offM) * (digits[0] === "-" ? -1 : 1);
  }
  return new Date(local - offsetMinutes * 60_000);
}

const GID = /^gid:\/\/shopify\/([A-Za-z]+)\/(\d+)(?:\?.*)?$/;

/** Extracts the numeric legacy id from a Shopify GID (`gid://shopify/Order/123` → `123`), or null. */
export function legacyIdFromGid(gid: string): string | null {
  const match = GID.exec(gid);
  return match ? match[2] : null;
}

/** Returns the resource type of a Shopify GID (`gid://shopify/ProductVariant/1` → `ProductVariant`), or null. */
export function gidType(gid: string): string | null {
  const match = GID.exec(gid);
  return match ? match[1] : null;
}

/** Normalises one value for the ",a,b," columns: trimmed and lowercased. */
export function normaliseListValue(value: string): string {
  return value.trim().toLowerCase();
}

/** Encodes values as ",a,b," (trimmed, lowercased, de-duplicated, first-seen order); empty gives ",". */
export function encodeList(values: Iterable<string>): string {
  const seen = new Set<string>();
  for (const raw of values) {
    const value = normaliseListValue(raw);
    // A comma inside a value would split it into two on read; Shopify never allows one in a tag or handle.
    if (value === "" || value.includes(",")) continue;
    seen.add(value);
  }
  return seen.size === 0 ? "," : `,${[...seen].join(",")},`;
}

/** Decodes a ",a,b," column (or a plain comma-separated string) into its values. */
export function decodeList(encoded: string): string[] {
  return encoded
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part !== "");
}

/** Splits Shopify's REST tag string ("Summer, sale ,new") into an encoded ",summer,sale,new," column. */
export function encodeTagString(tags: string | null | undefined): string {
  return encodeList((tags ?? "").split(","));
}

// Ties apply, so a redelivered webhook re-applies idempotently; an unparseable incoming time never applies.
/** Out-of-order rule: true when nothing is stored or the incoming updated_at is not older than the stored one. */
export function isNewer(incomingUpdatedAt: Date | string, storedUpdatedAt: Date | string | null | undefined): boolean {
  if (storedUpdatedAt === null || storedUpdatedAt === undefined) return true;
  const incoming = toEpoch(incomingUpdatedAt);
  const stored = toEpoch(storedUpdatedAt);
  if (incoming === null) return false;
  if (stored === null) return true;
  return incoming >= stored;
}

function toEpoch(value: Date | string): number | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.getTime();
  return parseTimestamp(value)?.getTime() ?? null;
}
