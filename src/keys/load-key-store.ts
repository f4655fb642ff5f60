/**
 * A key store configured by an index (certs-dev/index.json or a server's own file with the same
 * shape): aliases mapped to PKCS#12 files and passphrases, or to keys on PKCS#11 tokens (the PIN
 * named by an environment variable the caller resolves). Keys open lazily, once, and stay open:
 * the PKCS#12 parse and the password KDF are paid once per process, not per document. The file
 * read is injected so that this module stays free of fs (the adapter is load-key-store-fs.ts).
 */
import { isAbsolute, join } from 'node:path';
import { AppError } from '../errors';
import type { KeyHandle } from './key-handle';
import { openPkcs12, type OpenPkcs12Options } from './open-pkcs12';
import { openPkcs11Key, type OpenPkcs11KeyOptions } from './pkcs11-key';

/** A key on a PKCS#11 token: tokenLabel or slot, keyLabel or keyId (hex). */
export interface Pkcs11EntryConfig {
  /** Path of the PKCS#11 module (.so). */
  module: string;
  tokenLabel?: string;
  slot?: number | string;
  keyLabel?: string;
  keyId?: string;
  /** Name of the environment variable that holds the user PIN (never the PIN itself). */
  pinEnv: string;
  /** Concurrent signatures on the token. @defaultValue 1 */
  sessions?: number;
}

/** One configured key (extra fields of index.json are kept). */
export interface KeyStoreEntry {
  alias: string;
  /** PKCS#12 path, relative to the index's directory unless absolute (absent for PKCS#11 keys). */
  p12?: string;
  passphrase?: string;
  /** The key is on a PKCS#11 token instead of in a PKCS#12 file. */
  pkcs11?: Pkcs11EntryConfig;
  role?: string;
  agencyCode?: string | null;
  subject?: string;
  /** Sign with RSASSA-PSS. @defaultValue false */
  rsaPss?: boolean;
}

/** Keys by alias. */
export interface KeyStore {
  /** The configured entries (without opening anything). */
  list(): readonly KeyStoreEntry[];
  /** The key for `alias`, opened at first use; KEY_NOT_FOUND when not configured. */
  get(alias: string): Promise<KeyHandle>;
  /** Closes every opened key. */
  close(): Promise<void>;
}

/** Reads the bytes of a file (an fs adapter in production, a map in tests). */
export type ReadFile = (path: string) => Promise<Uint8Array> | Uint8Array;

/** Options of {@link loadKeyStore}. */
export interface LoadKeyStoreOptions extends OpenPkcs12Options {
  /**
   * The PIN of a PKCS#11 entry from the name in its `pinEnv` (config passes its parsed
   * environment: no module here reads process.env). Required when the index has PKCS#11 entries.
   */
  resolvePin?: (pinEnv: string, alias: string) => string | undefined;
  /** Opens PKCS#11 keys. @defaultValue openPkcs11Key */
  openPkcs11?: (options: OpenPkcs11KeyOptions) => Promise<KeyHandle>;
}

function isPkcs11Config(p: unknown): p is Pkcs11EntryConfig {
  const c = p as Partial<Pkcs11EntryConfig> | null;
  const isText = (v: unknown): boolean => typeof v === 'string' && v.length > 0;
  return (
    typeof c === 'object' && c !== null && isText(c.module) && isText(c.pinEnv) &&
    (isText(c.tokenLabel) || isText(c.slot) || typeof c.slot === 'number') && (isText(c.keyLabel) || isText(c.keyId))
  );
}

function parseIndex(index: string | unknown): KeyStoreEntry[] {
  let data: unknown = index;
  try {
    if (typeof index === 'string') data = JSON.parse(index);
  } catch (e) {
    throw new AppError('CONFIG_INVALID', 'The key store index is not valid JSON', undefined, { cause: e });
  }
  const list = Array.isArray(data) ? data : (data as { identities?: unknown } | null)?.identities;
  if (!Array.isArray(list)) throw new AppError('CONFIG_INVALID', 'The key store index must list identities');
  return list.map((raw, i) => {
    const e = raw as Partial<KeyStoreEntry>;
    if (typeof e.alias === 'string' && e.pkcs11 !== undefined) {
      if (!isPkcs11Config(e.pkcs11)) throw new AppError('CONFIG_INVALID', `Key store entry ${i} (${e.alias}): pkcs11 needs module, pinEnv, tokenLabel or slot, keyLabel or keyId`);
      return e as KeyStoreEntry;
    }
    if (typeof e.alias !== 'string' || typeof e.p12 !== 'string' || typeof e.passphrase !== 'string') {
      throw new AppError('CONFIG_INVALID', `Key store entry ${i} needs alias, p12 and passphrase`);
    }
    return e as KeyStoreEntry;
  });
}

/** Builds a key store from an index (JSON text or parsed) whose paths are relative to `baseDir`. */
export function loadKeyStore(index: string | unknown, baseDir: string, readFile: ReadFile, options: LoadKeyStoreOptions = {}): KeyStore {
  const entries = parseIndex(index);
  const { resolvePin, openPkcs11 = openPkcs11Key, ...pkcs12Options } = options;
  const pins = new Map<string, string>();
  const missing: string[] = [];
  for (const e of entries) {
    if (!e.pkcs11) continue;
    const pin = resolvePin?.(e.pkcs11.pinEnv, e.alias);
    if (pin === undefined || pin === '') missing.push(`${e.pkcs11.pinEnv} (${e.alias})`);
    else pins.set(e.alias, pin);
  }
  if (missing.length > 0) throw new AppError('CONFIG_INVALID', `The PKCS#11 PIN is not set in: ${missing.join(', ')}`, { missing });
  const byAlias = new Map(entries.map((e) => [e.alias, e]));
  const opened = new Map<string, Promise<KeyHandle>>();
  return {
    list: () => entries,
    get(alias: string): Promise<KeyHandle> {
      const entry = byAlias.get(alias);
      if (!entry) return Promise.reject(new AppError('KEY_NOT_FOUND', `No key is configured with the alias ${alias}`));
      let handle = opened.get(alias);
      if (!handle && entry.pkcs11) {
        const p = entry.pkcs11;
        handle = openPkcs11({
          modulePath: p.module, tokenLabel: p.tokenLabel, slot: p.slot, keyLabel: p.keyLabel, keyId: p.keyId,
          pin: pins.get(alias)!, alias, sessions: p.sessions, rsaPss: entry.rsaPss ?? pkcs12Options.rsaPss,
        });
        handle.catch(() => opened.delete(alias));
        opened.set(alias, handle);
      }
      if (!handle) {
        const p12 = entry.p12 ?? '';
        const passphrase = entry.passphrase ?? '';
        const path = isAbsolute(p12) ? p12 : join(baseDir, p12);
        handle = Promise.resolve()
          .then(() => readFile(path))
          .catch((e: unknown) => {
            throw new AppError('KEY_UNREADABLE', `The PKCS#12 file of ${alias} cannot be read`, { path }, { cause: e });
          })
          .then((bytes) => openPkcs12(bytes, passphrase, alias, { ...pkcs12Options, ...(entry.rsaPss ? { rsaPss: true } : {}) }));
        handle.catch(() => opened.delete(alias));
        opened.set(alias, handle);
      }
      return handle;
    },
    async close(): Promise<void> {
      const handles = await Promise.allSettled(opened.values());
      opened.clear();
      for (const h of handles) if (h.status === 'fulfilled') await h.value.close();
    },
  };
}
