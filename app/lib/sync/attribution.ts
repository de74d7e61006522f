import type { NoteAttribute } from "~/lib/sync/rows";

/** The hidden line-item property our storefront sets on a recommended add-to-cart. */
export const ATTRIBUTION_PROPERTY = "_shopkeeper";

const PART = /^[a-z0-9][a-z0-9_-]{0,47}$/;

export interface Attribution {
  recSurface: string;
  recStrategy: string;
  recArm: string;
}

const NONE = { recSurface: null, recStrategy: null, recArm: null } as const;

/** Parses "surface|strategy|arm"; anything else (shopper-edited, truncated, extra parts) gives null. */
export function parseAttributionValue(value: string): Attribution | null {
  const parts = value.trim().split("|");
  if (parts.length !== 3 || !parts.every((part) => PART.test(part))) return null;
  const [recSurface, recStrategy, recArm] = parts;
  return { recSurface, recStrategy, recArm };
}

/** Reads the attribution columns from a line's properties; the first valid `_shopkeeper` wins. */
export function attributionFromProperties(
  properties: readonly NoteAttribute[] | null | undefined,
): Attribution | typeof NONE {
  for (const property of properties ?? []) {
    if (property.name.trim() !== ATTRIBUTION_PROPERTY) continue;
    const parsed = parseAttributionValue(property.value);
    if (parsed) return parsed;
  }
  return NONE;
}

// Visible properties are typed by shoppers (engravings, gift notes) and may hold personal data that
// nothing in Shopkeeper reads, so only hidden ones are stored.
/** Keeps only the hidden ("_"-prefixed) line-item properties, or null when there are none. */
export function storedLineProperties(properties: readonly NoteAttribute[] | null | undefined): NoteAttribute[] | null {
  const hidden = (properties ?? []).filter((property) => property.name.startsWith("_"));
  return hidden.length === 0 ? null : hidden.map(({ name, value }) => ({ name, value }));
}
