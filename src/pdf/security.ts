/**
 * The standard security handler (ISO 32000-1 7.6.3, ISO 32000-2 7.6.4): V1/V2/V4/V5, R2-R6,
 * RC4 40-128, AESV2, AESV3. Only the empty user password is tried (an owner-restricted file opens
 * in every reader without a password); any other file is PDF_ENCRYPTED. Once the file key is
 * known, strings and streams are decrypted on read and new objects are encrypted on write.
 */
import { createHash } from 'node:crypto';
import { AppError } from '../errors';
import { aes256NoIv, aesDecrypt, aesEncrypt, hashR6, rc4 } from './crypt-primitives';
import { asDict, asInt, asName, PdfDict, PdfObject, PdfString } from './objects';

const PAD = Buffer.from('28bf4e5e4e758a4164004e56fffa01082e2e00b6d0683e802f0ca9fe6453697a', 'hex');

/** How one class of data (strings or streams) is protected. */
export type CryptMethod = 'none' | 'rc4' | 'aes128' | 'aes256';

/** Decrypts what is read and encrypts what is written, per object (7.6.2 algorithm 1). */
export class SecurityHandler {
  constructor(
    private readonly fileKey: Buffer,
    readonly stringMethod: CryptMethod,
    readonly streamMethod: CryptMethod,
    readonly encryptMetadata: boolean,
    private readonly cryptFilters: Map<string, CryptMethod>,
  ) {}

  /** The method a named crypt filter (a /Crypt stream filter) uses. */
  methodOf(filterName: string): CryptMethod {
    if (filterName === 'Identity') return 'none';
    return this.cryptFilters.get(filterName) ?? this.streamMethod;
  }

  private objectKey(num: number, gen: number, method: CryptMethod): Buffer {
    if (method === 'aes256') return this.fileKey;
    const h = createHash('md5').update(this.fileKey);
    h.update(Buffer.from([num & 0xff, (num >> 8) & 0xff, (num >> 16) & 0xff, gen & 0xff, (gen >> 8) & 0xff]));
    if (method === 'aes128') h.update(Buffer.from('sAlT', 'latin1'));
    return h.digest().subarray(0, Math.min(this.fileKey.length + 5, 16));
  }

  /** Decrypts bytes of object `num gen` with `method`. */
  decrypt(data: Uint8Array, num: number, gen: number, method: CryptMethod): Buffer {
    if (method === 'none') return Buffer.from(data);
    const key = this.objectKey(num, gen, method);
    return method === 'rc4' ? rc4(key, data) : aesDecrypt(key, data);
  }

  /** Encrypts bytes of object `num gen` with `method`. */
  encrypt(data: Uint8Array, num: number, gen: number, method: CryptMethod): Buffer {
    if (method === 'none') return Buffer.from(data);
    const key = this.objectKey(num, gen, method);
    return method === 'rc4' ? rc4(key, data) : aesEncrypt(key, data);
  }
}

function cfmMethod(cf: PdfDict | undefined, keyLength: number): CryptMethod {
  switch (asName(cf?.get('CFM'))) {
    case 'V2':
      return 'rc4';
    case 'AESV2':
      return 'aes128';
    case 'AESV3':
      return 'aes256';
    case 'None':
      return 'none';
    case undefined:
      return keyLength === 32 ? 'aes256' : 'rc4';
    default:
      throw new AppError('PDF_UNSUPPORTED_ENCRYPTION', 'The PDF uses an unknown crypt filter method');
  }
}

function bytesOf(o: PdfObject | undefined): Buffer {
  return o instanceof PdfString ? Buffer.from(o.bytes) : Buffer.alloc(0);
}

/** Algorithm 2: the R2-R4 file key from a (padded) user password. */
function keyR4(pw: Buffer, o: Buffer, p: number, id0: Buffer, r: number, n: number, encMeta: boolean): Buffer {
  const padded = Buffer.concat([pw, PAD]).subarray(0, 32);
  const pBytes = Buffer.alloc(4);
  pBytes.writeInt32LE(p | 0, 0);
  const h = createHash('md5').update(padded).update(o.subarray(0, 32)).update(pBytes).update(id0);
  if (r >= 4 && !encMeta) h.update(Buffer.from([0xff, 0xff, 0xff, 0xff]));
  let key = h.digest();
  if (r >= 3) for (let i = 0; i < 50; i++) key = createHash('md5').update(key.subarray(0, n)).digest();
  return key.subarray(0, n);
}

