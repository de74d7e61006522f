export type GidType = "Product" | "ProductVariant" | "Collection" | "Customer" | "Order" | "LineItem" | "Refund" | "BulkOperation" | "Shop";

/** Builds Shopify's global id, e.g. gid://shopify/Product/7. */
export function toGid(type: GidType, id: number | string): string {
  return `gid://shopify/${type}/${id}`;
}

/** Parses a global id into its type and numeric id; returns null when it is not a Shopify gid. */
export function parseGid(gid: string): { type: string; id: number } | null {
  const match = /^gid:\/\/shopify\/(\w+)\/(\d+)(?:\?.*)?$/.exec(gid);
  if (!match) return null;
  return { type: match[1], id: Number(match[2]) };
}

/** 32-bit FNV-1a hash: the stand-in's only source of "randomness" for derived attributes. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Deterministic number in [0, 1) from a seed and a key. */
export function seededUnit(seed: number | string, key: string): number {
  return fnv1a(`${seed}:${key}`) / 0x100000000;
}

/** Shopify-style handle: lower-case words joined by hyphens. */
export function handleize(text: string): string {
  return text
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}
