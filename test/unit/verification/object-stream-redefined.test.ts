/**
 * Incremental saving attack through an object stream (ISO 32000-1 7.5.7): the update redefines only
 * the object stream, so the members' cross-reference entries (stream number, index) stay the same
 * while their bytes change. The modification analysis must compare the members by value.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { openPkcs12 } from '../../../src/keys/open-pkcs12';
import { openPdf, PdfStream } from '../../../src/pdf';
import { signPdf } from '../../../src/signing/sign-pdf';
import { createVerificationContext, TrustStore, verifyPdf } from '../../../src/verification';
import { getTestPki } from '../../fixtures/pki/test-pki';

const pki = getTestPki();
const context = createVerificationContext({ trustStore: new TrustStore([pki.get('dev-root-ca').certificateDer]) });

/** Appends an update that redefines object stream `sn` with `edit` applied to its decoded data. */
function redefineObjectStream(signed: Buffer, sn: number, edit: (text: string) => string): Buffer {
  const doc = openPdf(signed);
  const os = doc.getObject(sn) as PdfStream;
  const text = doc.decodeStream(os).toString('latin1');
  const changed = edit(text);
  expect(changed).not.toBe(text);
  expect(changed.length).toBe(text.length);
  const n = os.dict.get('N');
  const first = os.dict.get('First');
  const at = signed.length;
  const body = `${sn} 0 obj\n<< /Type /ObjStm /N ${n} /First ${first} /Length ${changed.length} >>\nstream\n${changed}\nendstream\nendobj\n`;
  const xref = at + Buffer.byteLength(body, 'latin1');
  const root = doc.rootRef;
  const tail =
    `xref\n${sn} 1\n${String(at).padStart(10, '0')} 00000 n \n` +
    `trailer\n<< /Size ${doc.nextObjectNumber} /Root ${root.num} ${root.gen} R /Prev ${doc.chain!.startxref} >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.concat([signed, Buffer.from(body + tail, 'latin1')]);
}

describe('object stream redefined after signing', () => {
  test('when an update redefines an object stream to change a font inside it, then the document is MODIFIED', async () => {
    const id = pki.get('can-giuoc-chu-tich');
    const input = readFileSync(path.resolve(__dirname, '../../../samples/xref-stream.pdf'));
    const signed = (await signPdf(input, openPkcs12(id.pkcs12, id.passphrase, id.alias))).bytes;
    expect((await verifyPdf(signed, context)).verdict).toBe('VALID');
    const doc = openPdf(signed);
    const member = [...doc.entries].find(([num, e]) => e.type === 'c' && doc.getObject(num) instanceof Map && (doc.getObject(num) as Map<string, unknown>).has('Flags'));
    expect(member).toBeDefined();
    const sn = (member![1] as { stream: number }).stream;
    const tampered = redefineObjectStream(signed, sn, (t) => t.replace(/\/Flags (\d)/, (_m, d: string) => `/Flags ${d === '7' ? '5' : '7'}`));
    const report = await verifyPdf(tampered, context);
    expect(report.verdict).toBe('MODIFIED');
    expect(report.signatures[0].modifications.changes.some((c) => c.level === 'OTHER')).toBe(true);
  });
});
