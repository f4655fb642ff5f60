/**
 * Which PKCS#11 mechanism signs for a (scheme, hash) pair, and what bytes it is given. Tokens
 * that hash themselves get the data (CKM_SHA256_RSA_PKCS, CKM_SHA256_RSA_PKCS_PSS); smart cards
 * that only offer the raw mechanisms get a node:crypto digest (CKM_RSA_PKCS over a DigestInfo,
 * CKM_RSA_PKCS_PSS, CKM_ECDSA). The results are the same signature values (PKCS#11 v2.40 §2.1.7,
 * §2.1.14, §2.3.6), so the choice only depends on what the token lists.
 */
import { createHash } from 'node:crypto';
import { derInteger, derSequence } from '../cms/der-writer';
import { AppError } from '../errors';
import type { HashAlgorithm, SignatureScheme } from './key-handle';
import type { Pkcs11Js } from './pkcs11-modules';
import type { Mechanism } from 'pkcs11js';

const DIGEST_LENGTH: Record<HashAlgorithm, number> = { sha256: 32, sha384: 48, sha512: 64 };

/**
 * DER prefix of DigestInfo ::= SEQUENCE { AlgorithmIdentifier (with NULL parameters), OCTET
 * STRING digest } for each hash (RFC 8017 §9.2, note 1); the digest follows.
 */
const DIGEST_INFO_PREFIX: Record<HashAlgorithm, Buffer> = {
  sha256: Buffer.from('3031300d060960864801650304020105000420', 'hex'),
  sha384: Buffer.from('3041300d060960864801650304020205000430', 'hex'),
  sha512: Buffer.from('3051300d060960864801650304020305000440', 'hex'),
};

/** A mechanism and a function that turns the data to be signed into its input. */
export interface Pkcs11SignPlan {
  mechanism: Mechanism;
  input(data: Uint8Array): Buffer;
  /** Whether the output is raw r||s that must become an Ecdsa-Sig-Value. */
  isRawEcdsa: boolean;
}

function mechanismNames(hash: HashAlgorithm): { rsa: string; pss: string; hashMech: string; mgf: string } {
  const n = hash.slice(3);
  return { rsa: `CKM_SHA${n}_RSA_PKCS`, pss: `CKM_SHA${n}_RSA_PKCS_PSS`, hashMech: `CKM_SHA${n}`, mgf: `CKG_MGF1_SHA${n}` };
}

function constantOf(binding: Pkcs11Js, name: string): number {
  const value = (binding as unknown as Record<string, unknown>)[name];
  if (typeof value !== 'number') throw new AppError('INTERNAL', `pkcs11js has no constant ${name}`);
  return value;
}

/**
 * Plans a signature for `scheme` with `hash` on a token offering `available` mechanisms;
 * KEY_UNSUPPORTED_ALGORITHM when the token offers neither the hashing nor the raw mechanism.
 */
export function planPkcs11Signature(binding: Pkcs11Js, available: ReadonlySet<number>, scheme: SignatureScheme, hash: HashAlgorithm): Pkcs11SignPlan {
  if (!(hash in DIGEST_LENGTH)) throw new AppError('KEY_UNSUPPORTED_ALGORITHM', `The digest ${hash} is not supported (sha256, sha384, sha512 are)`);
  const names = mechanismNames(hash);
  const digest = (data: Uint8Array): Buffer => createHash(hash).update(data).digest();
  const pick = (...candidates: string[]): string | undefined => candidates.find((c) => available.has(constantOf(binding, c)));
  const unsupported = (wanted: string): AppError =>
    new AppError('KEY_UNSUPPORTED_ALGORITHM', `The token offers neither ${wanted} for ${scheme} with ${hash}`, { scheme, hash });
  switch (scheme) {
    case 'rsa-pkcs1': {
      const name = pick(names.rsa, 'CKM_RSA_PKCS');
      if (!name) throw unsupported(`${names.rsa} nor CKM_RSA_PKCS`);
      const mechanism = { mechanism: constantOf(binding, name) };
      if (name === names.rsa) return { mechanism, input: (d) => Buffer.from(d), isRawEcdsa: false };
      return { mechanism, input: (d) => Buffer.concat([DIGEST_INFO_PREFIX[hash], digest(d)]), isRawEcdsa: false };
    }
    case 'rsa-pss': {
      const name = pick(names.pss, 'CKM_RSA_PKCS_PSS');
      if (!name) throw unsupported(`${names.pss} nor CKM_RSA_PKCS_PSS`);
      // RFC 4055 §3.1 as der-algorithms writes it: MGF1 over the same hash, salt = hash length.
      const parameter = {
        type: binding.CK_PARAMS_RSA_PSS,
        hashAlg: constantOf(binding, names.hashMech),
        mgf: constantOf(binding, names.mgf),
        saltLen: DIGEST_LENGTH[hash],
      };
      const mechanism = { mechanism: constantOf(binding, name), parameter };
      if (name === names.pss) return { mechanism, input: (d) => Buffer.from(d), isRawEcdsa: false };
      return { mechanism, input: digest, isRawEcdsa: false };
    }
    case 'ecdsa': {
      if (!pick('CKM_ECDSA')) throw unsupported('CKM_ECDSA');
      return { mechanism: { mechanism: binding.CKM_ECDSA }, input: digest, isRawEcdsa: true };
    }
    default:
      throw new AppError('KEY_UNSUPPORTED_ALGORITHM', `The signature scheme ${String(scheme)} is not supported`);
  }
}

/**
 * Ecdsa-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER } (RFC 5480 §2.2 via RFC 5753/5758) from
 * the PKCS#11 CKM_ECDSA output, which is r||s, each half the length (PKCS#11 v2.40 §2.3.1).
 */
export function ecdsaRawToDer(raw: Uint8Array): Buffer {
  if (raw.length === 0 || raw.length % 2 !== 0) {
    throw new AppError('SIGN_FAILED', `The token returned an ECDSA signature of odd length ${raw.length}`);
  }
  const half = raw.length / 2;
  return derSequence(derInteger(raw.subarray(0, half)), derInteger(raw.subarray(half)));
}
