/**
 * Following the cross-reference chain from `startxref` (ISO 32000-1 7.5.5, 7.5.6): each section's
 * /Prev, hybrid files' /XRefStm (7.5.8.4), loops cut, newest entry for a number wins.
 */
import { AppError } from '../errors';
import { LimitGuard } from './limits';
import { asInt, PdfDict } from './objects';
import { readXrefSection, readXrefStream, XrefSection } from './xref';
import { XrefTable } from './xref-table';

/** The merged view of every section reachable from the last `startxref`. */
export interface XrefChain {
  /** Newest first. */
  sections: XrefSection[];
  entries: XrefTable;
  trailer: PdfDict;
  /** The offset the last `startxref` names. */
  startxref: number;
  /** Added to every offset the file states (non-zero when junk before %PDF shifted the file). */
  shift: number;
}

const STARTXREF = Buffer.from('startxref');

/** The number after the last `startxref` near the end of the file, or -1. */
export function findStartxref(buf: Buffer): number {
  const from = Math.max(0, buf.length - 4096);
  const i = buf.lastIndexOf(STARTXREF);
  if (i < from) return -1;
  const m = /^\s*(\d+)/.exec(buf.toString('latin1', i + 9, Math.min(buf.length, i + 40)));
  return m ? Number(m[1]) : -1;
}

/** Reads the whole chain; throws PDF_XREF_BROKEN when any section cannot be read. */
export function loadXrefChain(buf: Buffer, guard: LimitGuard, headerOffset: number): XrefChain {
  const startxref = findStartxref(buf);
  if (startxref < 0) throw new AppError('PDF_XREF_BROKEN', 'The PDF has no "startxref" pointer at its end');
  let shift = 0;
  let first: XrefSection;
  try {
    first = readXrefSection(buf, startxref, guard);
  } catch (e) {
    if (headerOffset === 0 || (e instanceof AppError && (e.code === 'PDF_LIMIT_EXCEEDED' || e.code === 'PDF_TIMEOUT'))) throw e;
    first = readXrefSection(buf, startxref + headerOffset, guard);
    shift = headerOffset;
  }
  const sections: XrefSection[] = [];
  const seen = new Set<number>();
  let sec: XrefSection | undefined = first;
  let offset = startxref;
  while (sec) {
    guard.tick();
    seen.add(offset);
    const stm = asInt(sec.trailer.get('XRefStm'));
    if (sec.kind === 'table' && stm !== undefined && !seen.has(stm)) {
      seen.add(stm);
      const hidden = readXrefStream(buf, stm + shift, guard);
      sec.entries.fillFrom(hidden.entries);
    }
    sections.push(sec);
    const prev = sec.trailer.get('Prev');
    if (prev === undefined || prev === null) break;
    if (asInt(prev) === undefined) throw new AppError('PDF_XREF_BROKEN', 'A trailer /Prev is not an integer offset');
    offset = prev as number;
    if (seen.has(offset)) break; // a /Prev loop: the sections read so far are the whole chain
    try {
      sec = readXrefSection(buf, offset + shift, guard);
    } catch (e) {
      // A first section found through leading whitespace may hide that offsets count from %PDF.
      if (shift !== 0 || headerOffset === 0 || (e instanceof AppError && e.code !== 'PDF_XREF_BROKEN' && e.code !== 'PDF_MALFORMED')) throw e;
      sec = readXrefSection(buf, offset + headerOffset, guard);
      shift = headerOffset;
    }
  }
  const entries = new XrefTable(guard.limits.maxObjects);
  const trailer = new PdfDict();
  for (const s of sections) {
    entries.fillFrom(s.entries);
    for (const [k, v] of s.trailer) if (!trailer.has(k) && ['Root', 'Info', 'ID', 'Encrypt', 'Size'].includes(k)) trailer.set(k, v);
    guard.checkObjects(entries.size);
  }
  return { sections, entries, trailer, startxref, shift };
}
