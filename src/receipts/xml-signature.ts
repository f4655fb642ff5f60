/**
 * Enveloped W3C XML Signature by the organisation's KeyHandle, in the tax authority's style
 * (QĐ 1271/QĐ-CT, domain notes §2.5): the whole document is signed (URI="" with the
 * enveloped-signature transform), and so is a SigningTime in
 * `Object/SignatureProperties/SignatureProperty[@Target]`; KeyInfo carries X509SubjectName and
 * X509Certificate. The private key never leaves the KeyHandle: this module canonicalises
 * SignedInfo (inclusive C14N 1.0) and asks the handle to sign those bytes.
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
import { DOMParser, type Document, type Node } from '@xmldom/xmldom';
import { C14nCanonicalization, findAncestorNs } from 'xml-crypto';
import { AppError } from '../errors';
import type { KeyHandle } from '../keys/key-handle';
import { ecdsaDerToRaw } from './ecdsa-signature';
import { escapeXml, vietnamDateTime } from './receipt-xml';

const DS = 'http://www.w3.org/2000/09/xmldsig#';
const C14N = 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315';
const ENVELOPED = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';
const SHA256 = 'http://www.w3.org/2001/04/xmlenc#sha256';
const SIGNATURE_METHODS = {
  'rsa-pkcs1': 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  ecdsa: 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256',
} as const;

/** Options of {@link signXmlEnveloped}. */
export interface XmlSignOptions {
  /** Claimed signing time, written as SigningTime. */
  signingTime: Date;
  /** The Signature is inserted just before the last occurrence of this text (a closing tag). */
  insertBefore: string;
  /** Id of the Signature element. @defaultValue 'TCThu-sig' */
  signatureId?: string;
}

/** Signs `xml` (UTF-8 text) and returns the signed document, the Signature at `insertBefore`. */
export async function signXmlEnveloped(xml: string, key: KeyHandle, opts: XmlSignOptions): Promise<string> {
  const at = xml.lastIndexOf(opts.insertBefore);
  if (at < 0) throw new AppError('SIGN_FAILED', 'The XML has no place for the signature.');
  const method = signatureMethodOf(key);
  const sigId = opts.signatureId ?? 'TCThu-sig';
  const withSignature = (signature: string) => xml.slice(0, at) + signature + xml.slice(at);

  const objectXml =
    `<Object Id="SigningTime"><SignatureProperties><SignatureProperty Target="#${sigId}">` +
    `<SigningTime>${vietnamDateTime(opts.signingTime)}</SigningTime></SignatureProperty></SignatureProperties></Object>`;
  const keyInfoXml =
    `<KeyInfo><X509Data><X509SubjectName>${escapeXml(subjectNameOf(key.certificate))}</X509SubjectName>` +
    `<X509Certificate>${key.certificate.toString('base64')}</X509Certificate></X509Data></KeyInfo>`;
  const signedInfoXml = (documentDigest: string, timeDigest: string) =>
    `<SignedInfo><CanonicalizationMethod Algorithm="${C14N}"></CanonicalizationMethod>` +
    `<SignatureMethod Algorithm="${method}"></SignatureMethod>` +
    `<Reference URI=""><Transforms><Transform Algorithm="${ENVELOPED}"></Transform><Transform Algorithm="${C14N}"></Transform></Transforms>` +
    `<DigestMethod Algorithm="${SHA256}"></DigestMethod><DigestValue>${documentDigest}</DigestValue></Reference>` +
    `<Reference URI="#SigningTime"><Transforms><Transform Algorithm="${C14N}"></Transform></Transforms>` +
    `<DigestMethod Algorithm="${SHA256}"></DigestMethod><DigestValue>${timeDigest}</DigestValue></Reference></SignedInfo>`;
  const signatureXml = (signedInfo: string, value: string) =>
    `<Signature xmlns="${DS}" Id="${sigId}">${signedInfo}<SignatureValue>${value}</SignatureValue>${keyInfoXml}${objectXml}</Signature>`;

  const documentDigest = digestOf(canonicalize(parse(xml).documentElement!, []));
  const draft = parse(withSignature(signatureXml(signedInfoXml(documentDigest, ''), '')));
  const timeDigest = digestOf(canonicalizeInContext(draft, 'Object'));
  const signedInfo = signedInfoXml(documentDigest, timeDigest);
  const canonicalSignedInfo = canonicalizeInContext(parse(withSignature(signatureXml(signedInfo, ''))), 'SignedInfo');
  const raw = await key.sign(Buffer.from(canonicalSignedInfo, 'utf8'), 'sha256').catch((e: unknown) => {
    throw new AppError('SIGN_FAILED', `The organisation key could not sign the receipt XML: ${(e as Error).message}`, undefined, { cause: e });
  });
  const value = key.scheme === 'ecdsa' ? ecdsaDerToRaw(raw, ecdsaSize(key)) : raw;
  return withSignature(signatureXml(signedInfo, value.toString('base64')));
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

function parse(xml: string): Document {
  return new DOMParser().parseFromString(xml, 'text/xml');
}

function canonicalize(node: Node, ancestorNamespaces: { prefix: string; namespaceURI: string }[]): string {
  // xml-crypto is typed against the DOM lib's Node; xmldom nodes are what it walks at run time.
  return new C14nCanonicalization().process(node as never, { ancestorNamespaces });
}

/** Inclusive C14N of the first ds element `localName`, with the namespaces it inherits. */
function canonicalizeInContext(doc: Document, localName: string): string {
  const xpath = `//*[local-name()='${localName}' and namespace-uri()='${DS}']`;
  const node = doc.getElementsByTagNameNS(DS, localName)[0];
  if (!node) throw new AppError('SIGN_FAILED', `The signature draft lacks ${localName}.`);
  return canonicalize(node, findAncestorNs(doc as never, xpath));
}

function digestOf(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('base64');
}
