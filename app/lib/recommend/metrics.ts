/** One evaluated query: the ranked recommendations and the items that were actually bought. */
export interface EvalCase {
  ranked: readonly string[];
  relevant: ReadonlySet<string>;
}

/** Share of cases with at least one relevant item in the top k. */
export function hitRate(cases: readonly EvalCase[], k: number): number {
  if (cases.length === 0) return 0;
  let hits = 0;
  for (const c of cases) {
    const top = c.ranked.slice(0, k);
    if (top.some((id) => c.relevant.has(id))) hits++;
  }
  return hits / cases.length;
}

/** Mean NDCG@k with binary relevance; the ideal ranking puts min(k, |relevant|) hits first. */
export function ndcg(cases: readonly EvalCase[], k: number): number {
  if (cases.length === 0) return 0;
  let total = 0;
  for (const c of cases) {
    const ideal = Math.min(k, c.relevant.size);
    if (ideal === 0) continue;
    let dcg = 0;
    const top = c.ranked.slice(0, k);
    for (let i = 0; i < top.length; i++) if (c.relevant.has(top[i])) dcg += 1 / Math.log2(i + 2);
    let idcg = 0;
    for (let i = 0; i < ideal; i++) idcg += 1 / Math.log2(i + 2);
    total += dcg / idcg;
  }
  return total / cases.length;
}

/** Share of the catalogue that appears in at least one top-k list. */
export function coverage(lists: Iterable<readonly string[]>, catalogueSize: number, k: number): number {
  if (catalogueSize <= 0) return 0;
  const seen = new Set<string>();
  for (const list of lists) for (const id of list.slice(0, k)) seen.add(id);
  return seen.size / catalogueSize;
}
