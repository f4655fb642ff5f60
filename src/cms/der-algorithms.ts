/**
 * AlgorithmIdentifier encodings (RFC 5754 for SHA-2 digests, RFC 8017/4055 for RSA and
 * RSASSA-PSS, RFC 5758 for ECDSA) and the node:crypto call that matches each. One place decides
 * "this key + this hash => these bytes and this signing call" for certificates, CRLs, CMS, OCSP
 * and timestamps.
 */
import { constants, sign as cryptoSign, type KeyObject } from 'node:crypto';
import type { HashAlgorithm, SignatureScheme } from '../keys/key-handle';
import { AppError } from '../errors';
import { DER_NULL, contextTag, derInteger, derOid, derSequence, derTlv } from './der-writer';
import { DIGEST_LENGTH, DIGEST_OID, OID } from './oids';

/** Digest AlgorithmIdentifier with absent parameters (RFC 5754 §2: "MUST generate ... absent"). */
export function digestAlgorithmId(hash: HashAlgorithm): Buffer {
  return derSequence(derOid(DIGEST_OID[hash]));
}

const RSA_OID: Record<HashAlgorithm, string> = {
  sha256: OID.sha256WithRSAEncryption,
  sha384: OID.sha384WithRSAEncryption,
  sha512: OID.sha512WithRSAEncryption,
};
const ECDSA_OID: Record<HashAlgorithm, string> = {
  sha256: OID.ecdsaWithSha256,
  sha384: OID.ecdsaWithSha384,
  sha512: OID.ecdsaWithSha512,
};

/**
 * RSASSA-PSS-params with explicit values (RFC 4055 §3.1): hash, MGF1 over the same hash, salt
 * length = hash length, trailer field default. Hash identifiers carry NULL as OpenSSL writes them.
 */
function pssParams(hash: HashAlgorithm): Buffer {
  const hashId = derSequence(derOid(DIGEST_OID[hash]), DER_NULL);
  return derSequence(
    derTlv(contextTag(0), hashId),
    derTlv(contextTag(1), derSequence(derOid(OID.mgf1), hashId)),
    derTlv(contextTag(2), derInteger(DIGEST_LENGTH[hash])),
  );
}

/** Signature AlgorithmIdentifier for a scheme and hash. */
export function signatureAlgorithmId(scheme: SignatureScheme, hash: HashAlgorithm): Buffer {
  switch (scheme) {
    case 'rsa-pkcs1':
      return derSequence(derOid(RSA_OID[hash]), DER_NULL);
    case 'rsa-pss':
      return derSequence(derOid(OID.rsassaPss), pssParams(hash));
    case 'ecdsa':
      return derSequence(derOid(ECDSA_OID[hash]));
  }
}

/** The scheme a node:crypto private key signs with by default. */
export function defaultSchemeOf(key: KeyObject): SignatureScheme {
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return 'rsa-pkcs1';
    case 'rsa-pss':
      return 'rsa-pss';
    case 'ec':
      return 'ecdsa';
    default:
      throw new AppError('KEY_UNSUPPORTED_ALGORITHM', `Keys of type ${key.asymmetricKeyType ?? 'unknown'} cannot sign here`);
  }
}

/**
 * Signs `data` with node:crypto as `scheme` requires: PKCS#1 v1.5, PSS with salt = hash length
 * and MGF1 on the same hash, or ECDSA with a DER Ecdsa-Sig-Value.
 */
export function signWithKeyAsync(key: KeyObject, scheme: SignatureScheme, hash: HashAlgorithm, data: Uint8Array): Promise<Buffer> {
  // The callback form runs the private-key operation on libuv's thread pool, so concurrent
  // requests use every core instead of queueing on the event loop.
  return new Promise((resolve, reject) => {
    const done = (err: Error | null, signature: Buffer) => (err ? reject(err) : resolve(signature));
    switch (scheme) {
      case 'rsa-pkcs1':
        return cryptoSign(hash, data, { key, padding: constants.RSA_PKCS1_PADDING }, done);
      case 'rsa-pss':
        return cryptoSign(hash, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: DIGEST_LENGTH[hash] }, done);
      case 'ecdsa':
        return cryptoSign(hash, data, { key, dsaEncoding: 'der' }, done);
    }
  });
}

/** The same signature, computed synchronously (PKI generation, CRLs: no request is waiting). */
export function signWithKey(key: KeyObject, scheme: SignatureScheme, hash: HashAlgorithm, data: Uint8Array): Buffer {
  switch (scheme) {
    case 'rsa-pkcs1':
      return cryptoSign(hash, data, { key, padding: constants.RSA_PKCS1_PADDING });
    case 'rsa-pss':
      return cryptoSign(hash, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: DIGEST_LENGTH[hash] });
    case 'ecdsa':
      return cryptoSign(hash, data, { key, dsaEncoding: 'der' });
  }
}
