/**
 * The signers the registry records for a signed document (issue 4 item 3: signers with signing
 * times and certificate issuers, shown on the citizen page): read from the signatures already in
 * the document (the CMS signer certificate, RFC 5652 §5.3 sid, and the claimed time /M, ISO
 * 32000-1 §12.8.1) plus the signature being made now.
 */
import { parseCertificate } from '../cms/parse-certificate';
import { parseSignedData } from '../cms/parse-signed-data';
import { listSignatureFields, PdfDict, PdfDocument, PdfString } from '../pdf';

/** One signer as the registry stores it. */
export interface SignerEntry {
  name: string;
  subject: string;
  issuer: string;
  serial: string;
  signingTime: string;
}

/** `D:YYYYMMDDHHmmSS+HH'mm'` (§7.9.4) as an ISO 8601 string, or undefined. */
export function pdfDateToIso(text: string): string | undefined {
  const m = /^D:(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(Z|[+-])?(\d{2})?'?(\d{2})?'?/.exec(text);
  if (!m) return undefined;
  const [, y, mo = '01', d = '01', h = '00', mi = '00', s = '00', sign, oh = '00', om = '00'] = m;
  const offset = !sign || sign === 'Z' ? 'Z' : `${sign}${oh}:${om}`;
  const iso = `${y}-${mo}-${d}T${h}:${mi}:${s}${offset}`;
  return Number.isNaN(Date.parse(iso)) ? undefined : iso;
}

/** The signer entry of a certificate (DER) signing at `signingTime` (ISO 8601). */
export function signerFromCertificate(der: Buffer, signingTime: string): SignerEntry {
  const c = parseCertificate(der);
  const cn = /(?:^|,\s*)CN=((?:\\.|[^,])*)/.exec(c.subject)?.[1]?.replace(/\\(.)/g, '$1');
  return { name: cn ?? c.organisation ?? c.subject, subject: c.subject, issuer: c.issuer, serial: c.serialHex, signingTime };
}

/** Signers of the signed signature fields of `doc`; unreadable signatures are left out. */
export function signersOf(doc: PdfDocument): SignerEntry[] {
  const out: SignerEntry[] = [];
  for (const f of listSignatureFields(doc)) {
    if (!(f.value instanceof PdfDict)) continue;
    const contents = doc.resolve(f.value.get('Contents'));
    const m = doc.resolve(f.value.get('M'));
    if (!(contents instanceof PdfString)) continue;
    try {
      const sd = parseSignedData(Buffer.from(contents.bytes));
      const sid = sd.signerInfos[0]?.sid;
      const certs = sd.certificates.map((der) => ({ der, parsed: parseCertificate(der) }));
      const signer =
        sid && 'serial' in sid
          ? certs.find((c) => c.parsed.serial.equals(sid.serial) && c.parsed.issuerDer.equals(sid.issuerDer))
          : certs.find((c) => sid && 'subjectKeyId' in sid && c.parsed.subjectKeyId?.equals(sid.subjectKeyId));
      if (!signer) continue;
      const time = (m instanceof PdfString && pdfDateToIso(m.toText())) || new Date(0).toISOString();
      out.push(signerFromCertificate(signer.der, time));
    } catch {
      // an unreadable signature names no signer; the verifier reports it
    }
  }
  return out;
}
