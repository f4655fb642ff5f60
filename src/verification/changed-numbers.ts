/**
 * Which object numbers the modification analysis must compare by value: those whose
 * cross-reference entry differs between the signed revision and the final document, plus every
 * member of an object stream that was redefined, since a member's entry (stream number, index)
 * stays the same while its bytes change (ISO 32000-1 7.5.7).
 */
import * as pdf from '../pdf';
import type { PdfDocument, PdfObject, XrefEntry } from '../pdf';

const { asName, PdfStream } = pdf;

function sameEntry(a: XrefEntry | undefined, b: XrefEntry | undefined): boolean {
  if (!a || !b || a.type !== b.type) return false;
  if (a.type === 'n' && b.type === 'n') return a.offset === b.offset && a.gen === b.gen;
  if (a.type === 'c' && b.type === 'c') return a.stream === b.stream && a.index === b.index;
  return a.type === 'f';
}

function isObjectStream(doc: PdfDocument, n: number): boolean {
  // An object stream is a stream, and streams are never stored in object streams (7.5.7).
  if (doc.entries.get(n)?.type !== 'n') return false;
  let o: PdfObject;
  try {
    o = doc.getObject(n);
  } catch {
    return false;
  }
  return o instanceof PdfStream && asName(o.dict.get('Type')) === 'ObjStm';
}

/**
 * @param laterNumbers the numbers the sections after the signed revision define, or null to
 *   consider every number of both documents
 */
export function changedNumbers(oldDoc: PdfDocument, newDoc: PdfDocument, laterNumbers: readonly number[] | null): number[] {
  const out = new Set<number>();
  for (const n of laterNumbers ?? newDoc.entries.keys()) {
    if (!sameEntry(oldDoc.entries.get(n), newDoc.entries.get(n))) out.add(n);
  }
  if (laterNumbers === null) for (const n of oldDoc.entries.keys()) if (!newDoc.entries.has(n)) out.add(n);
  const streams = [...out].filter((n) => isObjectStream(newDoc, n) || isObjectStream(oldDoc, n));
  if (streams.length > 0) {
    const redefined = new Set(streams);
    for (const doc of [oldDoc, newDoc]) {
      for (const [n, e] of doc.entries) if (e.type === 'c' && redefined.has(e.stream)) out.add(n);
    }
  }
  return [...out].sort((a, b) => a - b);
}
