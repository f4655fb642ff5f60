/**
 * Checks a raw signature value with node:crypto: RSA PKCS#1 v1.5 (RFC 8017 §8.2), RSASSA-PSS with
 * its parameters (RFC 4055 §3.1) and ECDSA (RFC 5758 §3.2, DER Ecdsa-Sig-Value). Weak digests
 * (MD5, SHA-1) are refused as an algorithm constraint, not silently accepted (ETSI TS 119 312).
 */
import { constants, KeyObject, verify } from 'node:crypto';
import { childrenOf, oidOf, smallIntOf } from './parse-der';
import type { AlgorithmId } from './parse-signed-data';

/** Digest OIDs kyso accepts, mapped to node:crypto names. */
export const DIGEST_NAMES: Record<string, string> = {
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
  '2.16.840.1.101.3.4.2.8': 'sha3-256',
  '2.16.840.1.101.3.4.2.9': 'sha3-384',
  '2.16.840.1.101.3.4.2.10': 'sha3-512',
};

const SIGNATURE_DIGESTS: Record<string, string | null> = {
  '1.2.840.113549.1.1.1': null, // rsaEncryption: digest from the SignerInfo
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
  '1.2.840.10045.2.1': null, // id-ecPublicKey used as a signature algorithm by some signers
};

const RSASSA_PSS = '1.2.840.113549.1.1.10';

/** Outcome of a signature check: `unsupported` is a constraint failure, not a forgery. */
export type SignatureCheck = 'valid' | 'invalid' | 'unsupported';

/**
 * Verifies `signature` over `data` with `publicKey`.
 * @param digestAlgorithm the SignerInfo digestAlgorithm (used when the signature OID has no digest)
 */
export function verifySignatureValue(
  data: Buffer,
  signature: Buffer,
  publicKey: KeyObject,
  signatureAlgorithm: AlgorithmId,
  digestAlgorithm: AlgorithmId,
): SignatureCheck {
  try {
    if (signatureAlgorithm.oid === RSASSA_PSS) return verifyPss(data, signature, publicKey, signatureAlgorithm);
    if (!(signatureAlgorithm.oid in SIGNATURE_DIGESTS)) return 'unsupported';
    const digest = SIGNATURE_DIGESTS[signatureAlgorithm.oid] ?? DIGEST_NAMES[digestAlgorithm.oid];
    if (!digest) return 'unsupported';
    const isEc = signatureAlgorithm.oid.startsWith('1.2.840.10045');
    if (isEc !== (publicKey.asymmetricKeyType === 'ec')) return 'invalid';
    const ok = isEc
      ? verify(digest, data, { key: publicKey, dsaEncoding: 'der' }, signature)
      : verify(digest, data, { key: publicKey, padding: constants.RSA_PKCS1_PADDING }, signature);
    return ok ? 'valid' : 'invalid';
  } catch {
    return 'invalid';
  }
}

/**
 *   RSASSA-PSS-params ::= SEQUENCE { hashAlgorithm [0] DEFAULT sha1, maskGenAlgorithm [1] DEFAULT
 *     mgf1SHA1, saltLength [2] DEFAULT 20, trailerField [3] DEFAULT 1 }
 */
function verifyPss(data: Buffer, signature: Buffer, key: KeyObject, alg: AlgorithmId): SignatureCheck {
  let digest: string | undefined;
  let saltLength = 20;
  let mgfDigest: string | undefined;
  for (const p of alg.params ? childrenOf(alg.params) : []) {
    if (p.tag === 0xa0) digest = DIGEST_NAMES[oidOf(childrenOf(childrenOf(p)[0])[0])];
    if (p.tag === 0xa1) {
      const mgf = childrenOf(childrenOf(p)[0]);
      mgfDigest = mgf[1] ? DIGEST_NAMES[oidOf(childrenOf(mgf[1])[0])] : undefined;
    }
    if (p.tag === 0xa2) saltLength = smallIntOf(childrenOf(p)[0]);
  }
  if (!digest || (mgfDigest && mgfDigest !== digest)) return 'unsupported';
  const ok = verify(digest, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength }, signature);
  return ok ? 'valid' : 'invalid';
}
