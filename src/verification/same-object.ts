/**
 * Structural equality of PDF objects and the references an object holds, for modification
 * analysis: an object re-saved unchanged in a later revision is not a change (pyHanko compares
 * the same way before applying whitelist rules).
 */
import * as pdf from '../pdf';
import type { PdfObject } from '../pdf';

// Local aliases: the CommonJS output of tsx and ts-jest reads every imported binding through a
// getter at each use (two for a re-export); these checks run for every value of both revisions.
const { PdfDict, PdfName, PdfReal, PdfRef, PdfStream, PdfString } = pdf;
type PdfDict = pdf.PdfDict;
type PdfRef = pdf.PdfRef;

/** True when `a` and `b` are the same value (references compared by number and generation). */
export function sameObject(a: PdfObject | undefined, b: PdfObject | undefined, depth = 0): boolean {
  if (a === b) return true;
  if (depth > 64 || a === undefined || b === undefined || a === null || b === null) return false;
  if (typeof a !== 'object' || typeof b !== 'object') return false;
  if (a instanceof PdfRef) return b instanceof PdfRef && a.num === b.num && a.gen === b.gen;
  if (a instanceof PdfName || b instanceof PdfName) return false; // interned: equal names are ===
  if (a instanceof PdfDict) return b instanceof PdfDict && changedKeyCount(a, b, depth, true) === 0;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameObject(a[i], b[i], depth + 1)) return false;
    return true;
  }
  if (a instanceof PdfReal) return b instanceof PdfReal && a.value === b.value;
  if (a instanceof PdfString) return b instanceof PdfString && Buffer.compare(a.bytes, b.bytes) === 0;
  if (a instanceof PdfStream && b instanceof PdfStream) {
    return sameObject(a.dict, b.dict, depth + 1) && Buffer.compare(a.raw, b.raw) === 0;
  }
  return false;
}

/** Number of keys of `a` and `b` whose values differ; stops at the first when `any`. */
function changedKeyCount(a: PdfDict, b: PdfDict, depth: number, any: boolean, out?: string[]): number {
  let n = 0;
  for (const [k, v] of a) {
    if (sameObject(v, b.get(k), depth + 1)) continue;
    n++;
    out?.push(k);
    if (any) return n;
  }
  for (const k of b.keys()) {
    if (a.has(k)) continue;
    n++;
    out?.push(k);
    if (any) return n;
  }
  return n;
}

/** Keys whose values differ between two dictionaries (added, removed or changed). */
export function changedKeys(a: PdfDict, b: PdfDict, depth = 0): string[] {
  const out: string[] = [];
  changedKeyCount(a, b, depth, false, out);
  return out;
}

/** Every reference held directly or through direct dictionaries and arrays of `o`. */
export function referencesIn(o: PdfObject | undefined, out: PdfRef[] = [], depth = 0): PdfRef[] {
  if (depth > 64 || o === null || o === undefined || typeof o !== 'object') return out;
  if (o instanceof PdfRef) out.push(o);
  else if (Array.isArray(o)) for (const x of o) referencesIn(x, out, depth + 1);
  else if (o instanceof PdfStream) referencesIn(o.dict, out, depth + 1);
  else if (o instanceof PdfDict) for (const v of o.values()) referencesIn(v, out, depth + 1);
  return out;
}
