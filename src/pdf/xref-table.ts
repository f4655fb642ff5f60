/**
 * Object locations indexed by object number, stored in typed arrays: a file with 100,000 objects
 * is indexed in a few milliseconds without allocating an object per entry (issue 2, section 6).
 */

/** Where an object lives: at a byte offset, inside an object stream, or nowhere. */
export type XrefEntry =
  | { type: 'n'; offset: number; gen: number }
  | { type: 'c'; stream: number; index: number }
  | { type: 'f' };

// Shared empty arrays: a table allocates its typed arrays on the first write (a verification opens
// several small tables per document; three typed-array allocations each showed in profiles).
const EMPTY_KIND = new Uint8Array(0);
const EMPTY_FIRST = new Float64Array(0);
const EMPTY_SECOND = new Uint32Array(0);

const NONE = 0;
const IN_FILE = 1;
const COMPRESSED = 2;
const FREE = 3;

/** A map from object number to {@link XrefEntry} with the Map methods the engine uses. */
export class XrefTable {
  private kind = EMPTY_KIND;
  private first = EMPTY_FIRST;
  private second = EMPTY_SECOND;
  /** Number of entries. */
  size = 0;
  /** Highest object number present, or -1. */
  maxNum = -1;

  constructor(private readonly limit = 50_000_000) {}

  private ensure(n: number): boolean {
    if (!Number.isInteger(n) || n < 0 || n >= this.limit) return false;
    if (n < this.kind.length) return true;
    const cap = Math.min(this.limit, Math.max(n + 1, this.kind.length * 2, 64));
    const k = new Uint8Array(cap);
    k.set(this.kind);
    const f = new Float64Array(cap);
    f.set(this.first);
    const s = new Uint32Array(cap);
    s.set(this.second);
    this.kind = k;
    this.first = f;
    this.second = s;
    return true;
  }

  /** Pre-sizes the arrays for numbers below `n` (avoids repeated growth on big tables). */
  reserve(n: number): void {
    if (n > 0) this.ensure(Math.min(n, this.limit, 1_000_000) - 1);
  }

  has(n: number): boolean {
    return n >= 0 && n < this.kind.length && this.kind[n] !== NONE;
  }

  get(n: number): XrefEntry | undefined {
    if (!this.has(n)) return undefined;
    switch (this.kind[n]) {
      case IN_FILE:
        return { type: 'n', offset: this.first[n], gen: this.second[n] };
      case COMPRESSED:
        return { type: 'c', stream: this.first[n], index: this.second[n] };
      default:
        return { type: 'f' };
    }
  }

  /** Sets an entry from its raw fields (1 = in file, 2 = compressed, 3 = free); ignores numbers beyond the limit. */
  setRaw(n: number, type: 1 | 2 | 3, a: number, b: number): void {
    if (!this.ensure(n)) return;
    if (this.kind[n] === NONE) this.size++;
    this.kind[n] = type;
    this.first[n] = a;
    this.second[n] = b;
    if (n > this.maxNum) this.maxNum = n;
  }

  set(n: number, e: XrefEntry): this {
    if (e.type === 'n') this.setRaw(n, IN_FILE, e.offset, e.gen);
    else if (e.type === 'c') this.setRaw(n, COMPRESSED, e.stream, e.index);
    else this.setRaw(n, FREE, 0, 0);
    return this;
  }

  /** Copies every entry of `older` whose number is not yet present (newest section wins). */
  fillFrom(older: XrefTable): void {
    for (let n = 0; n <= older.maxNum; n++) {
      const t = older.kind[n];
      if (t !== NONE && !this.has(n)) this.setRaw(n, t as 1 | 2 | 3, older.first[n], older.second[n]);
    }
  }

  /** True when some entry is in an object stream. */
  hasCompressed(): boolean {
    for (let n = 0; n <= this.maxNum; n++) if (this.kind[n] === COMPRESSED) return true;
    return false;
  }

  *keys(): IterableIterator<number> {
    for (let n = 0; n <= this.maxNum; n++) if (this.kind[n] !== NONE) yield n;
  }

  *values(): IterableIterator<XrefEntry> {
    for (const n of this.keys()) yield this.get(n) as XrefEntry;
  }

  *[Symbol.iterator](): IterableIterator<[number, XrefEntry]> {
    for (const n of this.keys()) yield [n, this.get(n) as XrefEntry];
  }
}
