/**
 * The document as it stood at the end of a signed revision, for the modification analysis. The
 * full document's cross-reference chain already holds every section (ISO 32000-1 7.5.6: an
 * incremental update appends a section whose /Prev names the previous one), so the signed
 * revision is the chain's older sections: no second pass over the file's cross-reference data.
 * The object numbers the later sections define are exactly the candidates for a change. When the
 * chain cannot stand for the prefix by itself (repaired or encrypted file, shifted offsets, a /Prev
 * or /XRefStm outside the prefix, a prefix whose own startxref names another section), the prefix
 * is opened on its own, as a validator reading only the signed bytes would.
 */
import { AppError } from '../errors';
import { LimitGuard, openPdf, PdfDict, PdfDocument, PdfLimits, PdfRef, XrefSection, XrefTable } from '../pdf';
import { asInt, asName, endOfRevision } from '../pdf';

/** The signed revision and, when known from the chain, the object numbers defined after it. */
export interface SignedRevision {
  doc: PdfDocument;
  /** Object numbers some later section defines; null when every object must be compared. */
  laterNumbers: number[] | null;
}

const STARTXREF = Buffer.from('startxref');
const TRAILER_KEYS = ['Root', 'Info', 'ID', 'Encrypt', 'Size'];

/** The number after the last `startxref` of `prefix` (as openPdf would read it), or -1. */
function lastStartxref(prefix: Buffer): number {
  const i = prefix.lastIndexOf(STARTXREF);
  if (i < Math.max(0, prefix.length - 4096)) return -1;
  const m = /^\s*(\d+)/.exec(prefix.toString('latin1', i + 9, Math.min(prefix.length, i + 40)));
  return m ? Number(m[1]) : -1;
}

function isCatalog(o: unknown): boolean {
  return o instanceof PdfDict && (asName(o.get('Type')) === 'Catalog' || o.get('Pages') instanceof PdfRef);
}

/** The older sections when they form the prefix's own chain, else null. */
function olderSections(doc: PdfDocument, end: number): { older: XrefSection[]; later: XrefSection[] } | null {
  const chain = doc.chain;
  if (!chain || doc.repaired || chain.shift !== 0 || doc.security || doc.trailer.has('Encrypt')) return null;
  const k = chain.sections.findIndex((s) => endOfRevision(doc.bytes, s.end) <= end);
  if (k <= 0) return null;
  const later = chain.sections.slice(0, k);
  const older = chain.sections.slice(k);
  if (later.some((s) => endOfRevision(doc.bytes, s.end) <= end)) return null;
  if (lastStartxref(doc.bytes.subarray(0, end)) !== older[0].offset) return null;
  for (const s of older) {
    if (s.end > end) return null;
    const stm = asInt(s.trailer.get('XRefStm'));
    if (stm !== undefined && stm >= end) return null;
  }
  const prev = older[older.length - 1].trailer.get('Prev');
  if (prev !== undefined && prev !== null) return null;
  return { older, later };
}

function openAlone(doc: PdfDocument, end: number, limits: Partial<PdfLimits>): SignedRevision | null {
  try {
    return { doc: openPdf(doc.bytes.subarray(0, end), limits), laterNumbers: null };
  } catch {
    return null;
  }
}

/**
 * The revision of `doc` that ends at `end`; null when it cannot be read at all (the caller then
 * treats every change as unexplained).
 */
export function openSignedRevision(doc: PdfDocument, end: number, limits: Partial<PdfLimits>): SignedRevision | null {
  const found = olderSections(doc, end);
  if (!found) return openAlone(doc, end, limits);
  const guard = new LimitGuard(limits);
  const entries = new XrefTable(guard.limits.maxObjects);
  const trailer = new PdfDict();
  for (const s of found.older) {
    entries.fillFrom(s.entries);
    for (const [k, v] of s.trailer) if (!trailer.has(k) && TRAILER_KEYS.includes(k)) trailer.set(k, v);
  }
  if (trailer.has('Encrypt')) return openAlone(doc, end, limits);
  const old = new PdfDocument(doc.bytes.subarray(0, end), guard, doc.headerOffset);
  doc.valueSpans ??= new Map();
  old.valueSpans = doc.valueSpans;
  old.chain = { sections: found.older, entries, trailer, startxref: found.older[0].offset, shift: 0 };
  old.entries = entries;
  old.trailer = trailer;
  try {
    guard.checkObjects(entries.size);
    const root = trailer.get('Root');
    if (!(root instanceof PdfRef) || !isCatalog(old.getObject(root))) return openAlone(doc, end, limits);
  } catch (e) {
    if (e instanceof AppError && (e.code === 'PDF_TIMEOUT' || e.code === 'PDF_LIMIT_EXCEEDED')) throw e;
    return openAlone(doc, end, limits);
  }
  const later = new Set<number>();
  for (const s of found.later) for (const n of s.entries.keys()) later.add(n);
  return { doc: old, laterNumbers: [...later].sort((a, b) => a - b) };
}
