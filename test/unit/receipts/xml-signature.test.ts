import { X509Certificate } from 'node:crypto';
import { DOMParser } from '@xmldom/xmldom';
import { C14nCanonicalization, SignedXml } from 'xml-crypto';
import { isAppError } from '../../../src/errors';
import { buildReceiptXml } from '../../../src/receipts/receipt-xml';
import { signXmlEnveloped } from '../../../src/receipts/xml-signature';
import { organisationKey, sampleReceipt } from './receipt-fixtures';


async function signedSample(): Promise<string> {
  return signXmlEnveloped(buildReceiptXml(sampleReceipt()), organisationKey(), {
    signingTime: new Date('2025-06-02T03:04:06Z'),
    insertBefore: '</TCThu></DSCKS>',
  });
}

function checkWithXmlCrypto(xml: string): { valid: boolean; references: number } {
  const doc = new DOMParser().parseFromString(xml, 'text/xml');
  const sigNode = doc.getElementsByTagNameNS('http://www.w3.org/2000/09/xmldsig#', 'Signature')[0]!;
  const cert = new X509Certificate(organisationKey().certificate).toString();
  const verifier = new SignedXml({ publicCert: cert });
  verifier.loadSignature(sigNode as never);
  let valid: boolean;
  try {
    valid = verifier.checkSignature(xml);
  } catch {
    valid = false;
  }
  return { valid, references: verifier.getSignedReferences().length };
}

describe('signXmlEnveloped', () => {
  test('when a receipt XML is signed, then xml-crypto verifies both references and the value', async () => {
    const xml = await signedSample();
    expect(checkWithXmlCrypto(xml)).toEqual({ valid: true, references: 2 });
  });

  test('when signed, then the Signature is the only child of DSCKS/TCThu', async () => {
    const doc = new DOMParser().parseFromString(await signedSample(), 'text/xml');
    const sig = doc.getElementsByTagNameNS('http://www.w3.org/2000/09/xmldsig#', 'Signature')[0]!;
    expect(sig.parentNode!.nodeName).toBe('TCThu');
    expect(sig.parentNode!.parentNode!.nodeName).toBe('DSCKS');
    expect(sig.parentNode!.childNodes.length).toBe(1);
  });

  test('when signed, then SigningTime is GMT+7 without offset and targets the Signature Id', async () => {
    const xml = await signedSample();
    expect(xml).toContain(
      '<SignatureProperty Target="#TCThu-sig"><SigningTime>2025-06-02T10:04:06</SigningTime>',
    );
    expect(xml).toMatch(/<X509SubjectName>CN=UBND huyện Cần Giuộc,UID=000\.00\.31\.H40,.*C=VN<\/X509SubjectName>/);
  });

  test('when the amount in the signed XML is changed, then verification fails', async () => {
    const xml = (await signedSample()).replace('<TgTTTBSo>83000<', '<TgTTTBSo>93000<');
    expect(checkWithXmlCrypto(xml).valid).toBe(false);
  });

  test('when the SigningTime is changed, then verification fails', async () => {
    const xml = (await signedSample()).replace('2025-06-02T10:04:06', '2025-06-01T10:04:06');
    expect(checkWithXmlCrypto(xml).valid).toBe(false);
  });

  test('when special characters appear in the payer name, then they are escaped and round-trip', async () => {
    const xml = await signedSample();
    // Canonical XML text escaping (C14N 1.0 2.3): & < > escaped, quotes written as they are
    expect(xml).toContain('<Ten>Nguyễn Thị Hoa &amp; "Con"</Ten>');
    const doc = new DOMParser().parseFromString(xml, 'text/xml');
    expect(doc.getElementsByTagName('NNop')[0]!.getElementsByTagName('Ten')[0]!.textContent).toBe(
      'Nguyễn Thị Hoa & "Con"',
    );
  });

  test('when text holds markup characters, quotes, CR, TAB, LF and Vietnamese, then the document is its own C14N (xml-crypto agrees) and verifies', async () => {
    const nasty = 'A & B <c> "d" \'e\' \r\nf\tg ]]> Đặng Thị Ngọc Ánh \u0001';
    const unsigned = buildReceiptXml(sampleReceipt({ payer: { name: nasty, address: nasty }, dossierCode: '<&>' }));
    const body = unsigned.slice(unsigned.indexOf('?>') + 2);
    const doc = new DOMParser().parseFromString(unsigned, 'text/xml');
    expect(new C14nCanonicalization().process(doc.documentElement as never, { ancestorNamespaces: [] })).toBe(body);
    const xml = await signXmlEnveloped(unsigned, organisationKey(), { signingTime: new Date(), insertBefore: '</TCThu></DSCKS>' });
    expect(checkWithXmlCrypto(xml)).toEqual({ valid: true, references: 2 });
  });

  test('when the XML to sign is not in canonical form, then SIGN_FAILED rather than a signature that cannot verify', async () => {
    for (const xml of ['<a><b/><DSCKS><TCThu></TCThu></DSCKS></a>', "<a x='1'><DSCKS><TCThu></TCThu></DSCKS></a>", '<a xmlns="urn:x"><DSCKS><TCThu></TCThu></DSCKS></a>']) {
      const err = await signXmlEnveloped(xml, organisationKey(), { signingTime: new Date(), insertBefore: '</TCThu></DSCKS>' }).catch((e) => e);
      expect(isAppError(err, 'SIGN_FAILED')).toBe(true);
    }
  });
});
