/**
 * Adapter: a key store from an index.json on disk (certs-dev/index.json by default in
 * development), PKCS#12 paths relative to the index's directory.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AppError } from '../errors';
import { loadKeyStore, type KeyStore, type LoadKeyStoreOptions } from './load-key-store';

/** Reads `indexPath` now (so a missing index fails at start) and opens keys on demand. */
export function loadKeyStoreFromFile(indexPath: string, options: LoadKeyStoreOptions = {}): KeyStore {
  let text: string;
  try {
    text = readFileSync(indexPath, 'utf8');
  } catch (e) {
    throw new AppError('CONFIG_INVALID', `The key store index ${indexPath} cannot be read`, undefined, { cause: e });
  }
  return loadKeyStore(text, dirname(indexPath), (path) => readFile(path), options);
}
