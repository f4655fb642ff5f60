/**
 * Verifies a CMS SignedData over detached (or encapsulated) content: finds the signer certificate,
 * checks the signed attributes (RFC 5652 §11.1 content-type, §11.2 message-digest; RFC 5035
 * ESS signing-certificate-v2, RFC 2634 v1) and the signature value. Returns facts, never throws
 * for a bad signature; throws CMS_MALFORMED only when the structure cannot be read.
 */
import { createHash, hash as oneShotHash } from 'node:crypto';
import { contentOf, childrenOf, oidOf, timeOf } from './parse-der';
import { parseCertificate, ParsedCertificate } from './parse-certificate';
import { ParsedSignedData, ParsedSignerInfo, parseSignedData } from './parse-signed-data';
import { DIGEST_NAMES, SignatureCheck, verifySignatureValue } from './verify-signature-value';

const ATTR = {
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  signingCertificate: '1.2.840.113549.1.9.16.2.12',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  timeStampToken: '1.2.840.113549.1.9.16.2.14',
  revocationArchival: '1.2.840.113583.1.1.8',
};

/** Facts about one CMS signature. */
export interface CmsVerification {
  signedData: ParsedSignedData;
  signerInfo: ParsedSignerInfo;
  signerCert: ParsedCertificate | null;
  /** Parsed certificates carried in the CMS (unreadable ones skipped). */
  certificates: ParsedCertificate[];
  digestAlgorithm: string | null;
  digestMatches: boolean;
  messageDigestOk: boolean;
  contentTypeOk: boolean;
  signingCertificateOk: boolean | null;
  signature: SignatureCheck;
  signingTime: Date | null;
  timestampToken: Buffer | null;
  revocationArchival: { crls: Buffer[]; ocsps: Buffer[] };
}

/**
 * @param cms the DER ContentInfo
 * @param digestContent returns the digest of the signed content with a node:crypto hash name
 *   (for a PDF: the ByteRange segments hashed in place)
 */
export function verifyCmsSignature(cms: Buffer, digestContent: (hash: string) => Buffer): CmsVerification {
  const signedData = parseSignedData(cms);
  const signerInfo = signedData.signerInfos[0];
  const certificates = signedData.certificates.flatMap((der) => {
    try {
      return [parseCertificate(der)];
    } catch {
      return [];
    }
  });
  const signerCert = signerInfo ? findSigner(certificates, signerInfo) : null;
  const result: CmsVerification = {
    signedData,
    signerInfo,
    signerCert,
    certificates,
    digestAlgorithm: null,
    digestMatches: false,
    messageDigestOk: false,
    contentTypeOk: false,
    signingCertificateOk: null,
    signature: 'invalid',
    signingTime: null,
    timestampToken: null,
    revocationArchival: { crls: [], ocsps: [] },
  };
  if (!signerInfo) return result;
  const hash = DIGEST_NAMES[signerInfo.digestAlgorithm.oid] ?? null;
  result.digestAlgorithm = hash;
  const contentDigest = hash ? digestContent(hash) : null;
  readUnsigned(signerInfo, result);
  const attrs = signerInfo.signedAttrs;
  if (!attrs || !signerInfo.signedAttrsDer) {
    result.signature = 'unsupported';
    return result;
  }
  const one = (oid: string) => {
    const found = attrs.filter((a) => a.oid === oid);
    return found.length === 1 && found[0].values.length === 1 ? found[0].values[0] : null;
  };
  const md = one(ATTR.messageDigest);
  result.messageDigestOk = !!(md && contentDigest && md.tag === 0x04 && contentOf(md).equals(contentDigest));
  result.digestMatches = result.messageDigestOk;
  const ct = one(ATTR.contentType);
  result.contentTypeOk = !!ct && ct.tag === 0x06 && oidOf(ct) === signedData.eContentType;
  const st = one(ATTR.signingTime);
  result.signingTime = st ? safe(() => timeOf(st)) : null;
  readSigningCertificate(attrs, signerCert, result);
  if (!signerCert) return result;
  result.signature = verifySignatureValue(
    signerInfo.signedAttrsDer,
    signerInfo.signature,
    signerCert.publicKey,
    signerInfo.signatureAlgorithm,
    signerInfo.digestAlgorithm,
  );
  if (signedData.eContent && hash) {
    // Encapsulated content (timestamp tokens): the content itself must hash to message-digest.
    result.digestMatches = !!md && contentOf(md).equals(createHash(hash).update(signedData.eContent).digest());
    result.messageDigestOk = result.digestMatches;
  }
  return result;
}

function safe<T>(f: () => T): T | null {
  try {
    return f();
  } catch {
    return null;
  }
}

/** The certificate named by the SignerInfo sid (issuer and serial, or subject key identifier). */
export function findSigner(certs: ParsedCertificate[], si: ParsedSignerInfo): ParsedCertificate | null {
  const sid = si.sid;
  if ('subjectKeyId' in sid) return certs.find((c) => c.subjectKeyId?.equals(sid.subjectKeyId)) ?? null;
  const serial = sid.serial.toString('hex').replace(/^(00)+(?=.)/, '');
  return certs.find((c) => c.serialHex === serial && c.issuerDer.equals(sid.issuerDer)) ?? null;
}

function readSigningCertificate(
  attrs: NonNullable<ParsedSignerInfo['signedAttrs']>,
  signer: ParsedCertificate | null,
  out: CmsVerification,
): void {
  const v2 = attrs.find((a) => a.oid === ATTR.signingCertificateV2);
  const v1 = attrs.find((a) => a.oid === ATTR.signingCertificate);
  const attr = v2 ?? v1;
  if (!attr) return;
  out.signingCertificateOk = false;
  if (!signer) return;
  const certs = childrenOf(childrenOf(attr.values[0])[0]);
  const first = certs[0] ? childrenOf(certs[0]) : [];
  let hash = v2 ? 'sha256' : 'sha1';
  let idx = 0;
  if (v2 && first[0]?.tag === 0x30) {
    hash = DIGEST_NAMES[oidOf(childrenOf(first[0])[0])] ?? 'unsupported';
    idx = 1;
  }
  const certHash = first[idx];
  if (!certHash || certHash.tag !== 0x04 || hash === 'unsupported') return;
  out.signingCertificateOk = contentOf(certHash).equals(oneShotHash(hash, signer.der, 'buffer'));
}

/**
 * Unsigned timestamp token (RFC 3161 Appendix A) and Adobe's revocation archive, which is a signed
 * attribute: RevocationInfoArchival ::= SEQUENCE { crl [0] EXPLICIT SEQUENCE OF CRL OPTIONAL,
 * ocsp [1] EXPLICIT SEQUENCE OF OCSPResponse OPTIONAL, otherRevInfo [2] ... }
 */
function readUnsigned(si: ParsedSignerInfo, out: CmsVerification): void {
  const ts = si.unsignedAttrs.find((a) => a.oid === ATTR.timeStampToken);
  if (ts?.values[0]) out.timestampToken = ts.values[0].buf.subarray(ts.values[0].start, ts.values[0].end);
  const arch = si.signedAttrs?.find((a) => a.oid === ATTR.revocationArchival);
  if (!arch?.values[0]) return;
  safe(() => {
    for (const part of childrenOf(arch.values[0])) {
      const list = childrenOf(childrenOf(part)[0]).map((n) => n.buf.subarray(n.start, n.end));
      if (part.tag === 0xa0) out.revocationArchival.crls.push(...list);
      if (part.tag === 0xa1) out.revocationArchival.ocsps.push(...list);
    }
  });
}
