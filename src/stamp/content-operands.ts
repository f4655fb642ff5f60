/**
 * The operands of a content-stream operator (ISO 32000-1 §7.8.2) as `scanContent`
 * (content-lexer.ts) reports them: flat, in typed arrays reused from one operator to the next,
 * so that lexing a page allocates nothing per operand.
 */

/** Kinds of the operands in {@link Operands}: an array is OPEN, its elements, CLOSE. */
export const NUMBER = 0, NAME = 1, STRING = 2, OPEN = 3, CLOSE = 4;

/** Operand slots past `end` that read as 0 in `num` (no operator takes more operands than this). */
export const PAD = 8;

/**
 * The operands of the current operator, flat: operand k (first <= k < end) is of kind[k]; a
 * NUMBER is num[k]; a NAME's bytes (without the slash) are content[from[k], to[k]); a STRING's
 * are bytesOf(k)[from[k], to[k]), the content itself or, for hex strings and strings with
 * escapes, their decoded bytes in `scratch`. Valid only during the callback.
 *
 * num[k] is 0 for an operand that is not a number and for every slot past `end` (the arrays
 * keep PAD slots of room), so num[first + j] (j < PAD) is operand j as an operator reads a
 * number, 0 when absent: read inline, without a call that would box the double.
 */
export class Operands {
  first = 0;
  end = 0;
  kind = new Uint8Array(64);
  num = new Float64Array(64);
  from = new Int32Array(64);
  to = new Int32Array(64);
  decoded = new Uint8Array(64);
  scratch = new Uint8Array(1024);
  scratchEnd = 0;

  constructor(readonly content: Buffer) {}

  /** The name operand j, else undefined. */
  name(j: number): string | undefined {
    const k = this.first + j;
    return k < this.end && this.kind[k] === NAME ? this.content.toString('latin1', this.from[k], this.to[k]) : undefined;
  }

  /** True when operand j is a string. */
  isString(j: number): boolean {
    const k = this.first + j;
    return k < this.end && this.kind[k] === STRING;
  }

  bytesOf(k: number): Uint8Array {
    return this.decoded[k] ? this.scratch : this.content;
  }

  /** Appends an operand (a number's value is written to num[k] by the caller afterwards, 0 until then). */
  add(kind: number, from: number, to: number, decoded: number): void {
    const k = this.end++;
    if (k + PAD >= this.kind.length) {
      const grow = <T extends Uint8Array | Int32Array | Float64Array>(a: T): T => {
        const b = new (a.constructor as new (n: number) => T)(a.length * 2);
        b.set(a);
        return b;
      };
      this.kind = grow(this.kind); this.num = grow(this.num); this.from = grow(this.from); this.to = grow(this.to);
      this.decoded = grow(this.decoded);
    }
    this.kind[k] = kind; this.from[k] = from; this.to[k] = to; this.decoded[k] = decoded;
  }

  /** Drops the operands from k on, zeroing their numbers (so the slots past `end` stay 0). */
  truncate(k: number): void {
    const num = this.num;
    for (let i = k; i < this.end; i++) num[i] = 0;
    this.end = k;
  }

  /** Room for n more decoded bytes in `scratch`. */
  reserve(n: number): void {
    if (this.scratchEnd + n <= this.scratch.length) return;
    const b = new Uint8Array(Math.max(this.scratch.length * 2, this.scratchEnd + n));
    b.set(this.scratch.subarray(0, this.scratchEnd));
    this.scratch = b;
  }
}
