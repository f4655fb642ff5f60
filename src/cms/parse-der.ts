/**
 * A small, fast, allocation-free DER/BER TLV reader (X.690 §8.1). Verification parses the CMS of
 * every signature of every document, and the 1,000 docs/s target (issue 3, Performance) leaves no
 * room for building a full object model; nodes are views into the input buffer. Indefinite
 * lengths (BER, X.690 §8.1.3.6) are accepted because real signers emit them in CMS.
 */
import { AppError } from '../errors';

/** One TLV: tag class/number, and where its header and content lie in `buf`. */
export interface DerNode {
  readonly buf: Buffer;
  /** Identifier octet class bits (0x00 universal, 0x40 application, 0x80 context, 0xc0 private). */
  readonly cls: number;
  readonly constructed: boolean;
  readonly tagNumber: number;
  /** The first identifier octet as written (e.g. 0x30 SEQUENCE, 0xa0 [0] constructed). */
  readonly tag: number;
  readonly start: number;
  readonly contentStart: number;
  /** End of the content (exclusive); for indefinite length, before the end-of-contents octets. */
  readonly contentEnd: number;
  /** End of the whole TLV (exclusive). */
  readonly end: number;
}

const MAX_DEPTH = 64;

function fail(msg: string): never {
  throw new AppError('CMS_MALFORMED', `Malformed DER: ${msg}`);
}

/** Reads the TLV starting at `offset` (throws VALIDATION_FAILED on malformed input). */
export function readDer(buf: Buffer, offset = 0, limit = buf.length, depth = 0): DerNode {
  if (depth > MAX_DEPTH) fail('nesting too deep');
  let p = offset;
  if (p + 2 > limit) fail('truncated header');
  const tag = buf[p++];
  let tagNumber = tag & 0x1f;
  if (tagNumber === 0x1f) {
    tagNumber = 0;
    for (let i = 0; ; i++) {
      if (p >= limit || i > 4) fail('bad tag');
      const b = buf[p++];
      tagNumber = tagNumber * 128 + (b & 0x7f);
      if (!(b & 0x80)) break;
    }
  }
  if (p >= limit) fail('truncated length');
  const first = buf[p++];
  const constructed = (tag & 0x20) !== 0;
  if (first === 0x80) {
    if (!constructed) fail('indefinite length on a primitive');
    let q = p;
    while (true) {
      if (q + 2 > limit) fail('missing end-of-contents');
      if (buf[q] === 0 && buf[q + 1] === 0) break;
      q = readDer(buf, q, limit, depth + 1).end;
    }
    return { buf, cls: tag & 0xc0, constructed, tagNumber, tag, start: offset, contentStart: p, contentEnd: q, end: q + 2 };
  }
  let length = first;
  if (first & 0x80) {
    const n = first & 0x7f;
    if (n > 4 || p + n > limit) fail('bad length');
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + buf[p++];
  }
  if (p + length > limit) fail('content past the end');
  return { buf, cls: tag & 0xc0, constructed, tagNumber, tag, start: offset, contentStart: p, contentEnd: p + length, end: p + length };
}

/** The children of a constructed node, in order. */
export function childrenOf(node: DerNode, depth = 1): DerNode[] {
  if (!node.constructed) fail('expected a constructed value');
  const out: DerNode[] = [];
  let p = node.contentStart;
  while (p < node.contentEnd) {
    const c = readDer(node.buf, p, node.contentEnd, depth);
    out.push(c);
    p = c.end;
  }
  return out;
}

/** The content octets (a view, no copy). */
export function contentOf(node: DerNode): Buffer {
  return node.buf.subarray(node.contentStart, node.contentEnd);
}

/** The whole TLV bytes (a view, no copy). */
export function bytesOf(node: DerNode): Buffer {
  return node.buf.subarray(node.start, node.end);
}

/** Decodes an OBJECT IDENTIFIER node to dotted form (X.690 §8.19). */
export function oidOf(node: DerNode): string {
  if (node.tag !== 0x06) fail('expected an OBJECT IDENTIFIER');
  const b = contentOf(node);
  const parts: number[] = [];
  let v = 0;
  for (let i = 0; i < b.length; i++) {
    v = v * 128 + (b[i] & 0x7f);
    if (!(b[i] & 0x80)) {
      if (parts.length === 0) {
        const first = v < 80 ? Math.floor(v / 40) : 2;
        parts.push(first, v - first * 40);
      } else parts.push(v);
      v = 0;
    }
  }
  return parts.join('.');
}

/** Decodes UTCTime / GeneralizedTime (RFC 5280 §4.1.2.5). */
export function timeOf(node: DerNode): Date {
  const s = contentOf(node).toString('latin1');
  let m: RegExpMatchArray | null;
  if (node.tag === 0x17 && (m = s.match(/^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?Z$/))) {
    const yy = Number(m[1]);
    const year = yy >= 50 ? 1900 + yy : 2000 + yy;
    return new Date(Date.UTC(year, +m[2] - 1, +m[3], +m[4], +m[5], +(m[6] ?? 0)));
  }
  if (node.tag === 0x18 && (m = s.match(/^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:[.,](\d+))?Z$/))) {
    const ms = m[7] ? Math.round(Number(`0.${m[7]}`) * 1000) : 0;
    return new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6], ms));
  }
  return fail(`bad time value "${s}"`);
}

/** Decodes a small non-negative INTEGER or ENUMERATED. */
export function smallIntOf(node: DerNode): number {
  const b = contentOf(node);
  if (b.length > 6) fail('integer too large');
  let v = 0;
  for (const x of b) v = v * 256 + x;
  return v;
}
