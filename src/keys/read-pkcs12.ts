/**
 * Reads a PKCS#12 PFX (RFC 7292) into a PKCS#8 private key and DER certificates: checks the MAC
 * (PKCS#12 KDF + HMAC with SHA-1/SHA-256/...), decrypts encryptedData and shrouded key bags (PBES2
 * or legacy PKCS#12 PBE). BER input is accepted (indefinite lengths, constructed OCTET STRINGs as
 * Windows writes them) through asn1js.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import * as asn1js from 'asn1js';
import { AppError } from '../errors';
import { UnsupportedPbe, bmpPassword, isPkcs12Pbe, pbeDecrypt, pkcs12Kdf, type PbeParams } from './pkcs12-decrypt';

/** What a PFX holds. */
export interface Pkcs12Contents {
  /** PKCS#8 PrivateKeyInfo DER of each key bag. */
  keys: Array<{ pkcs8: Buffer; localKeyId?: string; friendlyName?: string }>;
  certificates: Array<{ der: Buffer; localKeyId?: string; friendlyName?: string }>;
}

const OIDS = {
  data: '1.2.840.113549.1.7.1',
  encryptedData: '1.2.840.113549.1.7.6',
  keyBag: '1.2.840.113549.1.12.10.1.1',
  shroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  certBag: '1.2.840.113549.1.12.10.1.3',
  x509Certificate: '1.2.840.113549.1.9.22.1',
  friendlyName: '1.2.840.113549.1.9.20',
  localKeyId: '1.2.840.113549.1.9.21',
  pbes2: '1.2.840.113549.1.5.13',
  pbkdf2: '1.2.840.113549.1.5.12',
};
const MAC_HASH: Record<string, string> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.4': 'sha224',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

type Node = asn1js.AsnType;
class Malformed extends Error {}

function parse(bytes: Uint8Array): Node {
  const { offset, result } = asn1js.fromBER(bytes);
  if (offset === -1 || result.error) throw new Malformed(result.error || 'not BER');
  return result;
}
function kids(node: Node | undefined): Node[] {
  const value = (node as { valueBlock?: { value?: unknown } } | undefined)?.valueBlock?.value;
  if (!Array.isArray(value)) throw new Malformed('expected a constructed value');
  return value as Node[];
}
function kid(node: Node | undefined, i: number): Node {
  const k = kids(node)[i];
  if (!k) throw new Malformed('missing element');
  return k;
}
function oid(node: Node): string {
  if (!(node instanceof asn1js.ObjectIdentifier)) throw new Malformed('expected an OID');
  return node.valueBlock.toString();
}
/** Bytes of an OCTET STRING or an IMPLICIT-tagged one, primitive or constructed. */
function octets(node: Node): Buffer {
  const block = (node as { valueBlock: { value?: Node[]; valueHexView?: Uint8Array } }).valueBlock;
  if (node.idBlock.isConstructed) return Buffer.concat((block.value ?? []).map(octets));
  if (!block.valueHexView) throw new Malformed('expected octets');
  return Buffer.from(block.valueHexView);
}
function integer(node: Node): number {
  if (!(node instanceof asn1js.Integer)) throw new Malformed('expected an INTEGER');
  return node.valueBlock.valueDec;
}

function pbeParams(algorithm: Node): PbeParams {
  const algOid = oid(kid(algorithm, 0));
  const params = kid(algorithm, 1);
  if (isPkcs12Pbe(algOid)) return { kind: 'pkcs12', oid: algOid, salt: octets(kid(params, 0)), iterations: integer(kid(params, 1)) };
  if (algOid !== OIDS.pbes2) throw new AppError('KEY_UNREADABLE', `Unsupported PKCS#12 encryption ${algOid}`);
  const kdf = kid(params, 0);
  const scheme = kid(params, 1);
  if (oid(kid(kdf, 0)) !== OIDS.pbkdf2) throw new AppError('KEY_UNREADABLE', 'Unsupported PBES2 key derivation');
  const kdfParams = kids(kid(kdf, 1));
  let keyLength: number | undefined;
  let prfOid: string | undefined;
  for (const extra of kdfParams.slice(2)) {
    if (extra instanceof asn1js.Integer) keyLength = extra.valueBlock.valueDec;
    else prfOid = oid(kid(extra, 0));
  }
  return {
    kind: 'pbes2',
    salt: octets(kdfParams[0]!),
    iterations: integer(kdfParams[1]!),
    ...(keyLength === undefined ? {} : { keyLength }),
    ...(prfOid === undefined ? {} : { prfOid }),
    cipherOid: oid(kid(scheme, 0)),
    iv: octets(kid(scheme, 1)),
  };
}

