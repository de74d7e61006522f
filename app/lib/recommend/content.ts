import type { ProductInfo } from "~/lib/recommend/types";
import { TopK } from "~/lib/recommend/sparse";

const FIELD_WEIGHT = { type: 2, vendor: 1, tag: 1, collection: 1.5, word: 1 } as const;
const STOP_WORDS = new Set(["the", "and", "for", "with", "of", "set", "pack", "new", "mini", "small", "large"]);

/** Lower-cased title words of three or more letters, minus stop words and numbers. */
export function titleWords(title: string): string[] {
  return [
    ...new Set(
      title
        .toLowerCase()
        .split(/[^\p{L}\p{N}]+/u)
        .filter((w) => w.length >= 3 && !STOP_WORDS.has(w) && !/^\d+$/.test(w)),
    ),
  ];
}

/** Content features with field weights: product type, vendor, tags, collections, title words. */
export function productFeatures(p: Pick<ProductInfo, "title" | "productType" | "vendor" | "tags" | "collections">): Map<string, number> {
  const f = new Map<string, number>();
  const add = (key: string, w: number) => f.set(key, Math.max(f.get(key) ?? 0, w));
  if (p.productType) add(`type:${p.productType.toLowerCase()}`, FIELD_WEIGHT.type);
  if (p.vendor) add(`vendor:${p.vendor.toLowerCase()}`, FIELD_WEIGHT.vendor);
  for (const t of p.tags) if (t) add(`tag:${t.toLowerCase()}`, FIELD_WEIGHT.tag);
  for (const c of p.collections) if (c) add(`collection:${c}`, FIELD_WEIGHT.collection);
  for (const w of titleWords(p.title)) add(`word:${w}`, FIELD_WEIGHT.word);
  return f;
}

export interface ContentIndex {
  /** Per product: feature ids and tf-idf weights. */
  featurePtr: Int32Array;
  featureIds: Int32Array;
  featureWeights: Float64Array;
  norms: Float64Array;
  /** Per feature: products scanned (capped) and their weights. */
  postingPtr: Int32Array;
  postingItems: Int32Array;
  postingWeights: Float64Array;
}

/**
 * TF-IDF feature vectors and capped posting lists. Each posting keeps its most popular and its
 * newest products, so brand-new products (no orders) still appear in others' lists.
 */
export function buildContentIndex(
  productsByIndex: (ProductInfo | undefined)[],
  popularity: Float64Array,
  postingCap: number,
): ContentIndex {
  const n = productsByIndex.length;
  const featureOf = new Map<string, number>();
  const perProduct: [number, number][][] = [];
  const df: number[] = [];
  for (let i = 0; i < n; i++) {
    const p = productsByIndex[i];
    const row: [number, number][] = [];
    if (p) {
      for (const [key, w] of productFeatures(p)) {
        let id = featureOf.get(key);
        if (id === undefined) {
          id = df.length;
          featureOf.set(key, id);
          df.push(0);
        }
        df[id]++;
        row.push([id, w]);
      }
    }
    perProduct.push(row);
  }
  const nFeatures = df.length;
  const featurePtr = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) featurePtr[i + 1] = featurePtr[i] + perProduct[i].length;
  const featureIds = new Int32Array(featurePtr[n]);
  const featureWeights = new Float64Array(featurePtr[n]);
  const norms = new Float64Array(n);
  const members: number[][] = Array.from({ length: nFeatures }, () => []);
  for (let i = 0; i < n; i++) {
    let sq = 0;
    perProduct[i].forEach(([id, w], k) => {
      // A feature only one product has cannot link two products, so it would only dilute the norm.
      const weight = df[id] > 1 ? w * Math.log(1 + n / df[id]) : 0;
      featureIds[featurePtr[i] + k] = id;
      featureWeights[featurePtr[i] + k] = weight;
      sq += weight * weight;
      if (weight > 0) members[id].push(i);
    });
    norms[i] = Math.sqrt(sq);
  }
  const postingLists = members.map((list) => capPosting(list, popularity, productsByIndex, postingCap));
  const postingPtr = new Int32Array(nFeatures + 1);
  for (let f = 0; f < nFeatures; f++) postingPtr[f + 1] = postingPtr[f] + postingLists[f].length;
  const postingItems = new Int32Array(postingPtr[nFeatures]);
  const postingWeights = new Float64Array(postingPtr[nFeatures]);
  const weightOf = (item: number, feature: number) => {
    for (let k = featurePtr[item]; k < featurePtr[item + 1]; k++) if (featureIds[k] === feature) return featureWeights[k];
    return 0;
  };
  for (let f = 0; f < nFeatures; f++) {
    postingLists[f].forEach((item, k) => {
      postingItems[postingPtr[f] + k] = item;
      postingWeights[postingPtr[f] + k] = weightOf(item, f);
    });
  }
  return { featurePtr, featureIds, featureWeights, norms, postingPtr, postingItems, postingWeights };
}

function capPosting(list: number[], popularity: Float64Array, products: (ProductInfo | undefined)[], cap: number): number[] {
  if (list.length <= cap) return list;
  const half = Math.ceil(cap / 2);
  const byPopularity = [...list].sort((a, b) => popularity[b] - popularity[a] || a - b).slice(0, half);
  const chosen = new Set(byPopularity);
  const byNewest = [...list].sort((a, b) => (products[b]?.createdAt ?? 0) - (products[a]?.createdAt ?? 0) || a - b);
  for (const i of byNewest) {
    if (chosen.size >= cap) break;
    chosen.add(i);
  }
  return [...chosen].sort((a, b) => a - b);
}

/** Cosine similarity of `anchor` to products sharing a feature with it, into `top` (cleared first). */
export function scoreContentAnchor(
  anchor: number,
  index: ContentIndex,
  eligible: Uint8Array | null,
  scratch: Float64Array,
  touched: number[],
  top: TopK,
): void {
  top.clear();
  touched.length = 0;
  const { featurePtr, featureIds, featureWeights, norms, postingPtr, postingItems, postingWeights } = index;
  if (norms[anchor] === 0) return;
  for (let k = featurePtr[anchor]; k < featurePtr[anchor + 1]; k++) {
    const f = featureIds[k];
    const wa = featureWeights[k];
    if (wa === 0) continue;
    for (let j = postingPtr[f]; j < postingPtr[f + 1]; j++) {
      const b = postingItems[j];
      if (b === anchor) continue;
      if (scratch[b] === 0) touched.push(b);
      scratch[b] += wa * postingWeights[j];
    }
  }
  for (const b of touched) {
    if ((eligible === null || eligible[b] === 1) && norms[b] > 0) top.push(b, scratch[b] / (norms[anchor] * norms[b]));
    scratch[b] = 0;
  }
}
