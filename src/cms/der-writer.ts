/**
 * A tiny DER writer: just enough to splice precomputed CMS pieces with per-signature values
 * without an object model (X.690 §8 and §10). The CMS builder runs once per signed document, so
 * encoding must cost microseconds, not the milliseconds an ASN.1 object graph costs.
 */

/** Encodes a DER length (X.690 §8.1.3: short form below 128, long form otherwise). */
export function derLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  if (length < 0x100) return Buffer.from([0x81, length]);
  if (length < 0x10000) return Buffer.from([0x82, length >> 8, length & 0xff]);
  if (length < 0x1000000) return Buffer.from([0x83, length >> 16, (length >> 8) & 0xff, length & 0xff]);
  return Buffer.from([0x84, (length >>> 24) & 0xff, (length >> 16) & 0xff, (length >> 8) & 0xff, length & 0xff]);
}

/** Size in bytes of a TLV whose content has `contentLength` bytes (one-byte tag). */
export function derTlvSize(contentLength: number): number {
  if (contentLength < 0x80) return 2 + contentLength;
  if (contentLength < 0x100) return 3 + contentLength;
  if (contentLength < 0x10000) return 4 + contentLength;
  if (contentLength < 0x1000000) return 5 + contentLength;
  return 6 + contentLength;
}

/** Tag + length + content, content given as pieces (concatenated once). */
export function derTlv(tag: number, ...content: Uint8Array[]): Buffer {
  let length = 0;
  for (const piece of content) length += piece.length;
  const header = derLength(length);
  const out = Buffer.allocUnsafe(1 + header.length + length);
  out[0] = tag;
  header.copy(out, 1);
  let offset = 1 + header.length;
  for (const piece of content) {
    out.set(piece, offset);
    offset += piece.length;
  }
  return out;
}

/** Common universal and context tags. */
export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  ENUMERATED: 0x0a,
  UTF8_STRING: 0x0c,
  PRINTABLE_STRING: 0x13,
  IA5_STRING: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

/** Constructed context-specific tag [n] (0xA0 + n). */
export function contextTag(n: number): number {
  return 0xa0 + n;
}

/** Primitive context-specific tag [n] (0x80 + n). */
export function contextPrimitiveTag(n: number): number {
  return 0x80 + n;
}

/** SEQUENCE of already-encoded elements. */
export function derSequence(...elements: Uint8Array[]): Buffer {
  return derTlv(TAG.SEQUENCE, ...elements);
}

/** SET OF already-encoded elements, sorted as DER requires (X.690 §11.6). */
export function derSetOf(...elements: Uint8Array[]): Buffer {
  const sorted = [...elements].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  return derTlv(TAG.SET, ...sorted);
}

/** OBJECT IDENTIFIER from dotted text (X.690 §8.19). */
export function derOid(dotted: string): Buffer {
  const arcs = dotted.split('.').map((a) => BigInt(a));
  const bytes: number[] = [];
  const first = arcs[0]! * 40n + arcs[1]!;
  for (const arc of [first, ...arcs.slice(2)]) {
    const chunk: number[] = [];
    let v = arc;
    do {
      chunk.unshift(Number(v & 0x7fn));
      v >>= 7n;
    } while (v > 0n);
    for (let i = 0; i < chunk.length - 1; i++) chunk[i]! |= 0x80;
    bytes.push(...chunk);
  }
  return derTlv(TAG.OID, Buffer.from(bytes));
}

/** INTEGER from a non-negative number, bigint or unsigned big-endian bytes (minimal two's complement). */
export function derInteger(value: number | bigint | Uint8Array): Buffer {
  let bytes: Buffer;
  if (typeof value === 'number' || typeof value === 'bigint') {
    let hex = BigInt(value).toString(16);
    if (hex.length % 2) hex = `0${hex}`;
    bytes = Buffer.from(hex, 'hex');
  } else {
    bytes = Buffer.from(value);
  }
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0 && (bytes[start + 1]! & 0x80) === 0) start++;
  bytes = bytes.subarray(start);
  if (bytes.length === 0) bytes = Buffer.from([0]);
  if (bytes[0]! & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return derTlv(TAG.INTEGER, bytes);
}

