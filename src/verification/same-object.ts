/**
 * Structural equality of PDF objects and the references an object holds, for modification
 * analysis: an object re-saved unchanged in a later revision is not a change (pyHanko compares
 * the same way before applying whitelist rules).
 */
import { PdfDict, PdfName, PdfObject, PdfReal, PdfRef, PdfStream, PdfString } from '../pdf';

/** True when `a` and `b` are the same value (references compared by number and generation). */
export function sameObject(a: PdfObject | undefined, b: PdfObject | undefined, depth = 0): boolean {
  if (a === b) return true;
  if (depth > 64 || a === undefined || b === undefined || a === null || b === null) return false;
  if (typeof a !== 'object' || typeof b !== 'object') return false;
  if (a instanceof PdfReal && b instanceof PdfReal) return a.value === b.value;
  if (a instanceof PdfName || b instanceof PdfName) return false;
  if (a instanceof PdfString && b instanceof PdfString) return Buffer.from(a.bytes).equals(Buffer.from(b.bytes));
  if (a instanceof PdfRef && b instanceof PdfRef) return a.num === b.num && a.gen === b.gen;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => sameObject(x, b[i], depth + 1));
  }
  if (a instanceof PdfStream && b instanceof PdfStream) {
    return sameObject(a.dict, b.dict, depth + 1) && Buffer.from(a.raw).equals(Buffer.from(b.raw));
  }
  if (a instanceof PdfDict && b instanceof PdfDict) {
    if (a.size !== b.size) return false;
    for (const [k, v] of a) if (!sameObject(v, b.get(k), depth + 1)) return false;
    return true;
  }
  return false;
}

/** Keys whose values differ between two dictionaries (added, removed or changed). */
export function changedKeys(a: PdfDict, b: PdfDict): string[] {
  const keys = new Set([...a.keys(), ...b.keys()]);
  return [...keys].filter((k) => !sameObject(a.get(k), b.get(k)));
}

/** Every reference held directly or through direct dictionaries and arrays of `o`. */
export function referencesIn(o: PdfObject | undefined, out: PdfRef[] = [], depth = 0): PdfRef[] {
  if (depth > 64 || o === null || o === undefined) return out;
  if (o instanceof PdfRef) out.push(o);
  else if (Array.isArray(o)) for (const x of o) referencesIn(x, out, depth + 1);
  else if (o instanceof PdfStream) referencesIn(o.dict, out, depth + 1);
  else if (o instanceof PdfDict) for (const v of o.values()) referencesIn(v, out, depth + 1);
  return out;
}
