/**
 * Finds, in the raw bytes, where the signature dictionary object lies and where its top-level
 * /Contents hex string starts and ends. ByteRange rules are checked against these positions, never
 * against offsets a parser reports (Universal Signature Forgery and signature wrapping both hide a
 * second /Contents or move the gap; Mladenov et al., "1 Trillion Dollar Refund", CCS 2019).
 */

/** The raw span of a signature dictionary object and of its /Contents string. */
export interface ContentsLocation {
  objectStart: number;
  objectEnd: number;
  /** Offset of `<` and just after `>` of the top-level /Contents hex string; -1 if none. */
  contentsStart: number;
  contentsEnd: number;
  /** Number of top-level /Contents keys seen (more than one is a forgery). */
  contentsCount: number;
}

const WS = new Set([0x00, 0x09, 0x0a, 0x0c, 0x0d, 0x20]);
const DELIM = new Set([0x28, 0x29, 0x3c, 0x3e, 0x5b, 0x5d, 0x7b, 0x7d, 0x2f, 0x25]);
const CONTENTS = Buffer.from('/Contents');

function skipLiteralString(b: Buffer, p: number): number {
  let depth = 0;
  for (; p < b.length; p++) {
    const c = b[p];
    if (c === 0x5c) p++;
    else if (c === 0x28) depth++;
    else if (c === 0x29 && --depth === 0) return p + 1;
  }
  return p;
}

/**
 * Scans the object whose header `num gen obj` is at `offset`.
 * Returns null when there is no such header at that offset.
 */
export function locateContents(b: Buffer, offset: number, num: number, maxScan = 4 << 20): ContentsLocation | null {
  const header = new RegExp(`^${num}\\s+\\d+\\s+obj`);
  const head = b.toString('latin1', offset, Math.min(b.length, offset + 40));
  const m = header.exec(head);
  if (!m) return null;
  const loc: ContentsLocation = { objectStart: offset, objectEnd: -1, contentsStart: -1, contentsEnd: -1, contentsCount: 0 };
  let depth = 0;
  let arrays = 0;
  const end = Math.min(b.length, offset + maxScan);
  for (let p = offset + m[0].length; p < end; ) {
    const c = b[p];
    if (WS.has(c)) p++;
    else if (c === 0x25) while (p < end && b[p] !== 0x0a && b[p] !== 0x0d) p++;
    else if (c === 0x28) p = skipLiteralString(b, p);
    else if (c === 0x3c && b[p + 1] === 0x3c) (depth++, (p += 2));
    else if (c === 0x3e && b[p + 1] === 0x3e) {
      depth--;
      p += 2;
      if (depth <= 0 && arrays === 0) {
        loc.objectEnd = p;
        return loc;
      }
    } else if (c === 0x3c) {
      const close = b.indexOf(0x3e, p);
      p = close < 0 ? end : close + 1;
    } else if (c === 0x5b) (arrays++, p++);
    else if (c === 0x5d) (arrays--, p++);
    else if (c === 0x2f) {
      const isContents = depth === 1 && arrays === 0 && b.compare(CONTENTS, 0, CONTENTS.length, p, p + CONTENTS.length) === 0 &&
        (p + CONTENTS.length >= end || WS.has(b[p + CONTENTS.length]) || DELIM.has(b[p + CONTENTS.length]));
      p++;
      while (p < end && !WS.has(b[p]) && !DELIM.has(b[p])) p++;
      if (isContents) {
        loc.contentsCount++;
        let q = p;
        while (q < end && WS.has(b[q])) q++;
        if (b[q] === 0x3c && b[q + 1] !== 0x3c) {
          const close = b.indexOf(0x3e, q);
          loc.contentsStart = q;
          loc.contentsEnd = close < 0 ? -1 : close + 1;
        }
      }
    } else p++;
  }
  return loc;
}
