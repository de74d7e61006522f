/** Tags or collection handles as an array, from either an array or the stored ",a,b," form; trimmed and lower-cased. */
export function normaliseList(value: readonly string[] | string | null | undefined): string[] {
  if (value == null) return [];
  const items = typeof value === "string" ? value.split(",") : value;
  return items.map((item) => item.trim().toLowerCase()).filter((item) => item.length > 0);
}

/** Epoch milliseconds from a Date or a number. */
export function toMillis(value: Date | number): number {
  return typeof value === "number" ? value : value.getTime();
}
