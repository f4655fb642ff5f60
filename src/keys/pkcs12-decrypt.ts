/**
 * Password-based decryption for PKCS#12 (RFC 7292): the PKCS#12 key derivation of Appendix B
 * (MAC keys and the legacy pbeWithSHAAnd* ciphers Windows and `openssl -legacy` write) and PBES2
 * with PBKDF2 (RFC 8018 §6.2, what OpenSSL 3 writes by default). Hashing, PBKDF2, 3DES and AES go
 * through node:crypto; RC2 (40/128-bit, used for certificate bags by legacy tools) is disabled in
 * OpenSSL 3's default provider, so it falls back to node-forge's RC2.
 */
import { createDecipheriv, createHash, pbkdf2Sync } from 'node:crypto';
import forge from 'node-forge';

/** Password as PKCS#12 wants it: BMPString (UTF-16BE) with a two-byte NUL terminator. */
export function bmpPassword(password: string): Buffer {
  const out = Buffer.alloc(password.length * 2 + 2);
  for (let i = 0; i < password.length; i++) out.writeUInt16BE(password.charCodeAt(i), i * 2);
  return out;
}

const BLOCK: Record<string, number> = { sha1: 64, sha256: 64, sha224: 64, sha384: 128, sha512: 128 };

/** RFC 7292 Appendix B.2: derives `length` bytes for purpose `id` (1 key, 2 IV, 3 MAC). */
export function pkcs12Kdf(hash: string, password: Buffer, salt: Buffer, id: 1 | 2 | 3, iterations: number, length: number): Buffer {
  const v = BLOCK[hash] ?? 64;
  const D = Buffer.alloc(v, id);
  const fill = (src: Buffer): Buffer => {
    if (src.length === 0) return Buffer.alloc(0);
    const out = Buffer.alloc(v * Math.ceil(src.length / v));
    for (let i = 0; i < out.length; i++) out[i] = src[i % src.length]!;
    return out;
  };
  const I = Buffer.concat([fill(salt), fill(password)]);
  const chunks: Buffer[] = [];
  let produced = 0;
  while (produced < length) {
    let A = createHash(hash).update(D).update(I).digest();
    for (let r = 1; r < iterations; r++) A = createHash(hash).update(A).digest();
    chunks.push(A);
    produced += A.length;
    if (produced >= length) break;
    const B = fill(A).subarray(0, v);
    for (let j = 0; j < I.length; j += v) {
      let carry = 1;
      for (let k = v - 1; k >= 0; k--) {
        carry += I[j + k]! + B[k]!;
        I[j + k] = carry & 0xff;
        carry >>= 8;
      }
    }
  }
  return Buffer.concat(chunks).subarray(0, length);
}

/** Legacy PKCS#12 PBE ciphers (RFC 7292 Appendix C), by OID. */
const PKCS12_PBE: Record<string, { cipher: string; keyLength: number; ivLength: number; rc2Bits?: number }> = {
  '1.2.840.113549.1.12.1.3': { cipher: 'des-ede3-cbc', keyLength: 24, ivLength: 8 },
  '1.2.840.113549.1.12.1.4': { cipher: 'des-ede-cbc', keyLength: 16, ivLength: 8 },
  '1.2.840.113549.1.12.1.5': { cipher: 'rc2-cbc', keyLength: 16, ivLength: 8, rc2Bits: 128 },
  '1.2.840.113549.1.12.1.6': { cipher: 'rc2-40-cbc', keyLength: 5, ivLength: 8, rc2Bits: 40 },
};

/** PBES2 encryption schemes, by OID. */
const PBES2_CIPHER: Record<string, { cipher: string; keyLength: number }> = {
  '2.16.840.1.101.3.4.1.2': { cipher: 'aes-128-cbc', keyLength: 16 },
  '2.16.840.1.101.3.4.1.22': { cipher: 'aes-192-cbc', keyLength: 24 },
  '2.16.840.1.101.3.4.1.42': { cipher: 'aes-256-cbc', keyLength: 32 },
  '1.2.840.113549.3.7': { cipher: 'des-ede3-cbc', keyLength: 24 },
};

/** PBKDF2 PRFs, by OID (default hmacWithSHA1). */
const PRF: Record<string, string> = {
  '1.2.840.113549.2.7': 'sha1',
  '1.2.840.113549.2.8': 'sha224',
  '1.2.840.113549.2.9': 'sha256',
  '1.2.840.113549.2.10': 'sha384',
  '1.2.840.113549.2.11': 'sha512',
};

/** Parsed parameters of one encryption, as read from the AlgorithmIdentifier. */
export type PbeParams =
  | { kind: 'pkcs12'; oid: string; salt: Buffer; iterations: number }
  | { kind: 'pbes2'; salt: Buffer; iterations: number; keyLength?: number; prfOid?: string; cipherOid: string; iv: Buffer };

/** Thrown when an algorithm is not one of the above (caller maps it to KEY_UNREADABLE). */
export class UnsupportedPbe extends Error {}

/** True when kyso knows the PKCS#12 PBE OID. */
export function isPkcs12Pbe(oid: string): boolean {
  return oid in PKCS12_PBE;
}

function rc2Decrypt(key: Buffer, iv: Buffer, data: Buffer, bits: number): Buffer {
  const cipher = forge.rc2.createDecryptionCipher(forge.util.createBuffer(key.toString('binary')), bits);
  cipher.start(forge.util.createBuffer(iv.toString('binary')));
  cipher.update(forge.util.createBuffer(data.toString('binary')));
  if (!cipher.finish()) throw new Error('bad decrypt');
  return Buffer.from(cipher.output.getBytes(), 'binary');
}

/** Decrypts `data`; a wrong password shows as a padding error (thrown). */
export function pbeDecrypt(params: PbeParams, password: string, data: Buffer): Buffer {
  if (params.kind === 'pkcs12') {
    const spec = PKCS12_PBE[params.oid];
    if (!spec) throw new UnsupportedPbe(`PKCS#12 PBE ${params.oid}`);
    const pw = bmpPassword(password);
    const key = pkcs12Kdf('sha1', pw, params.salt, 1, params.iterations, spec.keyLength);
    const iv = pkcs12Kdf('sha1', pw, params.salt, 2, params.iterations, spec.ivLength);
    if (spec.rc2Bits) return rc2Decrypt(key, iv, data, spec.rc2Bits);
    const decipher = createDecipheriv(spec.cipher, key, iv);
    return Buffer.concat([decipher.update(data), decipher.final()]);
  }
  const spec = PBES2_CIPHER[params.cipherOid];
  if (!spec) throw new UnsupportedPbe(`PBES2 cipher ${params.cipherOid}`);
  const prf = PRF[params.prfOid ?? '1.2.840.113549.2.7'];
  if (!prf) throw new UnsupportedPbe(`PBKDF2 PRF ${params.prfOid}`);
  const key = pbkdf2Sync(Buffer.from(password, 'utf8'), params.salt, params.iterations, params.keyLength ?? spec.keyLength, prf);
  const decipher = createDecipheriv(spec.cipher, key, params.iv);
  return Buffer.concat([decipher.update(data), decipher.final()]);
}
