/**
 * Loaded PKCS#11 libraries, shared by every handle on the same library. Cryptoki state is
 * per process: C_Initialize may run once per library (PKCS#11 v2.40 §5.4, a second call gives
 * CKR_CRYPTOKI_ALREADY_INITIALIZED) and all sessions of an application share one login state
 * per token (§5.6), so the library and the login are reference-counted here rather than owned by
 * one KeyHandle (pyHanko's PKCS11Signer and DSS's Pkcs11SignatureToken each own theirs and
 * break when two keys live on one token).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type * as Pkcs11Binding from 'pkcs11js';
import { AppError, type ErrorCode } from '../errors';

/** The pkcs11js module (constants and the PKCS11 class). */
export type Pkcs11Js = typeof Pkcs11Binding;

/** One loaded and initialised library. */
export interface Pkcs11Library {
  readonly path: string;
  readonly binding: Pkcs11Js;
  readonly api: Pkcs11Binding.PKCS11;
}

interface Entry {
  library: Pkcs11Library;
  users: number;
  /** Whether we called C_Initialize (and so must call C_Finalize). */
  ownsInit: boolean;
  /** Logged-in handles per slot id; the token is logged out when the last one closes. */
  logins: Map<string, { users: number; pinDigest: Buffer }>;
}

/** The PKCS#11 return value name of an error thrown by pkcs11js ('CKR_PIN_INCORRECT'), if any. */
export function pkcs11ReturnValue(e: unknown): string | undefined {
  const text = e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e);
  return /CKR_[A-Z0-9_]+/.exec(text)?.[0];
}

const CODE_OF: Record<string, ErrorCode> = {
  CKR_PIN_INCORRECT: 'KEY_BAD_PASSWORD',
  CKR_PIN_INVALID: 'KEY_BAD_PASSWORD',
  CKR_PIN_LEN_RANGE: 'KEY_BAD_PASSWORD',
  CKR_PIN_LOCKED: 'KEY_BAD_PASSWORD',
  CKR_PIN_EXPIRED: 'KEY_BAD_PASSWORD',
  CKR_TOKEN_NOT_PRESENT: 'KEY_NOT_FOUND',
  CKR_TOKEN_NOT_RECOGNIZED: 'KEY_NOT_FOUND',
  CKR_SLOT_ID_INVALID: 'KEY_NOT_FOUND',
  CKR_DEVICE_REMOVED: 'KEY_NOT_FOUND',
  CKR_MECHANISM_INVALID: 'KEY_UNSUPPORTED_ALGORITHM',
  CKR_MECHANISM_PARAM_INVALID: 'KEY_UNSUPPORTED_ALGORITHM',
  CKR_KEY_TYPE_INCONSISTENT: 'KEY_UNSUPPORTED_ALGORITHM',
  CKR_KEY_FUNCTION_NOT_PERMITTED: 'KEY_UNSUPPORTED_ALGORITHM',
};

/** Maps a pkcs11js error to an AppError: PIN errors, missing token, refused mechanism, else `fallback`. */
export function pkcs11Error(e: unknown, fallback: ErrorCode, what: string): AppError {
  if (e instanceof AppError) return e;
  const rv = pkcs11ReturnValue(e);
  const code = (rv && CODE_OF[rv]) || fallback;
  const detail = rv === 'CKR_PIN_LOCKED' ? ' (the PIN is locked: unblock it with the SO PIN)' : '';
  return new AppError(code, `${what}: ${rv ?? 'the PKCS#11 module failed'}${detail}`, rv ? { pkcs11: rv } : undefined, { cause: e });
}

/** Reference-counted libraries by path; one instance per process is the normal case. */
export class Pkcs11Modules {
  private readonly entries = new Map<string, Promise<Entry>>();
  /** Salt of the in-memory PIN digests (compared, never stored or logged). */
  private readonly salt = randomBytes(16);

