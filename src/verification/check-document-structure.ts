/**
 * File-structure checks that make viewers disagree about a signed document (Mladenov et al.,
 * incremental saving attack; Mainka et al., shadow attacks): data appended after the last %%EOF,
 * an object number defined twice inside one revision, and cross-reference data that had to be
 * repaired (a repairing viewer and a strict one then show different objects).
 */
import type { PdfDocument } from '../pdf';
import { problem } from './explanations';
import type { Problem } from './report';

const HEADER = /(?:^|[\r\n])(\d{1,10})[ \t\r\n]+(\d{1,5})[ \t\r\n]+obj\b/g;

/** Object numbers defined more than once within `text`. */
function duplicates(text: string): number[] {
  const seen = new Set<number>();
  const dup = new Set<number>();
  HEADER.lastIndex = 0;
  for (let m = HEADER.exec(text); m; m = HEADER.exec(text)) {
    const n = Number(m[1]);
    if (seen.has(n)) dup.add(n);
    seen.add(n);
  }
  return [...dup];
}

/** Structural problems of a signed document. */
export function checkDocumentStructure(doc: PdfDocument, bytes: Buffer, revisionEnds: number[]): Problem[] {
  const out: Problem[] = [];
  if (doc.repaired) out.push(problem('PDF_DAMAGED', doc.repairReason ?? 'cross-reference data repaired'));
  const last = revisionEnds[revisionEnds.length - 1] ?? bytes.length;
  if (last < bytes.length && !/^[\s\x00]*$/.test(bytes.toString('latin1', last, Math.min(bytes.length, last + 65536)))) {
    out.push(problem('XREF_SUSPICIOUS', `${bytes.length - last} bytes after the last %%EOF are not part of any revision`));
  }
  let start = 0;
  for (const end of revisionEnds) {
    if (end <= start) continue;
    const dup = duplicates(bytes.toString('latin1', start, end));
    if (dup.length) out.push(problem('XREF_SUSPICIOUS', `object ${dup.slice(0, 5).join(', ')} defined twice in one revision`));
    start = end;
  }
  return out;
}