function decrypt(algorithm: Node, data: Buffer, password: string): Buffer {
  try {
    return pbeDecrypt(pbeParams(algorithm), password, data);
  } catch (e) {
    if (e instanceof AppError || e instanceof Malformed) throw e;
    if (e instanceof UnsupportedPbe) throw new AppError('KEY_UNREADABLE', e.message);
    throw new AppError('KEY_BAD_PASSWORD', 'The PKCS#12 password is wrong (decryption failed)');
  }
}

function bagAttributes(bag: Node): { localKeyId?: string; friendlyName?: string } {
  const out: { localKeyId?: string; friendlyName?: string } = {};
  const set = kids(bag)[2];
  if (!set) return out;
  for (const attr of kids(set)) {
    const type = oid(kid(attr, 0));
    const value = kid(kid(attr, 1), 0);
    if (type === OIDS.localKeyId) out.localKeyId = octets(value).toString('hex');
    if (type === OIDS.friendlyName && value instanceof asn1js.BmpString) out.friendlyName = value.valueBlock.value;
  }
  return out;
}

function readSafeContents(der: Buffer, password: string, out: Pkcs12Contents): void {
  for (const bag of kids(parse(der))) {
    const bagId = oid(kid(bag, 0));
    const value = kid(kid(bag, 1), 0);
    const attrs = bagAttributes(bag);
    if (bagId === OIDS.keyBag) {
      out.keys.push({ pkcs8: Buffer.from(value.toBER()), ...attrs });
    } else if (bagId === OIDS.shroudedKeyBag) {
      out.keys.push({ pkcs8: decrypt(kid(value, 0), octets(kid(value, 1)), password), ...attrs });
    } else if (bagId === OIDS.certBag && oid(kid(value, 0)) === OIDS.x509Certificate) {
      out.certificates.push({ der: octets(kid(kid(value, 1), 0)), ...attrs });
    }
  }
}

function checkMac(macData: Node, authSafe: Buffer, password: string): void {
  const digestInfo = kid(macData, 0);
  const hash = MAC_HASH[oid(kid(kid(digestInfo, 0), 0))];
  if (!hash) throw new AppError('KEY_UNREADABLE', 'Unsupported PKCS#12 MAC algorithm');
  const expected = octets(kid(digestInfo, 1));
  const salt = octets(kid(macData, 1));
  const iterations = kids(macData)[2] ? integer(kid(macData, 2)) : 1;
  // OpenSSL treats an empty password either as no bytes or as a lone BMP terminator: try both.
  const candidates = password === '' ? [bmpPassword(''), Buffer.alloc(0)] : [bmpPassword(password)];
  for (const pw of candidates) {
    const key = pkcs12Kdf(hash, pw, salt, 3, iterations, expected.length);
    const mac = createHmac(hash, key).update(authSafe).digest();
    if (mac.length === expected.length && timingSafeEqual(mac, expected)) return;
  }
  throw new AppError('KEY_BAD_PASSWORD', 'The PKCS#12 password is wrong (integrity check failed)');
}

/** Reads a PFX; KEY_UNREADABLE for anything that is not one, KEY_BAD_PASSWORD for a wrong password. */
export function readPkcs12(bytes: Uint8Array, password: string): Pkcs12Contents {
  try {
    const pfx = parse(bytes);
    if (integer(kid(pfx, 0)) !== 3) throw new Malformed('PFX version is not 3');
    const authSafeInfo = kid(pfx, 1);
    if (oid(kid(authSafeInfo, 0)) !== OIDS.data) throw new AppError('KEY_UNREADABLE', 'Public-key integrity mode PKCS#12 is not supported');
    const authSafe = octets(kid(kid(authSafeInfo, 1), 0));
    const macData = kids(pfx)[2];
    if (macData) checkMac(macData, authSafe, password);
    const out: Pkcs12Contents = { keys: [], certificates: [] };
    for (const info of kids(parse(authSafe))) {
      const type = oid(kid(info, 0));
      const content = kid(kid(info, 1), 0);
      if (type === OIDS.data) {
        readSafeContents(octets(content), password, out);
      } else if (type === OIDS.encryptedData) {
        const eci = kid(content, 1);
        readSafeContents(decrypt(kid(eci, 1), octets(kid(eci, 2)), password), password, out);
      }
    }
    return out;
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw new AppError('KEY_UNREADABLE', 'The file is not a readable PKCS#12 (.p12/.pfx) key store', undefined, { cause: e });
  }
}
