/**
 * Finds every signature dictionary: the values of the AcroForm signature fields (ISO 32000-1
 * 12.7.4.5) and, by a raw scan for /ByteRange, current signature dictionaries no field reaches
 * (a viewer would not show them, but a second validator might; they are reported, never ignored).
 * The raw scan skips what an intact signature already covers.
 */
import { AppError } from '../errors';
import { listSignatureFields, PdfDict, PdfDocument, PdfRef } from '../pdf';

/** A signature dictionary to verify. */
export interface FoundSignature {
  fieldName: string | null;
  sigRef: PdfRef | null;
  sig: PdfDict;
  reachable: boolean;
}

const BYTE_RANGE = Buffer.from('/ByteRange');
const ENDOBJ = Buffer.from('endobj');

/** Number of the object whose `N G obj` header precedes `pos`, with the header offset. */
function enclosingObject(bytes: Buffer, pos: number): { num: number; offset: number } | null {
  const from = Math.max(0, pos - 65536);
  const text = bytes.toString('latin1', from, pos);
  const re = /(?:^|[\r\n\s])(\d+)\s+(\d+)\s+obj\b/g;
  let last: RegExpExecArray | null = null;
  for (let m = re.exec(text); m; m = re.exec(text)) last = m;
  if (!last) return null;
  const offset = from + last.index + (last[0].length - last[0].trimStart().length);
  return { num: Number(last[1]), offset };
}

const isLimit = (e: unknown) => e instanceof AppError && (e.code === 'PDF_TIMEOUT' || e.code === 'PDF_LIMIT_EXCEEDED');

/** The signature dictionaries the signed form fields reach, and how many could not be read. */
export function findFieldSignatures(doc: PdfDocument): { found: FoundSignature[]; unreadable: number } {
  const out: FoundSignature[] = [];
  const seen = new Set<number>();
  let fields: ReturnType<typeof listSignatureFields> = [];
  try {
    fields = listSignatureFields(doc);
  } catch (e) {
    if (isLimit(e)) throw e;
    return { found: out, unreadable: 1 };
  }
  for (const f of fields) {
    if (!f.isSigned) continue;
    const v = f.dict.get('V');
    const sigRef = v instanceof PdfRef ? v : null;
    if (sigRef && seen.has(sigRef.num)) continue;
    if (sigRef) seen.add(sigRef.num);
    out.push({ fieldName: f.fullName, sigRef, sig: f.value as PdfDict, reachable: true });
  }
  return { found: out, unreadable: 0 };
}

/**
 * Current signature dictionaries no field reaches, by a raw scan for /ByteRange from `from` to
 * the end of the file. The caller passes the end of the last intact signature's revision: bytes
 * before it are what that signer signed (issue 3, Performance: scans over the unsigned tail only).
 */
export function findUnreachableSignatures(doc: PdfDocument, known: readonly FoundSignature[], from = 0): { found: FoundSignature[]; unreadable: number } {
  const out: FoundSignature[] = [];
  const seen = new Set(known.flatMap((f) => (f.sigRef ? [f.sigRef.num] : [])));
  let unreadable = 0;
  const bytes = doc.bytes;
  const shift = doc.chain?.shift ?? 0;
  let spans: Array<readonly [number, number]> | undefined; // found on the first hit only
  for (let p = bytes.indexOf(BYTE_RANGE, from); p >= 0; p = bytes.indexOf(BYTE_RANGE, p + 1)) {
    doc.guard.tick();
    spans ??= known.flatMap((f) => {
      const e = f.sigRef ? doc.entries.get(f.sigRef.num) : undefined;
      if (e?.type !== 'n') return [];
      const start = e.offset + shift;
      return [[start, bytes.indexOf(ENDOBJ, start)] as const];
    });
    if (spans.some(([a, b]) => p > a && p < b)) continue;
    const obj = enclosingObject(bytes, p);
    if (!obj || seen.has(obj.num)) continue;
    const entry = doc.entries.get(obj.num);
    if (entry?.type !== 'n' || entry.offset + shift !== obj.offset) continue;
    let sig;
    try {
      sig = doc.getObject(obj.num);
    } catch (e) {
      if (isLimit(e)) throw e;
      unreadable++;
      continue;
    }
    if (!(sig instanceof PdfDict) || !sig.has('ByteRange')) continue;
    seen.add(obj.num);
    out.push({ fieldName: null, sigRef: new PdfRef(obj.num, entry.gen), sig, reachable: false });
  }
  return { found: out, unreadable };
}
