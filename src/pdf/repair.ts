/**
 * Rebuilding the cross-reference data by scanning the file for `N G obj` (what every reader does
 * when the xref is missing or damaged, ISO 32000-1 annex C is silent, pdf.js and qpdf agree): the
 * last definition of a number wins, trailers (or xref stream dictionaries) give /Root, /Info, /ID
 * and /Encrypt; failing those, a /Type /Catalog object is the root. Objects inside object streams
 * are added for numbers no plain definition claims.
 */
import { AppError } from '../errors';
import { LimitGuard } from './limits';
import { asName, PdfDict, PdfRef, PdfStream } from './objects';
import { DELIM, Parser, WS } from './parser';
import { XrefEntry, XrefTable } from './xref-table';

/** What a repair scan found. */
export interface RepairResult {
  entries: XrefTable;
  trailer: PdfDict;
  /** Object streams found (their members are resolved by the reader). */
  objectStreams: number[];
  /** True when the root could not be determined without guessing (writing is then refused). */
  isAmbiguous: boolean;
}

const OBJ = Buffer.from('obj');
const TRAILER = Buffer.from('trailer');

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** Scans `buf` for object headers and trailers. */
export function scanObjects(buf: Buffer, guard: LimitGuard, startAt = 0): RepairResult {
  const entries = new XrefTable(guard.limits.maxObjects);
  const objectStreams: number[] = [];
  const catalogs: number[] = [];
  let found = 0;
  for (let i = buf.indexOf(OBJ, startAt); i >= 0; i = buf.indexOf(OBJ, i + 3)) {
    guard.tick();
    const after = buf[i + 3];
    if (i + 3 < buf.length && !WS[after] && !DELIM[after]) continue;
    let p = i - 1;
    if (p < 0 || !WS[buf[p]]) continue; // also rejects "endobj"
    while (p >= 0 && WS[buf[p]]) p--;
    const genEnd = p + 1;
    while (p >= 0 && isDigit(buf[p])) p--;
    const genStart = p + 1;
    if (genStart === genEnd || genEnd - genStart > 5 || !WS[buf[p]]) continue;
    while (p >= 0 && WS[buf[p]]) p--;
    const numEnd = p + 1;
    while (p >= 0 && isDigit(buf[p])) p--;
    const numStart = p + 1;
    if (numStart === numEnd || numEnd - numStart > 10) continue;
    if (p >= 0 && !WS[buf[p]] && !DELIM[buf[p]]) continue;
    const num = Number(buf.toString('latin1', numStart, numEnd));
    const gen = Number(buf.toString('latin1', genStart, genEnd));
    if (num === 0 && gen !== 0) continue;
    entries.set(num, { type: 'n', offset: numStart, gen });
    if (++found > guard.limits.maxObjects) guard.checkObjects(found);
    const head = buf.toString('latin1', i + 3, Math.min(buf.length, i + 400));
    if (/\/Type\s*\/ObjStm/.test(head)) objectStreams.push(num);
    if (/\/Type\s*\/Catalog/.test(head)) catalogs.push(num);
  }
  if (entries.size === 0) {
    throw new AppError('PDF_XREF_BROKEN', 'The PDF has no readable objects: its cross-reference data cannot be rebuilt');
  }
  const trailer = findTrailer(buf, entries, guard);
  let isAmbiguous = false;
  if (!(trailer.get('Root') instanceof PdfRef)) {
    const distinct = [...new Set(catalogs)].filter((n) => (entries.get(n) as { offset: number }).offset >= 0);
    if (distinct.length === 0) {
      throw new AppError('PDF_XREF_BROKEN', 'The PDF has no document catalog: its cross-reference data cannot be repaired');
    }
    isAmbiguous = distinct.length > 1;
    const n = distinct[distinct.length - 1];
    const e = entries.get(n);
    trailer.set('Root', new PdfRef(n, e && e.type === 'n' ? e.gen : 0));
  }
  return { entries, trailer, objectStreams, isAmbiguous };
}

/** The last trailer (or xref stream dictionary) that names a /Root wins; its keys are merged over earlier ones. */
function findTrailer(buf: Buffer, entries: XrefTable, guard: LimitGuard): PdfDict {
  const merged = new PdfDict();
  const candidates: PdfDict[] = [];
  for (let i = buf.indexOf(TRAILER); i >= 0; i = buf.indexOf(TRAILER, i + 7)) {
    guard.tick();
    try {
      const t = new Parser(buf, i + 7, guard).parseObject();
      if (t instanceof PdfDict) candidates.push(t);
    } catch {
      // a damaged trailer is skipped; others may still name the root
    }
  }
  for (const [, e] of entries) {
    if (e.type !== 'n') continue;
    const head = buf.toString('latin1', e.offset, Math.min(buf.length, e.offset + 300));
    if (!/\/Type\s*\/XRef/.test(head)) continue;
    try {
      const { obj } = new Parser(buf, e.offset, guard).parseIndirect();
      if (obj instanceof PdfStream) candidates.push(obj.dict);
    } catch {
      // ignore
    }
  }
  for (const t of candidates) {
    for (const key of ['Root', 'Info', 'ID', 'Encrypt']) {
      const v = t.get(key);
      if (v === undefined || v === null) continue;
      if (v instanceof PdfRef) {
        const e = entries.get(v.num);
        if (!e) continue; // points at nothing the scan found
      }
      merged.set(key, v);
    }
  }
  const root = merged.get('Root');
  if (root instanceof PdfRef && !isCatalogAt(buf, entries.get(root.num))) merged.delete('Root');
  merged.set('Size', entries.maxNum + 1);
  return merged;
}

function isCatalogAt(buf: Buffer, e: XrefEntry | undefined): boolean {
  if (!e || e.type !== 'n') return e?.type === 'c';
  try {
    const { obj } = new Parser(buf, e.offset, new LimitGuard()).parseIndirect();
    return isCatalogDict(obj);
  } catch {
    return false;
  }
}

/** A catalog is a dictionary of /Type /Catalog or, failing the type, one naming /Pages. */
export function isCatalogDict(o: unknown): o is PdfDict {
  return o instanceof PdfDict && (asName(o.get('Type')) === 'Catalog' || o.get('Pages') instanceof PdfRef);
}
