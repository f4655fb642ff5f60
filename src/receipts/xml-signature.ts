/**
 * Enveloped W3C XML Signature by the organisation's KeyHandle, in the tax authority's style
 * (QĐ 1271/QĐ-CT, domain notes §2.5): the whole document is signed (URI="" with the
 * enveloped-signature transform), and so is a SigningTime in
 * `Object/SignatureProperties/SignatureProperty[@Target]`; KeyInfo carries X509SubjectName and
 * X509Certificate. The private key never leaves the KeyHandle.
 *
 * No general canonicaliser runs: kyso writes the receipt XML itself, already in Canonical XML
 * form (receipt-xml.ts), so the C14N 1.0 of the document minus the Signature (enveloped
 * transform) is the text after the XML declaration, and the C14N of SignedInfo and of the
 * SigningTime Object is their text with the inherited `xmlns` of ds written on them (C14N 2.4:
 * the in-scope namespace declaration is rendered on the apex element). Every element is written
 * with start and end tags, attributes in C14N order. xml-crypto and xmlsec1 verify in the tests.
 *
 *   <Signature xmlns="http://www.w3.org/2000/09/xmldsig#" Id="TCThu-sig">
 *     <SignedInfo> C14N, rsa-sha256 | ecdsa-sha256,
 *       Reference URI=""            enveloped-signature + C14N, sha256
 *       Reference URI="#SigningTime" C14N, sha256 </SignedInfo>
 *     <SignatureValue/> <KeyInfo><X509Data> SubjectName, Certificate </X509Data></KeyInfo>
 *     <Object Id="SigningTime"><SignatureProperties><SignatureProperty Target="#TCThu-sig">
 *       <SigningTime>YYYY-MM-DDThh:mm:ss</SigningTime> (GMT+7, no offset) </…></Object>
 *   </Signature>
 */
import { createHash, X509Certificate } from 'node:crypto';
import { AppError } from '../errors';
import type { KeyHandle } from '../keys/key-handle';
import { ecdsaDerToRaw } from './ecdsa-signature';
import { canonicalText, vietnamDateTime } from './receipt-xml';

const DS = 'http://www.w3.org/2000/09/xmldsig#';
const C14N = 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315';
const ENVELOPED = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';
const SHA256 = 'http://www.w3.org/2001/04/xmlenc#sha256';
const SIGNATURE_METHODS = {
  'rsa-pkcs1': 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  ecdsa: 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256',
} as const;
const DECLARATION = /^<\?xml[^?]*\?>/;
/** Constructs whose text differs from their C14N form (or that this signer does not model). */
const NOT_CANONICAL = ['/>', '<!--', '<![CDATA[', '<?', '<!DOCTYPE', "='", '\r', 'xmlns'];

/** Options of {@link signXmlEnveloped}. */
export interface XmlSignOptions {
  /** Claimed signing time, written as SigningTime. */
  signingTime: Date;
  /** The Signature is inserted just before the last occurrence of this text (a closing tag). */
  insertBefore: string;
  /** Id of the Signature element. @defaultValue 'TCThu-sig' */
  signatureId?: string;
}

/** KeyInfo of a key, built once per key (parsing the certificate costs more than the digests). */
const keyInfos = new WeakMap<KeyHandle, string>();

function keyInfoOf(key: KeyHandle): string {
  let keyInfo = keyInfos.get(key);
  if (!keyInfo) {
    keyInfo =
      `<KeyInfo><X509Data><X509SubjectName>${canonicalText(subjectNameOf(key.certificate))}</X509SubjectName>` +
      `<X509Certificate>${key.certificate.toString('base64')}</X509Certificate></X509Data></KeyInfo>`;
    keyInfos.set(key, keyInfo);
  }
  return keyInfo;
}

/**
 * Signs `xml` (UTF-8 text, in Canonical XML form after its declaration, as buildReceiptXml
 * writes it) and returns the signed document, the Signature at `insertBefore`. Throws SIGN_FAILED
 * when the text is visibly not canonical (self-closing tags, comments, CDATA, CR, single quotes,
 * namespace declarations).
 */
