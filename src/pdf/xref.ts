/**
 * Cross-reference sections (ISO 32000-1 7.5.4 tables, 7.5.8 streams). Each section is read into
 * entries plus its trailer dictionary; the reader chains sections through /Prev and /XRefStm.
 * Tolerated like common readers: 19- or 21-byte table lines, a first subsection numbered 1 that
 * really starts at object 0, whitespace before `xref`.
 */
import { AppError } from '../errors';
import { decodeFilters, filterSteps } from './filters';
import { LimitGuard } from './limits';
import { asArray, asInt, asName, PdfDict, PdfStream } from './objects';
import { Parser, WS } from './parser';
import { XrefTable } from './xref-table';

export type { XrefEntry } from './xref-table';

/** One cross-reference section as read. */
export interface XrefSection {
  kind: 'table' | 'stream';
  /** Byte offset of `xref` or of the xref stream object. */
  offset: number;
  /** Byte offset just after the section (after the trailer dictionary or `endobj`). */
  end: number;
  trailer: PdfDict;
  entries: XrefTable;
  /** Object number of the xref stream itself. */
  streamNum?: number;
}

function broken(offset: number, why: string): AppError {
  return new AppError('PDF_XREF_BROKEN', `The cross-reference data at offset ${offset} is damaged: ${why}`, { offset });
}

function readInt(buf: Buffer, p: number, end: number): [number, number] {
  while (p < end && (WS[buf[p]] || buf[p] === 0x25)) {
    if (buf[p] === 0x25) while (p < end && buf[p] !== 10 && buf[p] !== 13) p++;
    else p++;
  }
  const s = p;
  let v = 0;
  while (p < end && buf[p] >= 0x30 && buf[p] <= 0x39) v = v * 10 + buf[p++] - 0x30;
  return p === s ? [-1, p] : [v, p];
}

/** Reads a classic table and its trailer at `offset` (which may point at whitespace before `xref`). */
export function readXrefTable(buf: Buffer, offset: number, guard: LimitGuard): XrefSection {
  let p = offset;
  const end = buf.length;
  while (p < end && WS[buf[p]]) p++;
  if (buf.toString('latin1', p, p + 4) !== 'xref') throw broken(offset, 'expected the keyword "xref"');
  p += 4;
  const entries = new XrefTable(guard.limits.maxObjects);
  for (;;) {
    guard.tick();
    let q = p;
    while (q < end && WS[buf[q]]) q++;
    if (buf.toString('latin1', q, q + 7) === 'trailer') {
      p = q + 7;
      break;
    }
    const [start, a] = readInt(buf, p, end);
    const [count, b] = readInt(buf, a, end);
    if (start < 0 || count < 0) throw broken(offset, 'a subsection header is not "start count"');
    guard.checkObjects(entries.size + count);
    entries.reserve(start + count);
    p = b;
    let first = start;
    for (let i = 0; i < count; i++) {
      if ((i & 0xff) === 0) guard.tick();
      const [off, c] = readInt(buf, p, end);
      const [gen, d] = readInt(buf, c, end);
      let t = d;
      while (t < end && (buf[t] === 0x20 || buf[t] === 0x09)) t++;
      const type = buf[t];
      if (off < 0 || gen < 0 || (type !== 0x6e && type !== 0x66)) throw broken(offset, `entry ${i} of subsection ${start} is not "offset gen n|f"`);
      p = t + 1;
      // A first subsection "1 n" whose first line is the head of the free list really starts at 0.
      if (i === 0 && start === 1 && type === 0x66 && gen === 65535 && off === 0) first = 0;
      const num = first + i;
      if (!entries.has(num)) entries.setRaw(num, type === 0x6e ? 1 : 3, off, gen);
    }
  }
  const parser = new Parser(buf, p, guard);
  const trailer = parser.parseObject();
  if (!(trailer instanceof PdfDict)) throw broken(offset, 'the trailer is not a dictionary');
  return { kind: 'table', offset, end: parser.pos, trailer, entries };
}

/** Reads the xref stream object at `offset` (7.5.8). */
export function readXrefStream(buf: Buffer, offset: number, guard: LimitGuard): XrefSection {
  const parser = new Parser(buf, offset, guard);
  const { num, obj } = parser.parseIndirect();
  if (!(obj instanceof PdfStream)) throw broken(offset, 'expected a cross-reference stream');
  const dict = obj.dict;
  if (asName(dict.get('Type')) !== 'XRef') throw broken(offset, 'the stream there is not of /Type /XRef');
  const w = asArray(dict.get('W'))?.map((x) => asInt(x) ?? -1) ?? [];
  const size = asInt(dict.get('Size')) ?? -1;
  if (w.length < 3 || w.some((x) => x < 0 || x > 8) || size < 0) throw broken(offset, 'invalid /W or /Size');
  guard.checkObjects(size);
  const index = asArray(dict.get('Index'))?.map((x) => asInt(x) ?? -1) ?? [0, size];
  if (index.length % 2 || index.some((x) => x < 0)) throw broken(offset, 'invalid /Index');
  const data = decodeFilters(obj.raw, filterSteps(dict.get('Filter'), dict.get('DecodeParms')), {
    maxDecompressedBytes: guard.limits.maxDecompressedBytes,
  });
  const rowLen = w[0] + w[1] + w[2];
  if (rowLen === 0) throw broken(offset, '/W gives entries of zero bytes');
  const field = (pos: number, width: number, dflt: number): number => {
    if (width === 0) return dflt;
    let v = 0;
    for (let i = 0; i < width; i++) v = v * 256 + data[pos + i];
    return v;
  };
  const entries = new XrefTable(guard.limits.maxObjects);
  entries.reserve(size);
  let pos = 0;
  for (let k = 0; k < index.length; k += 2) {
    guard.checkObjects(entries.size + index[k + 1]);
    for (let i = 0; i < index[k + 1] && pos + rowLen <= data.length; i++, pos += rowLen) {
      if ((i & 0xff) === 0) guard.tick();
      const n = index[k] + i;
      if (entries.has(n)) continue;
      const type = field(pos, w[0], 1);
      const f2 = field(pos + w[0], w[1], 0);
      const f3 = field(pos + w[0] + w[1], w[2], 0);
      if (type === 1 || type === 2) entries.setRaw(n, type, f2, f3);
      else if (type === 0) entries.setRaw(n, 3, 0, 0);
      // other types are reserved and mean "null object" (7.5.8.3)
    }
  }
  if (!entries.has(num)) entries.set(num, { type: 'n', offset, gen: 0 });
  return { kind: 'stream', offset, end: parser.pos, trailer: dict, entries, streamNum: num };
}

/** Reads whichever kind of section starts at `offset`. */
export function readXrefSection(buf: Buffer, offset: number, guard: LimitGuard): XrefSection {
  if (offset < 0 || offset >= buf.length) throw broken(offset, 'the offset is outside the file');
  let p = offset;
  while (p < buf.length && WS[buf[p]]) p++;
  return buf[p] === 0x78 ? readXrefTable(buf, offset, guard) : readXrefStream(buf, p, guard);
}
