/**
 * The enveloped XML Signature of an edXML package, made with the sending agency's organisation
 * key. Layout as in the VPCP sample (domain notes §1.3): Signature inside edXMLHeader,
 * `Reference URI=""` with the enveloped-signature and exclusive c14n transforms, KeyInfo/X509Data.
 * We use SHA-256 instead of the sample's SHA-1 (ETSI TS 119 312). The private key never leaves the
 * KeyHandle: xml-crypto canonicalises SignedInfo and hands the bytes to KeyHandle.sign.
 */
import { createPublicKey, verify as verifyBytes, X509Certificate, type KeyLike } from 'node:crypto';
import { SignedXml } from 'xml-crypto';
import { AppError } from '../errors';
import type { KeyHandle } from '../keys/key-handle';
import { parseXml } from './edxml-format';

const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';
const ENVELOPED = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';
const SHA256 = 'http://www.w3.org/2001/04/xmlenc#sha256';
/** XMLDSig signature method URIs by KeyHandle scheme (RFC 6931 §2.3). */
const SIGNATURE_METHOD = {
  'rsa-pkcs1': 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  'rsa-pss': 'http://www.w3.org/2007/05/xmldsig-more#sha256-rsa-MGF1',
  ecdsa: 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256',
} as const;
const DSIG_NS = 'http://www.w3.org/2000/09/xmldsig#';
const HEADER_XPATH = "//*[local-name()='edXMLHeader']";

/** Converts a DER Ecdsa-Sig-Value to the r||s form XMLDSig requires (RFC 4050 §3.3). */
export function ecdsaDerToRaw(der: Buffer, size: number): Buffer {
  let i = 2 + (der[1] & 0x80 ? der[1] & 0x7f : 0);
  const ints: Buffer[] = [];
  for (let k = 0; k < 2; k++) {
    const len = der[i + 1];
    let v = der.subarray(i + 2, i + 2 + len);
    while (v.length > size && v[0] === 0) v = v.subarray(1);
    ints.push(Buffer.concat([Buffer.alloc(size - v.length), v]));
    i += 2 + len;
  }
  return Buffer.concat(ints);
}

function ecSize(key: KeyHandle): number {
  if (key.key.kind !== 'ec') return 0;
  return { 'P-256': 32, 'P-384': 48, 'P-521': 66 }[key.key.curve];
}

function keyHandleAlgorithm(key: KeyHandle, uri: string) {
  return class {
    getAlgorithmName() {
      return uri;
    }
    getSignature(signedInfo: string | Buffer, _k: unknown, callback?: (e: Error | null, v?: string) => void) {
      key.sign(Buffer.from(signedInfo), 'sha256').then(
        (sig) => callback?.(null, (key.scheme === 'ecdsa' ? ecdsaDerToRaw(sig, ecSize(key)) : sig).toString('base64')),
        (e: unknown) => callback?.(e instanceof Error ? e : new Error(String(e))),
      );
    }
    verifySignature(): boolean {
      return false;
    }
  };
}

/** Signs an edXML package: returns the XML with Signature appended to edXMLHeader. */
export async function signEdxml(xml: string, key: KeyHandle): Promise<string> {
  const uri = SIGNATURE_METHOD[key.scheme];
  const certPem = new X509Certificate(key.certificate).toString();
  const sig = new SignedXml({
    privateKey: 'held-by-key-handle',
    publicCert: certPem,
    signatureAlgorithm: uri,
    canonicalizationAlgorithm: EXC_C14N,
  });
  sig.SignatureAlgorithms = { ...sig.SignatureAlgorithms, [uri]: keyHandleAlgorithm(key, uri) as never };
  sig.addReference({ xpath: '/*', transforms: [ENVELOPED, EXC_C14N], digestAlgorithm: SHA256, uri: '', isEmptyUri: true });
  return new Promise((resolve, reject) => {
    sig.computeSignature(xml, { location: { reference: HEADER_XPATH, action: 'append' } }, (err, signed) => {
      if (err || !signed) reject(new AppError('SIGN_FAILED', `The edXML package could not be signed: ${err?.message}`, undefined, { cause: err }));
      else resolve(signed.getSignedXml());
    });
  });
}

/** ECDSA-SHA256 verification over r||s (xml-crypto has RSA only). */
class EcdsaSha256 {
  getAlgorithmName() {
    return SIGNATURE_METHOD.ecdsa;
  }
  getSignature(): string {
    throw new Error('verification only');
  }
  verifySignature(material: string, key: KeyLike, signatureValue: string): boolean {
    return verifyBytes('sha256', Buffer.from(material), { key: createPublicKey(key), dsaEncoding: 'ieee-p1363' }, Buffer.from(signatureValue, 'base64'));
  }
}

/** What verifying a package's signature found. */
export interface EdxmlSignatureCheck {
  isSigned: boolean;
  isValid: boolean;
  /** The signer certificate from KeyInfo (DER); the caller decides whether it is the sender's. */
  certificate: Buffer | null;
  problem: string | null;
}

/**
 * Verifies the enveloped signature, requiring that it covers the whole package (URI="").
 * With `expectedCertificate` (the sender's registered organisation certificate) the signature
 * must verify under that key; without it the KeyInfo certificate is used and returned, and the
 * caller must still decide whether it belongs to the sender.
 */
export function verifyEdxmlSignature(xml: string, expectedCertificate?: Buffer): EdxmlSignatureCheck {
  const node = parseXml(xml).getElementsByTagNameNS(DSIG_NS, 'Signature')[0];
  if (!node) return { isSigned: false, isValid: false, certificate: null, problem: 'The package carries no XML Signature' };
  const certB64 = node.getElementsByTagNameNS(DSIG_NS, 'X509Certificate')[0]?.textContent?.replace(/\s+/g, '');
  const certificate = certB64 ? Buffer.from(certB64, 'base64') : null;
  const keyCert = expectedCertificate ?? certificate;
  if (!keyCert) return { isSigned: true, isValid: false, certificate, problem: 'The signature carries no X509Certificate and no key was given' };
  const sig = new SignedXml({ publicCert: new X509Certificate(keyCert).toString() });
  sig.SignatureAlgorithms = { ...sig.SignatureAlgorithms, [SIGNATURE_METHOD.ecdsa]: EcdsaSha256 as never };
  try {
    sig.loadSignature(node as never);
    const isValid = sig.checkSignature(xml);
    const coversAll = sig.getReferences().every((r) => r.uri === '');
    if (!coversAll) return { isSigned: true, isValid: false, certificate, problem: 'The signature must cover the whole package (Reference URI="")' };
    return { isSigned: true, isValid, certificate, problem: isValid ? null : 'The signature value does not match' };
  } catch (e) {
    return { isSigned: true, isValid: false, certificate, problem: e instanceof Error ? e.message : String(e) };
  }
}
