/**
 * ByteRange rules (ISO 32000-1 12.8.1, ETSI EN 319 142-1 §6.3 for PAdES): four non-negative
 * integers, starting at 0, exactly one gap, the gap being exactly this signature dictionary's
 * /Contents hex string as found in the raw bytes, everything inside the file. Returns the CMS bytes
 * taken from the gap when the rules hold, else from the parsed /Contents.
 */
import * as pdf from '../pdf';
import type { PdfDict, PdfDocument, PdfRef } from '../pdf';
import { locateContents } from './locate-contents';
import type { ProblemCode } from './explanations';
import type { ByteRangeChecks } from './report';

/** Outcome of the ByteRange checks. */
export interface ByteRangeResult {
  byteRange: number[] | null;
  checks: ByteRangeChecks;
  problems: ProblemCode[];
  cms: Buffer | null;
}

const { asArray, hexStringSource, PdfString } = pdf;
const HEX = /^[0-9a-fA-F\s]*$/;

/** True when the parsed /Contents was decoded from exactly the gap's clean hex digits of `bytes`. */
function fromGap(contents: pdf.PdfObject, bytes: Buffer, gapStart: number, gapEnd: number): boolean {
  const source = contents instanceof PdfString ? hexStringSource(contents) : undefined;
  return !!source && source.buf === bytes && source.start === gapStart && source.end === gapEnd;
}

/** Checks the ByteRange of the signature dictionary `sigRef` → `sig` against the raw `bytes`. */
export function checkByteRange(doc: PdfDocument, bytes: Buffer, sigRef: PdfRef | null, sig: PdfDict): ByteRangeResult {
  const checks: ByteRangeChecks = { present: false, startsAtZero: false, singleGap: false, gapIsContents: false, insideFile: false, noOverlap: false };
  const problems: ProblemCode[] = [];
  const raw = asArray(doc.resolve(sig.get('ByteRange')));
  const br = raw && raw.every((x) => typeof x === 'number' && Number.isSafeInteger(x)) ? (raw as number[]) : null;
  const contents = doc.resolve(sig.get('Contents'));
  const parsed = () => (contents instanceof PdfString && contents.bytes.length > 0 ? Buffer.from(contents.bytes) : null);
  if (!(contents instanceof PdfString) || contents.bytes.length === 0) problems.push('CONTENTS_MISSING');
  if (!br || br.length < 4 || br.length % 2 !== 0) {
    problems.push('BYTERANGE_MISSING');
    return { byteRange: br, checks, problems, cms: parsed() };
  }
  checks.present = true;
  checks.startsAtZero = br[0] === 0;
  checks.singleGap = br.length === 4;
  checks.insideFile = br.every((x) => x >= 0) && br[0] + br[1] <= bytes.length && br[2] + br[3] <= bytes.length;
  checks.noOverlap = br.length === 4 && br[0] + br[1] < br[2] && br[1] >= 0 && br[3] >= 0;
  if (!checks.startsAtZero) problems.push('BYTERANGE_NOT_AT_START');
  if (!checks.insideFile) problems.push('BYTERANGE_OUTSIDE_FILE');
  if (!checks.noOverlap) problems.push('BYTERANGE_OVERLAP');
  const gapStart = br[0] + br[1];
  const gapEnd = br[2];
  const entry = sigRef ? doc.entries.get(sigRef.num) : undefined;
  if (checks.singleGap && checks.noOverlap && checks.insideFile && entry?.type === 'n') {
    const loc = locateContents(bytes, entry.offset + (doc.chain?.shift ?? 0), sigRef!.num);
    checks.gapIsContents =
      !!loc &&
      loc.contentsCount === 1 &&
      loc.contentsStart === gapStart &&
      loc.contentsEnd === gapEnd &&
      loc.objectEnd > 0 &&
      loc.objectEnd <= br[2] + br[3];
  }
  let cms: Buffer | null = null;
  if (!checks.gapIsContents) problems.push('BYTERANGE_GAP_NOT_CONTENTS');
  else if (fromGap(contents, bytes, gapStart, gapEnd)) cms = Buffer.from((contents as pdf.PdfString).bytes);
  else {
    const hex = bytes.toString('latin1', gapStart + 1, gapEnd - 1);
    // Node decodes hex up to the first non-hex pair: a full-length result is a clean even run.
    const clean = hex.length % 2 === 0 ? Buffer.from(hex, 'hex') : null;
    if (clean && clean.length * 2 === hex.length) cms = clean;
    else if (!HEX.test(hex)) problems.push('CONTENTS_NOT_HEX');
    else cms = Buffer.from(hex.replace(/\s+/g, ''), 'hex');
  }
  return { byteRange: br, checks, problems, cms: cms ?? parsed() };
}