/** Algorithms 4 and 5: does `key` open /U? */
function checkUser(key: Buffer, u: Buffer, id0: Buffer, r: number): boolean {
  if (r === 2) return rc4(key, PAD).equals(u.subarray(0, 32));
  let x = rc4(key, createHash('md5').update(PAD).update(id0).digest());
  for (let i = 1; i <= 19; i++) x = rc4(key.map((b) => b ^ i), x);
  return x.subarray(0, 16).equals(u.subarray(0, 16));
}

/** Algorithm 7: the user password hidden in /O when the owner password is empty. */
function userPasswordFromEmptyOwner(o: Buffer, r: number, n: number): Buffer {
  let h = createHash('md5').update(PAD).digest();
  if (r >= 3) for (let i = 0; i < 50; i++) h = createHash('md5').update(h).digest();
  const key = h.subarray(0, r === 2 ? 5 : n);
  let x = o.subarray(0, 32);
  if (r === 2) return rc4(key, x);
  for (let i = 19; i >= 0; i--) x = rc4(key.map((b) => b ^ i), x);
  return x;
}

/**
 * Builds the handler for `/Encrypt` with the empty user password.
 * Throws PDF_ENCRYPTED when a password is needed and PDF_UNSUPPORTED_ENCRYPTION for other handlers.
 */
export function openSecurityHandler(encrypt: PdfDict, id0: Buffer): SecurityHandler {
  const filter = asName(encrypt.get('Filter'));
  if (filter !== 'Standard') {
    throw new AppError('PDF_UNSUPPORTED_ENCRYPTION', `The PDF is encrypted with the /${filter ?? '?'} handler, which kyso does not support`);
  }
  const v = asInt(encrypt.get('V')) ?? 0;
  const r = asInt(encrypt.get('R')) ?? 0;
  if (![1, 2, 4, 5].includes(v) || r < 2 || r > 6) {
    throw new AppError('PDF_UNSUPPORTED_ENCRYPTION', `The PDF uses encryption version V${v} R${r}, which kyso does not support`);
  }
  const o = bytesOf(encrypt.get('O'));
  const u = bytesOf(encrypt.get('U'));
  const p = asInt(encrypt.get('P')) ?? 0;
  const encMeta = encrypt.get('EncryptMetadata') !== false;
  const cf = asDict(encrypt.get('CF'));
  const methods = new Map<string, CryptMethod>();
  let n = v === 1 ? 5 : Math.min(16, Math.max(5, Math.floor((asInt(encrypt.get('Length')) ?? 40) / 8)));
  if (v >= 4 && cf) {
    for (const [k, entry] of cf) {
      const d = asDict(entry);
      const m = cfmMethod(d, v === 5 ? 32 : 16);
      methods.set(k, m);
      if (m === 'aes128') n = 16;
    }
  }
  const pick = (key: string): CryptMethod => {
    if (v < 4) return 'rc4';
    const fname = asName(encrypt.get(key)) ?? 'Identity';
    if (fname === 'Identity') return 'none';
    const m = methods.get(fname);
    if (!m) throw new AppError('PDF_UNSUPPORTED_ENCRYPTION', `The PDF names a missing crypt filter /${fname}`);
    return m;
  };
  const strM = pick('StrF');
  const stmM = pick('StmF');
  if (o.length < 32 || u.length < 32) {
    throw new AppError('PDF_ENCRYPTED', 'The PDF encryption dictionary is damaged (short /O or /U): it cannot be opened');
  }
  let key: Buffer | undefined;
  if (r >= 5) {
    if (o.length < 48 || u.length < 48) throw new AppError('PDF_ENCRYPTED', 'The PDF encryption dictionary is damaged (short /O or /U)');
    const empty = Buffer.alloc(0);
    const h = (salt: Buffer): Buffer => (r === 5 ? createHash('sha256').update(salt).digest() : hashR6(empty, salt, empty));
    if (h(u.subarray(32, 40)).equals(u.subarray(0, 32))) {
      key = aes256NoIv(h(u.subarray(40, 48)), bytesOf(encrypt.get('UE')).subarray(0, 32));
    }
  } else {
    // A missing or wrong /Length is common (qpdf bad-encryption-length): also try 128-bit keys.
    const lengths = r >= 3 && n !== 16 ? [n, 16] : [n];
    search: for (const len of lengths) {
      for (const pw of [Buffer.alloc(0), userPasswordFromEmptyOwner(o, r, len)]) {
        const k = keyR4(pw, o, p, id0, r, len, encMeta);
        if (checkUser(k, u, id0, r)) {
          key = k;
          break search;
        }
      }
    }
  }
  if (!key) {
    throw new AppError('PDF_ENCRYPTED', 'The PDF is protected by a password; it must be opened with its password before it can be signed');
  }
  return new SecurityHandler(key, strM, stmM, encMeta, methods);
}
