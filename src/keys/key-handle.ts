/**
 * The key is an interface: the signing pipeline, the CMS builder and the use cases never see a
 * private key, a password or a PKCS#11 session (DSS SignatureTokenConnection, pyHanko Signer).
 */

/** Digest algorithms kyso signs with. SHA-256 is the default (ETSI TS 119 312). */
export type HashAlgorithm = 'sha256' | 'sha384' | 'sha512';

/** How the key produces a signature value. */
export type SignatureScheme = 'rsa-pkcs1' | 'rsa-pss' | 'ecdsa';

/** Public description of the key behind a handle. */
export type KeyDescription =
  | { kind: 'rsa'; bits: number }
  | { kind: 'ec'; curve: 'P-256' | 'P-384' | 'P-521' };

/** A signing key with its certificate. Implementations: PKCS#12 file, PKCS#11 token. */
export interface KeyHandle {
  /** The name the server configuration gives this key. */
  readonly alias: string;
  /** The signer certificate, DER. */
  readonly certificate: Buffer;
  /** Issuer certificates (DER), nearest first, without the signer certificate. */
  readonly chain: readonly Buffer[];
  readonly key: KeyDescription;
  /** rsa-pkcs1 for RSA keys unless configured for PSS; ecdsa for EC keys. */
  readonly scheme: SignatureScheme;
  /**
   * Signs `data` (the DER of the CMS signed attributes, or an XML SignedInfo): hashes it with
   * `hash` and returns the raw signature value (for ECDSA, DER-encoded Ecdsa-Sig-Value).
   */
  sign(data: Uint8Array, hash: HashAlgorithm): Promise<Buffer>;
  /** Releases sessions or key material. */
  close(): Promise<void>;
}
