/** Normalises one list entry the way list columns store it: trimmed and lowercased. */
export function normaliseListEntry(value: string): string {
  return value.trim().toLowerCase();
}

/**
 * Encodes values for a list column (tags, purchased ids, tags and collections) as ",a,b,".
 * Lowercasing matters: SQLite's LIKE ignores ASCII case and PostgreSQL's does not, so both only
 * agree when the stored text and the pattern are already in one case.
 */
export function encodeListColumn(values: Iterable<string>): string {
  const entries = new Set<string>();
  for (const value of values) {
    const entry = normaliseListEntry(value);
    if (entry !== "" && !entry.includes(",")) entries.add(entry);
  }
  return entries.size === 0 ? "," : `,${[...entries].join(",")},`;
}

/** Decodes ",a,b," into ["a", "b"]. */
export function decodeListColumn(encoded: string): string[] {
  return encoded.split(",").filter((entry) => entry !== "");
}

/** True when a list column holds no entries. */
export function isEmptyListColumn(encoded: string): boolean {
  return encoded === "," || encoded === "";
}

const likeCache = new Map<string, RegExp>();

/**
 * SQL `text LIKE '%' || needle || '%'` as Prisma's `contains` emits it: Prisma does not escape
 * `_` and `%`, so `_` in a value matches any one character on both databases and must here too.
 */
export function likeContains(text: string, needle: string): boolean {
  if (!needle.includes("_") && !needle.includes("%")) return text.includes(needle);
  let pattern = likeCache.get(needle);
  if (!pattern) {
    const body = [...needle]
      .map((char) => (char === "_" ? "." : char === "%" ? ".*" : char.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")))
      .join("");
    pattern = new RegExp(body, "su");
    likeCache.set(needle, pattern);
  }
  return pattern.test(text);
}

/** Shop-currency amount text ("99.9", "100") to integer cents, or null if it has over 2 decimals. */
export function moneyToCents(raw: string): number | null {
  const match = raw.match(/^(-?)(\d+)(?:\.(\d{1,2}))?$/);
  if (!match) return null;
  const cents = Number(match[2]) * 100 + Number((match[3] ?? "").padEnd(2, "0"));
  return match[1] === "-" ? -cents : cents;
}

/** Integer cents as shop-currency text without trailing zeros ("100", "99.9"). */
export function centsToMoney(cents: number): string {
  const sign = cents < 0 ? "-" : "";
  const absolute = Math.abs(cents);
  const whole = Math.floor(absolute / 100);
  const fraction = absolute % 100;
  if (fraction === 0) return `${sign}${whole}`;
  return `${sign}${whole}.${String(fraction).padStart(2, "0").replace(/0$/, "")}`;
}
