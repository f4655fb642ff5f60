/**
 * The ciphers of the PDF standard security handler (ISO 32000-1 7.6.2, ISO 32000-2 7.6.3):
 * RC4 (written here: OpenSSL 3 ships it only in the legacy provider), AES-CBC with the IV in
 * front of the data, and the hash loop of ISO 32000-2 algorithm 2.B (revision 6).
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/** RC4 encrypt/decrypt (the same operation). */
export function rc4(key: Uint8Array, data: Uint8Array): Buffer {
  const s = new Uint8Array(256);
  for (let i = 0; i < 256; i++) s[i] = i;
  for (let i = 0, j = 0; i < 256; i++) {
    j = (j + s[i] + key[i % key.length]) & 0xff;
    const t = s[i];
    s[i] = s[j];
    s[j] = t;
  }
  const out = Buffer.allocUnsafe(data.length);
  for (let k = 0, i = 0, j = 0; k < data.length; k++) {
    i = (i + 1) & 0xff;
    j = (j + s[i]) & 0xff;
    const t = s[i];
    s[i] = s[j];
    s[j] = t;
    out[k] = data[k] ^ s[(s[i] + s[j]) & 0xff];
  }
  return out;
}

function aesName(key: Uint8Array): string {
  return key.length === 32 ? 'aes-256-cbc' : 'aes-128-cbc';
}

/** AES-CBC decryption of `IV || ciphertext`; tolerates bad padding and ragged lengths like readers do. */
export function aesDecrypt(key: Uint8Array, data: Uint8Array): Buffer {
  if (data.length < 32) {
    if (data.length <= 16) return Buffer.alloc(0);
  }
  const iv = data.subarray(0, 16);
  const body = data.subarray(16, 16 + Math.floor((data.length - 16) / 16) * 16);
  const d = createDecipheriv(aesName(key), key, iv);
  d.setAutoPadding(false);
  const out = Buffer.concat([d.update(body), d.final()]);
  const pad = out[out.length - 1];
  if (pad >= 1 && pad <= 16 && pad <= out.length) {
    let ok = true;
    for (let i = out.length - pad; i < out.length; i++) if (out[i] !== pad) ok = false;
    if (ok) return out.subarray(0, out.length - pad);
  }
  return out;
}

/** AES-CBC encryption with a random IV written in front (7.6.2: AESV2/AESV3). */
export function aesEncrypt(key: Uint8Array, data: Uint8Array): Buffer {
  const iv = randomBytes(16);
  const c = createCipheriv(aesName(key), key, iv);
  return Buffer.concat([iv, c.update(data), c.final()]);
}

/** AES-256 without IV or padding (decrypting /UE and /OE, ISO 32000-2 algorithm 2.A). */
export function aes256NoIv(key: Uint8Array, data: Uint8Array): Buffer {
  const d = createDecipheriv('aes-256-cbc', key, Buffer.alloc(16));
  d.setAutoPadding(false);
  return Buffer.concat([d.update(data), d.final()]);
}

/** ISO 32000-2 algorithm 2.B: the revision 6 password hash. `udata` is the 48-byte /U for owner checks. */
export function hashR6(password: Uint8Array, salt: Uint8Array, udata: Uint8Array): Buffer {
  let k = createHash('sha256').update(password).update(salt).update(udata).digest();
  for (let round = 0; ; round++) {
    const unit = Buffer.concat([password, k, udata]);
    const k1 = Buffer.allocUnsafe(unit.length * 64);
    for (let i = 0; i < 64; i++) unit.copy(k1, i * unit.length);
    const c = createCipheriv('aes-128-cbc', k.subarray(0, 16), k.subarray(16, 32));
    c.setAutoPadding(false);
    const e = Buffer.concat([c.update(k1), c.final()]);
    let sum = 0;
    for (let i = 0; i < 16; i++) sum += e[i];
    k = createHash(['sha256', 'sha384', 'sha512'][sum % 3]).update(e).digest();
    if (round >= 63 && e[e.length - 1] <= round - 31) break;
  }
  return k.subarray(0, 32);
}
