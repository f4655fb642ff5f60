/**
 * Digests of a document's prefixes with shared work. SHA-2 is a Merkle-Damgård hash: the state
 * after the first n bytes can be copied and continued, so the ByteRange digest of each signature
 * ([0, a) then [b, c)), the prefix of the next signature and the digest of the whole file (the
 * report's document.sha256) all continue from the same states instead of hashing the file again.
 * A signed 10 MB file is then hashed about once, not twice (issue 3, Performance).
 */
import { createHash, Hash } from 'node:crypto';

/** Prefix hash states of one document, per algorithm. */
export class PrefixDigests {
  private readonly states = new Map<string, Array<{ end: number; hash: Hash }>>();

  constructor(private readonly bytes: Buffer) {}

  /**
   * A fresh hash holding the state after `bytes[0, end)` (the caller may update and digest it).
   * @param keep remember the state for later prefixes (false for the last one asked: the whole file)
   */
  prefix(algorithm: string, end: number, keep = true): Hash {
    let list = this.states.get(algorithm);
    if (!list) this.states.set(algorithm, (list = []));
    let best: { end: number; hash: Hash } | undefined;
    for (const s of list) if (s.end <= end && (!best || s.end > best.end)) best = s;
    if (best?.end === end) return best.hash.copy();
    const h = best ? best.hash.copy() : createHash(algorithm);
    h.update(this.bytes.subarray(best?.end ?? 0, end));
    if (keep && list.length < 16) list.push({ end, hash: h.copy() });
    return h;
  }

  /** The digest of `bytes[a, a + b) ‖ bytes[c, c + d)` for a ByteRange [a b c d] starting at 0. */
  byteRange(algorithm: string, br: readonly number[]): Buffer {
    const h = br[0] === 0 ? this.prefix(algorithm, br[1]) : createHash(algorithm).update(this.bytes.subarray(br[0], br[0] + br[1]));
    return h.update(this.bytes.subarray(br[2], br[2] + br[3])).digest();
  }

  /** The digest of the whole document. */
  whole(algorithm: string): Buffer {
    return this.prefix(algorithm, this.bytes.length, false).digest();
  }
}
