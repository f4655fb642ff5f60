/**
 * The PKCS#11 KeyHandle (DSS Pkcs11SignatureToken, pyHanko PKCS11Signer): a key on a USB token
 * or HSM, selected by token label or slot and by key label or id. The library is loaded and the
 * token logged in once per handle; signatures borrow a session from a bounded pool, and each one
 * is checked against the certificate's public key before it leaves (a token paired with the wrong
 * certificate would otherwise produce documents nobody can verify).
 */
import { X509Certificate, constants, verify as cryptoVerify } from 'node:crypto';
import { AppError } from '../errors';
import type { HashAlgorithm, KeyHandle, SignatureScheme } from './key-handle';
import { describeKey, orderChain } from './open-pkcs12';
import { findCertificates, findPrivateKey, findSlot, type Pkcs11PrivateKey } from './pkcs11-find-objects';
import { ecdsaRawToDer, planPkcs11Signature } from './pkcs11-mechanism';
import { pkcs11Error, pkcs11ReturnValue, processPkcs11Modules, type Pkcs11Library, type Pkcs11Modules } from './pkcs11-modules';
import { Pkcs11SessionPool } from './pkcs11-session-pool';

/** Options of {@link openPkcs11Key}. Give tokenLabel or slot, and keyLabel or keyId. */
export interface OpenPkcs11KeyOptions {
  /** Path of the PKCS#11 module, e.g. /usr/lib/softhsm/libsofthsm2.so or a vendor's viettel-ca_v6.so. */
  modulePath: string;
  /** CKA token label (CK_TOKEN_INFO.label, trailing spaces ignored). */
  tokenLabel?: string;
  /** Slot id as `pkcs11-tool -L` / `softhsm2-util --show-slots` print it. */
  slot?: number | string;
  /** CKA_LABEL of the private key. */
  keyLabel?: string;
  /** CKA_ID of the private key, hex (colons and spaces ignored). */
  keyId?: string;
  /** User PIN; the caller resolves it (no module reads the environment). */
  pin: string;
  /** The name the server configuration gives this key. */
  alias: string;
  /** Sign RSA keys with RSASSA-PSS instead of PKCS#1 v1.5. @defaultValue false */
  rsaPss?: boolean;
  /** Sessions, i.e. signatures the token may compute at once. @defaultValue 1 */
  sessions?: number;
  /** Loaded libraries. @defaultValue processPkcs11Modules */
  modules?: Pkcs11Modules;
}

function checkOptions(o: OpenPkcs11KeyOptions): void {
  if (o.tokenLabel === undefined && o.slot === undefined) throw new AppError('CONFIG_INVALID', `The PKCS#11 key ${o.alias} needs tokenLabel or slot`);
  if (o.keyLabel === undefined && o.keyId === undefined) throw new AppError('CONFIG_INVALID', `The PKCS#11 key ${o.alias} needs keyLabel or keyId`);
  if (o.keyId !== undefined && !/^([0-9a-f]{2}[:\s]?)+$/i.test(o.keyId)) throw new AppError('CONFIG_INVALID', `The keyId of ${o.alias} must be hex`);
  if (o.sessions !== undefined && (!Number.isInteger(o.sessions) || o.sessions < 1 || o.sessions > 64)) {
    throw new AppError('CONFIG_INVALID', `The sessions of ${o.alias} must be an integer from 1 to 64`);
  }
}

function login(lib: Pkcs11Library, session: Buffer, userType: number, pin: string, alias: string): void {
  try {
    lib.api.C_Login(session, userType, pin);
  } catch (e) {
    if (pkcs11ReturnValue(e) === 'CKR_USER_ALREADY_LOGGED_IN') return;
    throw pkcs11Error(e, 'KEY_UNREADABLE', `The PKCS#11 token of ${alias} refused the login`);
  }
}

function checkKeyType(lib: Pkcs11Library, key: Pkcs11PrivateKey, kind: 'rsa' | 'ec', alias: string): void {
  const expected = kind === 'rsa' ? lib.binding.CKK_RSA : lib.binding.CKK_EC;
  if (key.keyType !== -1 && key.keyType !== expected) {
    throw new AppError('KEY_UNREADABLE', `The PKCS#11 key of ${alias} is not of the certificate's key type (${kind})`);
  }
}

