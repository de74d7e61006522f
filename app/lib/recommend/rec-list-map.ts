import { renderReason, type ReasonKind, type ReasonLookup } from "~/lib/recommend/explain";
import type { RecItem, RecSource } from "~/lib/recommend/types";

const SOURCES: RecSource[] = [
  "personal",
  "buy_again",
  "co_purchase",
  "content",
  "trending",
  "bestseller",
  "pinned",
  "discovery",
];
const SOURCE_CODE = new Map(SOURCES.map((s, i) => [s, i]));

/**
 * Append-only columnar store of many short recommendation lists. At 2M orders there are
 * hundreds of thousands of lists; holding them as objects would cost gigabytes, so items live
 * in typed arrays and become RecItem objects only when a list is read.
 */
export class RecListBuilder {
  private keys: string[] = [];
  private ptr: number[] = [0];
  private n = 0;
  private item = new Int32Array(1024);
  private score = new Float32Array(1024);
  private source = new Uint8Array(1024);
  private kind = new Uint8Array(1024);
  private ref = new Int32Array(1024);

  push(item: number, score: number, source: RecSource, kind: ReasonKind, ref: number): void {
    if (this.n === this.item.length) this.grow();
    const i = this.n++;
    this.item[i] = item;
    this.score[i] = score;
    this.source[i] = SOURCE_CODE.get(source) ?? 0;
    this.kind[i] = kind;
    this.ref[i] = ref;
  }

  /** Closes the list being pushed under `key`; empty lists are not stored. */
  endList(key: string): void {
    if (this.n === this.ptr[this.ptr.length - 1]) return;
    this.keys.push(key);
    this.ptr.push(this.n);
  }

  build(productIds: string[], lookup: ReasonLookup): RecListMap {
    const n = this.n;
    return new RecListMap(
      this.keys,
      Int32Array.from(this.ptr),
      this.item.slice(0, n),
      this.score.slice(0, n),
      this.source.slice(0, n),
      this.kind.slice(0, n),
      this.ref.slice(0, n),
      productIds,
      lookup,
    );
  }

  private grow(): void {
    const size = this.item.length * 2;
    this.item = resize(this.item, new Int32Array(size));
    this.score = resize(this.score, new Float32Array(size));
    this.source = resize(this.source, new Uint8Array(size));
    this.kind = resize(this.kind, new Uint8Array(size));
    this.ref = resize(this.ref, new Int32Array(size));
  }
}

function resize<T extends Int32Array | Float32Array | Uint8Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

/** Read-only map from a subject id to its list, materialising RecItem objects on read. */
export class RecListMap implements ReadonlyMap<string, RecItem[]> {
  /** Built on the first lookup: writing all lists out never needs it, and at 400k lists it costs seconds. */
  private lookupIndex: Map<string, number> | undefined;

  constructor(
    private readonly keyList: string[],
    private readonly ptr: Int32Array,
    private readonly item: Int32Array,
    private readonly score: Float32Array,
    private readonly source: Uint8Array,
    private readonly kind: Uint8Array,
    private readonly ref: Int32Array,
    private readonly productIds: string[],
    private readonly lookup: ReasonLookup,
  ) {}

  private get index(): Map<string, number> {
    this.lookupIndex ??= new Map(this.keyList.map((k, i) => [k, i]));
    return this.lookupIndex;
  }

  get size(): number {
    return this.keyList.length;
  }

  has(key: string): boolean {
    return this.index.has(key);
  }

  get(key: string): RecItem[] | undefined {
    const i = this.index.get(key);
    return i === undefined ? undefined : this.materialise(i);
  }

  /** Product indexes of a list without building objects (for evaluation and benchmarks). */
  productIndexes(key: string): Int32Array | undefined {
    const i = this.index.get(key);
    return i === undefined ? undefined : this.item.subarray(this.ptr[i], this.ptr[i + 1]);
  }

  *keys(): MapIterator<string> {
    yield* this.keyList;
  }

  *values(): MapIterator<RecItem[]> {
    for (let i = 0; i < this.keyList.length; i++) yield this.materialise(i);
  }

  *entries(): MapIterator<[string, RecItem[]]> {
    for (let i = 0; i < this.keyList.length; i++) yield [this.keyList[i], this.materialise(i)];
  }

  [Symbol.iterator](): MapIterator<[string, RecItem[]]> {
    return this.entries();
  }

  forEach(callback: (value: RecItem[], key: string, map: ReadonlyMap<string, RecItem[]>) => void): void {
    for (let i = 0; i < this.keyList.length; i++) callback(this.materialise(i), this.keyList[i], this);
  }

  private materialise(i: number): RecItem[] {
    const out: RecItem[] = [];
    for (let j = this.ptr[i]; j < this.ptr[i + 1]; j++) {
      const { reason, reasonProductId } = renderReason(this.kind[j] as ReasonKind, this.ref[j], this.lookup);
      const rec: RecItem = {
        productId: this.productIds[this.item[j]],
        score: this.score[j],
        reason,
        source: SOURCES[this.source[j]],
      };
      if (reasonProductId !== undefined) rec.reasonProductId = reasonProductId;
      out.push(rec);
    }
    return out;
  }
}
