/**
 * File-structure checks that make viewers disagree about a signed document (Mladenov et al.,
 * incremental saving attack; Mainka et al., shadow attacks): data appended after the last %%EOF,
 * an object number defined twice inside one revision, and cross-reference data that had to be
 * repaired (a repairing viewer and a strict one then show different objects).
 *
 * The duplicate-definition scan covers the revisions after the last intact signature only: bytes
 * inside a verified ByteRange are exactly what the signer signed, so a second definition there
 * can only come into play through a later, unsigned change to the cross-reference data, which
 * this scan, the repair flag and the modification analysis see (issue 3, Performance: "run scans
 * only over the unsigned tail").
 */
import type { PdfDocument } from '../pdf';
import { problem } from './explanations';
import type { Problem } from './report';

const OBJ = Buffer.from('obj');
const isSpace = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const isWord = (c: number) => isDigit(c) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f;

/**
 * The object number of a header `N G obj` whose `obj` is at `i`, with N at the start of `[from, …)`
 * or of a line; -1 when `i` is not such a header.
 */
function headerNumber(b: Buffer, from: number, i: number, end: number): number {
  if (i + 3 < end && isWord(b[i + 3])) return -1;
  let p = i;
  if (p <= from || !isSpace(b[p - 1])) return -1;
  while (p > from && isSpace(b[p - 1])) p--;
  const genEnd = p;
  while (p > from && isDigit(b[p - 1])) p--;
  if (genEnd === p || genEnd - p > 5 || p <= from || !isSpace(b[p - 1])) return -1;
  while (p > from && isSpace(b[p - 1])) p--;
  const numEnd = p;
  while (p > from && isDigit(b[p - 1])) p--;
  if (numEnd === p || numEnd - p > 10) return -1;
  if (p > from && b[p - 1] !== 0x0a && b[p - 1] !== 0x0d) return -1;
  let n = 0;
  for (let q = p; q < numEnd; q++) n = n * 10 + b[q] - 0x30;
  return n;
}

/** Object numbers defined more than once within `[from, end)` of `b`. */
export function duplicateObjects(b: Buffer, from: number, end: number): number[] {
  const seen = new Set<number>();
  const dup = new Set<number>();
  for (let i = b.indexOf(OBJ, from); i >= 0 && i + 3 <= end; i = b.indexOf(OBJ, i + 3)) {
    const n = headerNumber(b, from, i, end);
    if (n < 0) continue;
    if (seen.has(n)) dup.add(n);
    seen.add(n);
  }
  return [...dup];
}

/**
 * Structural problems of a signed document.
 * @param signedEnd where the last intact signature's revision ends (0 when none is intact)
 */
export function checkDocumentStructure(doc: PdfDocument, bytes: Buffer, revisionEnds: number[], signedEnd = 0): Problem[] {
  const out: Problem[] = [];
  if (doc.repaired) out.push(problem('PDF_DAMAGED', doc.repairReason ?? 'cross-reference data repaired'));
  const last = revisionEnds[revisionEnds.length - 1] ?? bytes.length;
  if (last < bytes.length && !/^[\s\x00]*$/.test(bytes.toString('latin1', last, Math.min(bytes.length, last + 65536)))) {
    out.push(problem('XREF_SUSPICIOUS', `${bytes.length - last} bytes after the last %%EOF are not part of any revision`));
  }
  let start = 0;
  for (const end of revisionEnds) {
    if (end <= start) continue;
    const dup = start >= signedEnd ? duplicateObjects(bytes, start, end) : [];
    if (dup.length) out.push(problem('XREF_SUSPICIOUS', `object ${dup.slice(0, 5).join(', ')} defined twice in one revision`));
    start = end;
  }
  return out;
}