/** Checks a token signature with node:crypto before anyone embeds it. */
function assertVerifies(cert: X509Certificate, scheme: SignatureScheme, hash: HashAlgorithm, data: Uint8Array, signature: Buffer, alias: string): void {
  const key =
    scheme === 'rsa-pss'
      ? { key: cert.publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: { sha256: 32, sha384: 48, sha512: 64 }[hash] }
      : scheme === 'ecdsa'
        ? { key: cert.publicKey, dsaEncoding: 'der' as const }
        : { key: cert.publicKey, padding: constants.RSA_PKCS1_PADDING };
  if (!cryptoVerify(hash, data, key, signature)) {
    throw new AppError('SIGN_FAILED', `The signature made by the PKCS#11 key of ${alias} does not verify under its certificate`);
  }
}

/** Opens a key on a PKCS#11 token as a KeyHandle named `alias`. */
export async function openPkcs11Key(options: OpenPkcs11KeyOptions): Promise<KeyHandle> {
  checkOptions(options);
  const { alias, pin } = options;
  const modules = options.modules ?? processPkcs11Modules;
  const lib = await modules.acquire(options.modulePath);
  let slotId: string | undefined;
  let session: Buffer | undefined;
  try {
    const slot = findSlot(lib, options);
    session = Pkcs11SessionPool.openSession(lib, slot.handle);
    const first = session;
    modules.enterLogin(lib, slot.id, pin, () => login(lib, first, lib.binding.CKU_USER, pin, alias));
    slotId = slot.id;
    const privateKey = findPrivateKey(lib, session, options);
    const { leaf, pool } = findCertificates(lib, session, privateKey);
    const described = describeKey(leaf.publicKey);
    checkKeyType(lib, privateKey, described.key.kind, alias);
    const scheme: SignatureScheme = options.rsaPss && described.key.kind === 'rsa' ? 'rsa-pss' : described.scheme;
    const mechanisms = new Set(lib.api.C_GetMechanismList(slot.handle));
    const sessions = new Pkcs11SessionPool(lib, slot.handle, session, options.sessions ?? 1);
    let closing: Promise<void> | undefined;
    return {
      alias,
      certificate: leaf.raw,
      chain: orderChain(leaf, pool).map((c) => c.raw),
      key: described.key,
      scheme,
      async sign(data: Uint8Array, hash: HashAlgorithm): Promise<Buffer> {
        const plan = planPkcs11Signature(lib.binding, mechanisms, scheme, hash);
        const input = plan.input(data);
        let raw: Buffer;
        try {
          raw = await sessions.use(async (s) => {
            lib.api.C_SignInit(s, plan.mechanism, privateKey.handle);
            if (privateKey.isAlwaysAuthenticate) login(lib, s, lib.binding.CKU_CONTEXT_SPECIFIC, pin, alias);
            return lib.api.C_SignAsync(s, input, Buffer.alloc(1024));
          });
        } catch (e) {
          throw pkcs11Error(e, 'SIGN_FAILED', `The PKCS#11 key of ${alias} could not sign`);
        }
        const signature = plan.isRawEcdsa ? ecdsaRawToDer(raw) : Buffer.from(raw);
        assertVerifies(leaf, scheme, hash, data, signature, alias);
        return signature;
      },
      close(): Promise<void> {
        closing ??= (async () => {
          const isLastLogin = modules.endLogin(lib, slot.id);
          await sessions.close((s) => isLastLogin && lib.api.C_Logout(s));
          await modules.release(lib);
        })();
        return closing;
      },
    };
  } catch (e) {
    await abandonOpen(modules, lib, session, slotId);
    throw pkcs11Error(e, 'KEY_UNREADABLE', `The PKCS#11 key of ${alias} cannot be opened`);
  }
}

/** Undoes a failed open: logout if ours was the last login, close the session, release the library. */
async function abandonOpen(modules: Pkcs11Modules, lib: Pkcs11Library, session: Buffer | undefined, loggedInSlot: string | undefined): Promise<void> {
  if (session) {
    try {
      if (loggedInSlot !== undefined && modules.endLogin(lib, loggedInSlot)) lib.api.C_Logout(session);
    } catch {
      // Not logged in after all: nothing to undo.
    }
    try {
      lib.api.C_CloseSession(session);
    } catch {
      // The session is unusable anyway.
    }
  }
  await modules.release(lib);
}
