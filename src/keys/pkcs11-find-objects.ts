/**
 * Finding things on a PKCS#11 token: the slot by token label or slot id, the private key by
 * CKA_LABEL and/or CKA_ID, its certificate (same CKA_ID, as PKCS#11 v2.40 §4.4 and PKCS#15
 * tokens pair them; else same label; else same RSA modulus) and every other certificate as the
 * chain pool. Selecting by label/ID is the recurring pain of token users (pyHanko #456/#457 with
 * Viettel-CA tokens), so a miss says what the token does hold.
 */
import { X509Certificate } from 'node:crypto';
import type { Template } from 'pkcs11js';
import { AppError } from '../errors';
import type { Pkcs11Library } from './pkcs11-modules';

/** A slot handle and its numeric id. */
export interface Pkcs11Slot {
  handle: Buffer;
  id: string;
  tokenLabel: string;
}

/** The selected private key. */
export interface Pkcs11PrivateKey {
  handle: Buffer;
  id: Buffer;
  label: string;
  keyType: number;
  /** CKA_ALWAYS_AUTHENTICATE: the PIN is asked again for every signature (§4.9). */
  isAlwaysAuthenticate: boolean;
  /** CKA_MODULUS for RSA keys when the token exposes it. */
  modulus?: Buffer;
}

/** The numeric slot id of a pkcs11js slot handle (a CK_ULONG in host byte order). */
export function slotIdOf(handle: Buffer): string {
  if (handle.length === 8) return handle.readBigUInt64LE().toString();
  return String(handle.readUInt32LE());
}

/** Finds the slot whose token has `tokenLabel` (trimmed) or whose id is `slot`; KEY_NOT_FOUND otherwise. */
export function findSlot(lib: Pkcs11Library, select: { tokenLabel?: string; slot?: number | string }): Pkcs11Slot {
  const slots = lib.api.C_GetSlotList(true).map((handle) => ({
    handle,
    id: slotIdOf(handle),
    tokenLabel: lib.api.C_GetTokenInfo(handle).label.trim(),
  }));
  const found = slots.find((s) =>
    (select.tokenLabel === undefined || s.tokenLabel === select.tokenLabel) && (select.slot === undefined || s.id === String(select.slot)),
  );
  if (found) return found;
  const wanted = select.tokenLabel !== undefined ? `token label "${select.tokenLabel}"` : `slot ${String(select.slot)}`;
  const present = slots.map((s) => `${s.id} "${s.tokenLabel}"`).join(', ') || 'none';
  throw new AppError('KEY_NOT_FOUND', `No PKCS#11 token with ${wanted} is present (tokens: ${present})`, { tokens: slots.map((s) => s.tokenLabel) });
}

/** C_FindObjects over `template`, all results. */
export function findObjects(lib: Pkcs11Library, session: Buffer, template: Template): Buffer[] {
  lib.api.C_FindObjectsInit(session, template);
  try {
    return lib.api.C_FindObjects(session, 1000);
  } finally {
    lib.api.C_FindObjectsFinal(session);
  }
}

function attribute(lib: Pkcs11Library, session: Buffer, object: Buffer, type: number): Buffer | undefined {
  try {
    return lib.api.C_GetAttributeValue(session, object, [{ type }])[0]?.value;
  } catch {
    return undefined; // CKR_ATTRIBUTE_SENSITIVE / _TYPE_INVALID: the token does not say.
  }
}

