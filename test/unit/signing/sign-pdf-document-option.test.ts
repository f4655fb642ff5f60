import { readFileSync } from 'node:fs';
import path from 'node:path';
import { openPkcs12 } from '../../../src/keys/open-pkcs12';
import { openPdf } from '../../../src/pdf';
import { signPdf } from '../../../src/signing/sign-pdf';
import { getTestPki } from '../../fixtures/pki/test-pki';

const pdf = readFileSync(path.resolve(__dirname, '..', '..', '..', 'samples', 'quyet-dinh.pdf'));
const id = getTestPki().get('org-can-giuoc');
const key = openPkcs12(id.pkcs12, id.passphrase, id.alias);
const signingTime = new Date();

describe('signPdf with an opened document', () => {
  test('when the caller passes the document it opened, then the update is byte-identical to signing the bytes', async () => {
    const options = { signingTime, rect: [100, 100, 300, 160] as [number, number, number, number], fieldName: 'Sig1' };
    const fresh = await signPdf(pdf, key, options);
    const reused = await signPdf(pdf, key, { ...options, document: openPdf(pdf) });
    expect(reused.byteRange).toEqual(fresh.byteRange);
    // the CMS holds no random parts for RSA PKCS#1 v1.5, so the whole files are equal
    expect(reused.bytes.equals(fresh.bytes)).toBe(true);
    expect(reused.bytes.subarray(0, pdf.length).equals(pdf)).toBe(true);
  });

  test('when the document passed is not the input, then signing is refused', async () => {
    const other = Buffer.concat([pdf, Buffer.from('\n% padding\n')]);
    await expect(signPdf(pdf, key, { signingTime, document: openPdf(other) })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});