/** NULL. */
export const DER_NULL: Buffer = Buffer.from([0x05, 0x00]);

/** OCTET STRING. */
export function derOctetString(content: Uint8Array): Buffer {
  return derTlv(TAG.OCTET_STRING, content);
}

/** BIT STRING with no unused bits. */
export function derBitString(content: Uint8Array): Buffer {
  return derTlv(TAG.BIT_STRING, Buffer.from([0]), content);
}

/** UTF8String. */
export function derUtf8String(text: string): Buffer {
  return derTlv(TAG.UTF8_STRING, Buffer.from(text, 'utf8'));
}

/** IA5String (URLs). */
export function derIa5String(text: string): Buffer {
  return derTlv(TAG.IA5_STRING, Buffer.from(text, 'ascii'));
}

/**
 * Time as RFC 5280 §4.1.2.5 wants it: UTCTime through 2049, GeneralizedTime from 2050, both in
 * UTC with seconds and no fraction.
 */
export function derTime(date: Date): Buffer {
  const iso = date.toISOString();
  const year = date.getUTCFullYear();
  const body = iso.slice(5, 7) + iso.slice(8, 10) + iso.slice(11, 13) + iso.slice(14, 16) + iso.slice(17, 19) + 'Z';
  if (year >= 1950 && year < 2050) return derTlv(TAG.UTC_TIME, Buffer.from(String(year).slice(2) + body, 'ascii'));
  return derGeneralizedTime(date);
}

/** GeneralizedTime (YYYYMMDDHHMMSS[.fff]Z), used by RFC 3161 and OCSP. */
export function derGeneralizedTime(date: Date, withMillis = false): Buffer {
  const iso = date.toISOString();
  let text = iso.slice(0, 4) + iso.slice(5, 7) + iso.slice(8, 10) + iso.slice(11, 13) + iso.slice(14, 16) + iso.slice(17, 19);
  if (withMillis && date.getUTCMilliseconds() !== 0) text += `.${iso.slice(20, 23).replace(/0+$/, '')}`;
  return derTlv(TAG.GENERALIZED_TIME, Buffer.from(`${text}Z`, 'ascii'));
}

/**
 * Reads the TLV header at `offset`: returns the tag, the content start and the content length.
 * Definite lengths only (DER); used to slice precomputed pieces out of certificates.
 */
export function readTlv(der: Uint8Array, offset = 0): { tag: number; contentStart: number; length: number; end: number } {
  if (offset + 2 > der.length) throw new RangeError('DER truncated');
  const tag = der[offset]!;
  let lengthByte = der[offset + 1]!;
  let contentStart = offset + 2;
  let length = lengthByte;
  if (lengthByte & 0x80) {
    const count = lengthByte & 0x7f;
    if (count === 0 || count > 4 || contentStart + count > der.length) throw new RangeError('DER length unsupported');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + der[contentStart + i]!;
    contentStart += count;
  }
  const end = contentStart + length;
  if (end > der.length) throw new RangeError('DER truncated');
  return { tag, contentStart, length, end };
}

/** The children of a constructed TLV, as [start, end) ranges of whole elements. */
export function readChildren(der: Uint8Array, offset = 0): Array<{ tag: number; start: number; end: number; contentStart: number }> {
  const parent = readTlv(der, offset);
  const out: Array<{ tag: number; start: number; end: number; contentStart: number }> = [];
  let p = parent.contentStart;
  while (p < parent.end) {
    const child = readTlv(der, p);
    out.push({ tag: child.tag, start: p, end: child.end, contentStart: child.contentStart });
    p = child.end;
  }
  return out;
}