  /** Loads and initialises `path` (once), counting one more user. KEY_UNREADABLE if it cannot load. */
  async acquire(path: string): Promise<Pkcs11Library> {
    let pending = this.entries.get(path);
    if (!pending) {
      pending = load(path);
      this.entries.set(path, pending);
      pending.catch(() => this.entries.delete(path));
    }
    const entry = await pending;
    entry.users++;
    return entry.library;
  }

  /**
   * Logs `slot` in once for all handles: the first user runs `login`; later users must bring the
   * same PIN, because C_Login on a logged-in token answers CKR_USER_ALREADY_LOGGED_IN without
   * checking theirs (PKCS#11 v2.40 §5.6) and a wrong PIN in the configuration would go unnoticed.
   */
  enterLogin(library: Pkcs11Library, slot: string, pin: string, login: () => void): void {
    const entry = this.entryOf(library);
    const digest = createHash('sha256').update(this.salt).update(pin, 'utf8').digest();
    const state = entry.logins.get(slot);
    if (state) {
      if (!timingSafeEqual(state.pinDigest, digest)) {
        throw new AppError('KEY_BAD_PASSWORD', 'The PIN differs from the one the token is already logged in with');
      }
      state.users++;
      return;
    }
    login();
    entry.logins.set(slot, { users: 1, pinDigest: digest });
  }

  /** Drops a login user of `slot`; true when it was the last (the caller may C_Logout). */
  endLogin(library: Pkcs11Library, slot: string): boolean {
    const entry = this.entryOf(library);
    const state = entry.logins.get(slot);
    if (state && --state.users > 0) return false;
    entry.logins.delete(slot);
    return true;
  }

  /** Drops one user; the last one finalises and unloads the library. */
  async release(library: Pkcs11Library): Promise<void> {
    const entry = this.entryOf(library);
    if (--entry.users > 0) return;
    this.entries.delete(library.path);
    try {
      if (entry.ownsInit) library.api.C_Finalize();
      library.api.close();
    } catch {
      // Finalising a library we are done with: nothing useful to report to the caller.
    }
  }

  private entryOf(library: Pkcs11Library): Entry {
    const entry = (library as { [ENTRY]?: Entry })[ENTRY];
    if (!entry) throw new AppError('INTERNAL', 'The PKCS#11 library was not acquired from this registry');
    return entry;
  }
}

const ENTRY = Symbol('pkcs11-entry');

async function load(path: string): Promise<Entry> {
  let binding: Pkcs11Js;
  try {
    // Loaded on first use so that PKCS#12-only deployments never load the native addon.
    binding = require('pkcs11js') as Pkcs11Js;
  } catch (e) {
    throw new AppError('KEY_UNREADABLE', 'The PKCS#11 binding (npm pkcs11js) is not installed or did not build', undefined, { cause: e });
  }
  const api = new binding.PKCS11();
  try {
    api.load(path);
  } catch (e) {
    throw new AppError('KEY_UNREADABLE', `The PKCS#11 module ${path} cannot be loaded`, { module: path }, { cause: e });
  }
  let ownsInit = true;
  try {
    // Signatures run on libuv worker threads (C_SignAsync): let the library lock with OS primitives.
    api.C_Initialize({ flags: binding.CKF_OS_LOCKING_OK });
  } catch (e) {
    if (pkcs11ReturnValue(e) !== 'CKR_CRYPTOKI_ALREADY_INITIALIZED') {
      api.close();
      throw pkcs11Error(e, 'KEY_UNREADABLE', `The PKCS#11 module ${path} cannot be initialised`);
    }
    ownsInit = false;
  }
  const library = { path, binding, api };
  const entry: Entry = { library, users: 0, ownsInit, logins: new Map() };
  Object.defineProperty(library, ENTRY, { value: entry });
  return entry;
}

/** The registry used when none is passed: Cryptoki initialisation is per process anyway. */
export const processPkcs11Modules = new Pkcs11Modules();