/** Finds exactly one private key by label and/or hex id; KEY_NOT_FOUND or CONFIG_INVALID (ambiguous). */
export function findPrivateKey(lib: Pkcs11Library, session: Buffer, select: { keyLabel?: string; keyId?: string }): Pkcs11PrivateKey {
  const b = lib.binding;
  const template: Template = [{ type: b.CKA_CLASS, value: b.CKO_PRIVATE_KEY }];
  if (select.keyLabel !== undefined) template.push({ type: b.CKA_LABEL, value: select.keyLabel });
  if (select.keyId !== undefined) template.push({ type: b.CKA_ID, value: Buffer.from(select.keyId.replace(/[:\s]/g, ''), 'hex') });
  const keys = findObjects(lib, session, template);
  const labelOf = (o: Buffer): string => attribute(lib, session, o, b.CKA_LABEL)?.toString('utf8') ?? '';
  const wanted = [select.keyLabel !== undefined ? `label "${select.keyLabel}"` : '', select.keyId !== undefined ? `id ${select.keyId}` : ''].filter(Boolean).join(' and ');
  if (keys.length !== 1) {
    const all = findObjects(lib, session, [{ type: b.CKA_CLASS, value: b.CKO_PRIVATE_KEY }]).map(labelOf);
    if (keys.length === 0) throw new AppError('KEY_NOT_FOUND', `The token holds no private key with ${wanted} (keys: ${all.map((l) => `"${l}"`).join(', ') || 'none'})`, { keys: all });
    throw new AppError('CONFIG_INVALID', `${keys.length} private keys on the token match ${wanted}; give keyId as well`, { keys: all });
  }
  const handle = keys[0]!;
  const keyType = attribute(lib, session, handle, b.CKA_KEY_TYPE);
  return {
    handle,
    id: attribute(lib, session, handle, b.CKA_ID) ?? Buffer.alloc(0),
    label: labelOf(handle),
    keyType: keyType ? Number(keyType.length === 8 ? keyType.readBigUInt64LE() : keyType.readUInt32LE()) : -1,
    isAlwaysAuthenticate: attribute(lib, session, handle, b.CKA_ALWAYS_AUTHENTICATE)?.[0] === 1,
    modulus: attribute(lib, session, handle, b.CKA_MODULUS),
  };
}

function rsaModulus(cert: X509Certificate): Buffer | undefined {
  const jwk = cert.publicKey.export({ format: 'jwk' });
  return typeof jwk.n === 'string' ? Buffer.from(jwk.n, 'base64url') : undefined;
}

/**
 * The key's certificate and every certificate on the token (the chain pool). KEY_NOT_FOUND
 * when no certificate on the token belongs to the key.
 */
export function findCertificates(lib: Pkcs11Library, session: Buffer, key: Pkcs11PrivateKey): { leaf: X509Certificate; pool: X509Certificate[] } {
  const b = lib.binding;
  const objects = findObjects(lib, session, [{ type: b.CKA_CLASS, value: b.CKO_CERTIFICATE }, { type: b.CKA_CERTIFICATE_TYPE, value: b.CKC_X_509 }]);
  const certs = objects.flatMap((o) => {
    const value = attribute(lib, session, o, b.CKA_VALUE);
    if (!value) return [];
    try {
      const cert = new X509Certificate(value);
      return [{ cert, id: attribute(lib, session, o, b.CKA_ID) ?? Buffer.alloc(0), label: attribute(lib, session, o, b.CKA_LABEL)?.toString('utf8') ?? '' }];
    } catch {
      return []; // Not an X.509 certificate we can read: not a candidate.
    }
  });
  const strip = (m: Buffer | undefined): string | undefined => m?.toString('hex').replace(/^(00)+/, '');
  const keyModulus = strip(key.modulus);
  const leaf =
    (key.id.length > 0 ? certs.find((c) => c.id.equals(key.id)) : undefined) ??
    (key.label ? certs.find((c) => c.label === key.label) : undefined) ??
    (keyModulus ? certs.find((c) => strip(rsaModulus(c.cert)) === keyModulus) : undefined);
  if (!leaf) {
    throw new AppError('KEY_NOT_FOUND', `The token holds no certificate for the key "${key.label}" (id ${key.id.toString('hex') || 'none'})`);
  }
  if (keyModulus && strip(rsaModulus(leaf.cert)) !== keyModulus) {
    throw new AppError('KEY_UNREADABLE', `The certificate paired with the key "${key.label}" carries a different public key`);
  }
  return { leaf: leaf.cert, pool: certs.map((c) => c.cert) };
}
