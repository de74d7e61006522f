/** Compressed sparse rows: row r holds items[ptr[r]..ptr[r+1]). */
export interface Csr {
  ptr: Int32Array;
  items: Int32Array;
}

/** Builds a CSR from per-row item lists given as a flat array plus row lengths. */
export function csrFromLengths(lengths: Int32Array, items: Int32Array): Csr {
  const ptr = new Int32Array(lengths.length + 1);
  for (let r = 0; r < lengths.length; r++) ptr[r + 1] = ptr[r] + lengths[r];
  return { ptr, items };
}

/** Transposes a CSR (rows → items) into an inverted index (items → rows), rows ascending. */
export function invertCsr(rows: Csr, nItems: number): Csr {
  const counts = new Int32Array(nItems + 1);
  const nnz = rows.ptr[rows.ptr.length - 1];
  for (let j = 0; j < nnz; j++) counts[rows.items[j] + 1]++;
  for (let i = 0; i < nItems; i++) counts[i + 1] += counts[i];
  const ptr = counts.slice();
  const items = new Int32Array(nnz);
  const cursor = counts.subarray(0, nItems).slice();
  const nRows = rows.ptr.length - 1;
  for (let r = 0; r < nRows; r++) {
    for (let j = rows.ptr[r]; j < rows.ptr[r + 1]; j++) items[cursor[rows.items[j]]++] = r;
  }
  return { ptr, items };
}

/**
 * Accumulates, for one anchor at a time, the weighted and plain co-occurrence of every other item
 * over the rows that contain the anchor. Dense scratch arrays plus a touched list keep each anchor
 * O(work) without allocating.
 */
export class PairAccumulator {
  /** Weight at [2b], count at [2b+1]: one cache line per touch, where two arrays would cost two misses. */
  readonly cells: Float64Array;
  readonly touched: Int32Array;
  nTouched = 0;
  updates = 0;

  constructor(nItems: number) {
    this.cells = new Float64Array(2 * nItems);
    this.touched = new Int32Array(nItems);
  }

  /** Summed row weight of item b's co-occurrences with the anchor. */
  weight(b: number): number {
    return this.cells[2 * b];
  }

  /** Rows (orders or customers) in which item b co-occurs with the anchor. */
  count(b: number): number {
    return this.cells[2 * b + 1];
  }

  /** Adds the last `maxRows` rows containing `anchor`; `rowWeight[r]` is the row's (decayed) weight. */
  accumulate(anchor: number, rows: Csr, inverted: Csr, rowWeight: Float64Array | null, maxRows = Infinity): void {
    const { cells, touched } = this;
    const end0 = inverted.ptr[anchor + 1];
    for (let k = Math.max(inverted.ptr[anchor], end0 - maxRows); k < end0; k++) {
      const r = inverted.items[k];
      const w = rowWeight === null ? 1 : rowWeight[r];
      const end = rows.ptr[r + 1];
      for (let j = rows.ptr[r]; j < end; j++) {
        const b = rows.items[j];
        if (b === anchor) continue;
        const o = 2 * b;
        if (cells[o + 1] === 0) touched[this.nTouched++] = b;
        cells[o] += w;
        cells[o + 1]++;
      }
      this.updates += end - rows.ptr[r] - 1;
    }
  }

  reset(): void {
    for (let t = 0; t < this.nTouched; t++) {
      const o = 2 * this.touched[t];
      this.cells[o] = 0;
      this.cells[o + 1] = 0;
    }
    this.nTouched = 0;
  }
}

/**
 * Keeps the k best (score, item) pairs; ties go to the lower item index, so results are
 * deterministic and identical however candidates arrive.
 */
export class TopK {
  readonly items: Int32Array;
  readonly scores: Float64Array;
  size = 0;

  private readonly outItems: Int32Array;
  private readonly outScores: Float64Array;

  constructor(readonly k: number) {
    this.items = new Int32Array(k);
    this.scores = new Float64Array(k);
    this.outItems = new Int32Array(k);
    this.outScores = new Float64Array(k);
  }

  clear(): void {
    this.size = 0;
  }

  push(item: number, score: number): void {
    if (Number.isNaN(score)) return;
    if (this.size < this.k) {
      let i = this.size++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!worse(score, item, this.scores[parent], this.items[parent])) break;
        this.scores[i] = this.scores[parent];
        this.items[i] = this.items[parent];
        i = parent;
      }
      this.scores[i] = score;
      this.items[i] = item;
      return;
    }
    if (this.k === 0 || !worse(this.scores[0], this.items[0], score, item)) return;
    this.siftDown(item, score);
  }


  /** Returns [items, scores] best first in fresh arrays. Leaves the heap empty. */
  drain(): { items: Int32Array; scores: Float64Array } {
    const shared = this.drainShared();
    return { items: shared.items.slice(), scores: shared.scores.slice() };
  }

  /** Like drain, but the arrays are views reused by the next call: consume them at once. */
  drainShared(): { items: Int32Array; scores: Float64Array } {
    const n = this.drainCount();
    return { items: this.outItems.subarray(0, n), scores: this.outScores.subarray(0, n) };
  }

  /** Drains best first into `sortedItems`/`sortedScores` (reused by the next call) and returns how many; allocates nothing. */
  drainCount(): number {
    const n = this.size;
    const items = this.outItems;
    const scores = this.outScores;
    for (let i = n - 1; i >= 0; i--) {
      items[i] = this.items[0];
      scores[i] = this.scores[0];
      this.size--;
      if (this.size > 0) this.siftDown(this.items[this.size], this.scores[this.size]);
    }
    this.size = 0;
    return n;
  }

  get sortedItems(): Int32Array {
    return this.outItems;
  }

  get sortedScores(): Float64Array {
    return this.outScores;
  }

  private siftDown(item: number, score: number): void {
    const n = this.size;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      let child = left;
      if (right < n && worse(this.scores[right], this.items[right], this.scores[left], this.items[left])) child = right;
      if (!worse(this.scores[child], this.items[child], score, item)) break;
      this.scores[i] = this.scores[child];
      this.items[i] = this.items[child];
      i = child;
    }
    this.scores[i] = score;
    this.items[i] = item;
  }
}

/** True when (sa, ia) ranks below (sb, ib): lower score, or equal score and higher index. */
function worse(sa: number, ia: number, sb: number, ib: number): boolean {
  return sa < sb || (sa === sb && ia > ib);
}
