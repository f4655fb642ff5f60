/**
 * Revisions of a document (ISO 32000-1 7.5.6): each incremental update ends with its own
 * cross-reference section, `startxref` and `%%EOF`. Verification compares a signature's
 * ByteRange with these ends to know which revision the signature covers.
 */
import type { XrefSection } from './xref';

/** One revision: where its cross-reference section starts and where its bytes end. */
export interface Revision {
  /** The offset its `startxref` names (as written in the file), or -1 when unknown. */
  startxref: number;
  /** Byte offset just after this revision's `%%EOF` and its end-of-line. */
  endOffset: number;
}

const EOF = Buffer.from('%%EOF');

/** The offset after the first `%%EOF` (and its EOL) at or after `from`; the file length if none. */
export function endOfRevision(buf: Buffer, from: number): number {
  const i = buf.indexOf(EOF, from);
  if (i < 0) return buf.length;
  let p = i + 5;
  if (buf[p] === 0x0d) p++;
  if (buf[p] === 0x0a) p++;
  return p;
}

/** Revisions from the chain of sections, oldest first. */
export function revisionsFromSections(buf: Buffer, sections: XrefSection[], shift: number): Revision[] {
  const byEnd = new Map<number, Revision>();
  for (const s of sections) {
    const endOffset = endOfRevision(buf, s.end);
    if (!byEnd.has(endOffset)) byEnd.set(endOffset, { startxref: s.offset - shift, endOffset });
  }
  return [...byEnd.values()].sort((a, b) => a.endOffset - b.endOffset);
}

/** Revisions from the `%%EOF` markers alone (used for repaired files), oldest first. */
export function revisionsFromEofMarkers(buf: Buffer): Revision[] {
  const out: Revision[] = [];
  for (let i = buf.indexOf(EOF); i >= 0; i = buf.indexOf(EOF, i + 5)) {
    const endOffset = endOfRevision(buf, i);
    const back = buf.toString('latin1', Math.max(0, i - 40), i);
    const m = /startxref\s+(\d+)\s*$/.exec(back);
    out.push({ startxref: m ? Number(m[1]) : -1, endOffset });
  }
  if (out.length === 0) out.push({ startxref: -1, endOffset: buf.length });
  return out;
}
