import { normaliseList } from "~/lib/ethics/list-values";
import type { EthicsSettings } from "~/lib/ethics/settings";

/** The fields of a product that decide whether it is sensitive. */
export type SensitivityFields = {
  tags: readonly string[] | string;
  collections?: readonly string[] | string;
};

/** True when the product carries a sensitive tag or sits in a sensitive collection (case-insensitive). */
export function isSensitiveProduct(
  product: SensitivityFields,
  settings: Pick<EthicsSettings, "sensitiveTags" | "sensitiveCollections">,
): boolean {
  const tags = new Set(normaliseList(settings.sensitiveTags));
  const collections = new Set(normaliseList(settings.sensitiveCollections));
  if (normaliseList(product.tags).some((tag) => tags.has(tag))) return true;
  return normaliseList(product.collections).some((handle) => collections.has(handle));
}

/** Ids of the sensitive products in a catalogue, for filtering signals and candidates in bulk. */
export function sensitiveProductIds<P extends SensitivityFields & { id: string }>(
  products: readonly P[],
  settings: Pick<EthicsSettings, "sensitiveTags" | "sensitiveCollections">,
): Set<string> {
  return new Set(products.filter((p) => isSensitiveProduct(p, settings)).map((p) => p.id));
}
