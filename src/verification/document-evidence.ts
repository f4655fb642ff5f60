/**
 * Validation data the document carries for every signature: the /DSS dictionary (ETSI EN 319
 * 142-1 §5.4.2: /Certs, /OCSPs, /CRLs streams), read once per document and only when the document
 * has signatures. Also the PDF date format (ISO 32000-1 7.9.4) used by /M.
 */
import { asArray, PdfDocument, PdfStream } from '../pdf';

/** DER blobs from the /DSS dictionary. */
export interface DssData {
  certs: Buffer[];
  ocsps: Buffer[];
  crls: Buffer[];
}

/** Reads /DSS; damaged entries are skipped (the DSS is optional evidence, not signed data). */
export function readDss(doc: PdfDocument): DssData {
  const out: DssData = { certs: [], ocsps: [], crls: [] };
  let dss;
  try {
    dss = doc.get(doc.catalog, 'DSS');
  } catch {
    return out;
  }
  if (!dss || !(dss instanceof Map)) return out;
  const read = (key: string, into: Buffer[]) => {
    for (const item of asArray(doc.get(dss, key)) ?? []) {
      try {
        const s = doc.resolve(item);
        if (s instanceof PdfStream) into.push(doc.decodeStream(s));
      } catch {
        // a damaged DSS entry is simply not evidence
      }
    }
  };
  read('Certs', out.certs);
  read('OCSPs', out.ocsps);
  read('CRLs', out.crls);
  return out;
}

/** Parses a PDF date `D:YYYYMMDDHHmmSSOHH'mm'` to a Date, or null. */
export function parsePdfDate(text: string | undefined): Date | null {
  if (!text) return null;
  const m = /^(?:D:)?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?([Zz+-])?(\d{2})?'?(\d{2})?'?/.exec(text.trim());
  if (!m) return null;
  const [, y, mo = '01', d = '01', h = '00', mi = '00', s = '00', sign, oh = '00', om = '00'] = m;
  let t = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s);
  if (sign === '+' || sign === '-') t -= (sign === '+' ? 1 : -1) * (+oh * 60 + +om) * 60_000;
  return Number.isNaN(t) ? null : new Date(t);
}