export async function signXmlEnveloped(xml: string, key: KeyHandle, opts: XmlSignOptions): Promise<string> {
  const at = xml.lastIndexOf(opts.insertBefore);
  if (at < 0) throw new AppError('SIGN_FAILED', 'The XML has no place for the signature.');
  const method = signatureMethodOf(key);
  const sigId = canonicalText(opts.signatureId ?? 'TCThu-sig');
  const documentC14n = xml.slice(DECLARATION.exec(xml)?.[0].length ?? 0);
  const bad = NOT_CANONICAL.find((b) => documentC14n.includes(b));
  if (bad) throw new AppError('SIGN_FAILED', `The XML to sign is not in the canonical form this signer requires (found ${JSON.stringify(bad)}).`);

  const objectRest =
    ` Id="SigningTime"><SignatureProperties><SignatureProperty Target="#${sigId}">` +
    `<SigningTime>${vietnamDateTime(opts.signingTime)}</SigningTime></SignatureProperty></SignatureProperties></Object>`;
  const signedInfoRest =
    `><CanonicalizationMethod Algorithm="${C14N}"></CanonicalizationMethod>` +
    `<SignatureMethod Algorithm="${method}"></SignatureMethod>` +
    `<Reference URI=""><Transforms><Transform Algorithm="${ENVELOPED}"></Transform><Transform Algorithm="${C14N}"></Transform></Transforms>` +
    `<DigestMethod Algorithm="${SHA256}"></DigestMethod><DigestValue>${digestOf(documentC14n)}</DigestValue></Reference>` +
    `<Reference URI="#SigningTime"><Transforms><Transform Algorithm="${C14N}"></Transform></Transforms>` +
    `<DigestMethod Algorithm="${SHA256}"></DigestMethod><DigestValue>${digestOf(`<Object xmlns="${DS}"${objectRest}`)}</DigestValue></Reference></SignedInfo>`;
  const raw = await key.sign(Buffer.from(`<SignedInfo xmlns="${DS}"${signedInfoRest}`, 'utf8'), 'sha256').catch((e: unknown) => {
    throw new AppError('SIGN_FAILED', `The organisation key could not sign the receipt XML: ${(e as Error).message}`, undefined, { cause: e });
  });
  const value = key.scheme === 'ecdsa' ? ecdsaDerToRaw(raw, ecdsaSize(key)) : raw;
  const signature =
    `<Signature xmlns="${DS}" Id="${sigId}"><SignedInfo${signedInfoRest}` +
    `<SignatureValue>${value.toString('base64')}</SignatureValue>${keyInfoOf(key)}<Object${objectRest}</Signature>`;
  return xml.slice(0, at) + signature + xml.slice(at);
}

/** RFC 4514 string of the certificate subject, most specific first (for X509SubjectName). */
export function subjectNameOf(certificateDer: Buffer): string {
  const lines = new X509Certificate(certificateDer).subject.split('\n');
  return lines
    .reverse()
    .map((line) => {
      const eq = line.indexOf('=');
      const value = line.slice(eq + 1).replace(/([,+"\\<>;])/g, '\\$1').replace(/^([ #])/, '\\$1').replace(/ $/, '\\ ');
      return `${line.slice(0, eq)}=${value}`;
    })
    .join(',');
}

function signatureMethodOf(key: KeyHandle): string {
  if (key.scheme === 'rsa-pss') {
    throw new AppError('KEY_UNSUPPORTED_ALGORITHM', 'Receipt XML signatures use RSA PKCS#1 v1.5 or ECDSA, not RSA-PSS.');
  }
  return SIGNATURE_METHODS[key.scheme];
}

function ecdsaSize(key: KeyHandle): number {
  if (key.key.kind !== 'ec') return 32;
  return { 'P-256': 32, 'P-384': 48, 'P-521': 66 }[key.key.curve];
}

function digestOf(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('base64');
}
