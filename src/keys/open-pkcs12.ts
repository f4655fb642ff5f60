/**
 * The PKCS#12 KeyHandle (DSS Pkcs12SignatureToken, pyHanko SimpleSigner.load_pkcs12): the file
 * is parsed once, the key is held as a node:crypto KeyObject, and every signature is one
 * node:crypto call (native RSA/ECDSA, unlike node-forge's pure-JS RSA that @signpdf uses).
 */
import { X509Certificate, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { signWithKeyAsync } from '../cms/der-algorithms';
import { AppError } from '../errors';
import type { HashAlgorithm, KeyDescription, KeyHandle, SignatureScheme } from './key-handle';
import { readPkcs12 } from './read-pkcs12';

/** Options of {@link openPkcs12}. */
export interface OpenPkcs12Options {
  /** Sign RSA keys with RSASSA-PSS instead of PKCS#1 v1.5. @defaultValue false */
  rsaPss?: boolean;
}

const CURVES: Record<string, 'P-256' | 'P-384' | 'P-521'> = {
  prime256v1: 'P-256',
  secp384r1: 'P-384',
  secp521r1: 'P-521',
};

/** Describes a private key; KEY_UNSUPPORTED_ALGORITHM for anything but RSA and NIST P curves. */
export function describeKey(key: KeyObject): { key: KeyDescription; scheme: SignatureScheme } {
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'rsa' || key.asymmetricKeyType === 'rsa-pss') {
    const bits = details.modulusLength ?? 0;
    if (bits < 2048) throw new AppError('KEY_UNSUPPORTED_ALGORITHM', `RSA keys shorter than 2048 bits are not accepted (this one has ${bits})`);
    return { key: { kind: 'rsa', bits }, scheme: key.asymmetricKeyType === 'rsa-pss' ? 'rsa-pss' : 'rsa-pkcs1' };
  }
  if (key.asymmetricKeyType === 'ec') {
    const curve = CURVES[details.namedCurve ?? ''];
    if (curve) return { key: { kind: 'ec', curve }, scheme: 'ecdsa' };
    throw new AppError('KEY_UNSUPPORTED_ALGORITHM', `The EC curve ${details.namedCurve ?? 'unknown'} is not supported (P-256, P-384, P-521 are)`);
  }
  throw new AppError('KEY_UNSUPPORTED_ALGORITHM', `Keys of type ${key.asymmetricKeyType ?? 'unknown'} are not supported (RSA and ECDSA are)`);
}

/**
 * Orders the issuers of `leaf` found in `pool`: the leaf's issuer first, then its issuer, up to a
 * self-signed root or the end of what the file holds. Certificates not on the path are dropped.
 */
export function orderChain(leaf: X509Certificate, pool: X509Certificate[]): X509Certificate[] {
  const chain: X509Certificate[] = [];
  const remaining = pool.filter((c) => c.fingerprint256 !== leaf.fingerprint256);
  let current = leaf;
  while (current.subject !== current.issuer || !current.verify(current.publicKey)) {
    const issuer = remaining.find((c) => current.checkIssued(c) && current.verify(c.publicKey));
    if (!issuer) break;
    chain.push(issuer);
    remaining.splice(remaining.indexOf(issuer), 1);
    current = issuer;
  }
  return chain;
}

/** Opens a PKCS#12 file as a KeyHandle named `alias`. */
export function openPkcs12(bytes: Uint8Array, password: string, alias: string, options: OpenPkcs12Options = {}): KeyHandle {
  const contents = readPkcs12(bytes, password);
  if (contents.keys.length === 0) throw new AppError('KEY_UNREADABLE', 'The PKCS#12 file holds no private key');
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: contents.keys[0]!.pkcs8, format: 'der', type: 'pkcs8' });
  } catch (e) {
    throw new AppError('KEY_UNSUPPORTED_ALGORITHM', 'The private key in the PKCS#12 file cannot be loaded', undefined, { cause: e });
  }
  const described = describeKey(privateKey);
  const scheme: SignatureScheme = options.rsaPss && described.key.kind === 'rsa' ? 'rsa-pss' : described.scheme;
  let certificates: X509Certificate[];
  try {
    certificates = contents.certificates.map((c) => new X509Certificate(c.der));
  } catch (e) {
    throw new AppError('KEY_UNREADABLE', 'A certificate in the PKCS#12 file is not readable', undefined, { cause: e });
  }
  const spki = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  const leaf = certificates.find((c) => c.publicKey.export({ type: 'spki', format: 'der' }).equals(spki));
  if (!leaf) throw new AppError('KEY_UNREADABLE', 'The PKCS#12 file holds no certificate for its private key');
  const chain = orderChain(leaf, certificates).map((c) => c.raw);
  let key: KeyObject | undefined = privateKey;
  return {
    alias,
    certificate: leaf.raw,
    chain,
    key: described.key,
    scheme,
    async sign(data: Uint8Array, hash: HashAlgorithm): Promise<Buffer> {
      if (!key) throw new AppError('SIGN_FAILED', `The key ${alias} has been closed`);
      try {
        return await signWithKeyAsync(key, scheme, hash, data);
      } catch (e) {
        throw new AppError('SIGN_FAILED', `The key ${alias} could not sign`, undefined, { cause: e });
      }
    },
    async close(): Promise<void> {
      key = undefined;
    },
  };
}
