/**
 * A key store configured by an index (certs-dev/index.json or a server's own file with the same
 * shape): aliases mapped to PKCS#12 files and passphrases. Keys open lazily, once, and stay open:
 * the PKCS#12 parse and the password KDF are paid once per process, not per document. The file
 * read is injected so that this module stays free of fs (the adapter is load-key-store-fs.ts).
 */
import { isAbsolute, join } from 'node:path';
import { AppError } from '../errors';
import type { KeyHandle } from './key-handle';
import { openPkcs12, type OpenPkcs12Options } from './open-pkcs12';

/** One configured key (extra fields of index.json are kept). */
export interface KeyStoreEntry {
  alias: string;
  /** PKCS#12 path, relative to the index's directory unless absolute. */
  p12: string;
  passphrase: string;
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
    if (typeof e.alias !== 'string' || typeof e.p12 !== 'string' || typeof e.passphrase !== 'string') {
      throw new AppError('CONFIG_INVALID', `Key store entry ${i} needs alias, p12 and passphrase`);
    }
    return e as KeyStoreEntry;
  });
}

/** Builds a key store from an index (JSON text or parsed) whose paths are relative to `baseDir`. */
export function loadKeyStore(index: string | unknown, baseDir: string, readFile: ReadFile, options: OpenPkcs12Options = {}): KeyStore {
  const entries = parseIndex(index);
  const byAlias = new Map(entries.map((e) => [e.alias, e]));
  const opened = new Map<string, Promise<KeyHandle>>();
  return {
    list: () => entries,
    get(alias: string): Promise<KeyHandle> {
      const entry = byAlias.get(alias);
      if (!entry) return Promise.reject(new AppError('KEY_NOT_FOUND', `No key is configured with the alias ${alias}`));
      let handle = opened.get(alias);
      if (!handle) {
        const path = isAbsolute(entry.p12) ? entry.p12 : join(baseDir, entry.p12);
        handle = Promise.resolve()
          .then(() => readFile(path))
          .catch((e: unknown) => {
            throw new AppError('KEY_UNREADABLE', `The PKCS#12 file of ${alias} cannot be read`, { path }, { cause: e });
          })
          .then((bytes) => openPkcs12(bytes, entry.passphrase, alias, { ...options, ...(entry.rsaPss ? { rsaPss: true } : {}) }));
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
