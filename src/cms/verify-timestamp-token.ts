/**
 * Verifies an RFC 3161 timestamp token: a SignedData whose content is TSTInfo (RFC 3161 §2.4.2),
 * signed by the TSA, whose messageImprint is the digest of the bytes it timestamps (for a
 * signature timestamp, the SignerInfo signature value: RFC 3161 Appendix A; for a document
 * timestamp, the ByteRange: ISO 32000-2 12.8.5).
 *
 *   TSTInfo ::= SEQUENCE { version INTEGER, policy OID, messageImprint MessageImprint,
 *     serialNumber INTEGER, genTime GeneralizedTime, accuracy OPTIONAL, ... }
 *   MessageImprint ::= SEQUENCE { hashAlgorithm AlgorithmIdentifier, hashedMessage OCTET STRING }
 */
import { createHash } from 'node:crypto';
import { childrenOf, contentOf, oidOf, readDer, timeOf } from './parse-der';
import { CmsVerification, verifyCmsSignature } from './verify-cms-signature';
import { DIGEST_NAMES } from './verify-signature-value';

const TST_INFO = '1.2.840.113549.1.9.16.1.4';

/** Facts about one timestamp token. */
export interface TimestampVerification {
  genTime: Date | null;
  /** The token's own CMS facts (TSA certificate, signature). */
  cms: CmsVerification;
  /** messageImprint equals the digest of the timestamped data. */
  imprintMatches: boolean;
  /** Token signature, content digest and imprint all verify. */
  isValid: boolean;
}

/**
 * @param token DER ContentInfo of the token
 * @param digestTimestamped digest of the timestamped data with the given node:crypto hash name
 */
export function verifyTimestampToken(
  token: Buffer,
  digestTimestamped: (hash: string) => Buffer,
): TimestampVerification {
  const cms = verifyCmsSignature(token, () => Buffer.alloc(0));
  let genTime: Date | null = null;
  let imprintMatches = false;
  const eContent = cms.signedData.eContent;
  if (cms.signedData.eContentType === TST_INFO && eContent) {
    const f = childrenOf(readDer(eContent));
    const [alg, hashed] = childrenOf(f[2]);
    const hash = DIGEST_NAMES[oidOf(childrenOf(alg)[0])];
    imprintMatches = !!hash && contentOf(hashed).equals(digestTimestamped(hash));
    genTime = timeOf(f[4]);
  }
  const isValid =
    imprintMatches && cms.digestMatches && cms.contentTypeOk && cms.signature === 'valid' && cms.signingCertificateOk !== false;
  return { genTime, cms, imprintMatches, isValid };
}

/** The digest of `data` with a node:crypto hash name (helper for signature timestamps). */
export function digestOf(data: Buffer): (hash: string) => Buffer {
  return (hash) => createHash(hash).update(data).digest();
}
