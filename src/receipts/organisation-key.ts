/**
 * Which key signs an agency's receipts: the key-store entry with role 'organisation' for that
 * agency code (certs-dev/index.json shape). The organisation signs receipts, never a person.
 */
import { AppError } from '../errors';
import type { KeyHandle } from '../keys/key-handle';
import type { KeyStore } from '../keys/load-key-store';

/** Builds the `organisationKey` port of ReceiptsDeps over a key store. */
export function organisationKeyFromStore(keys: KeyStore): (agencyCode: string) => Promise<KeyHandle> {
  return async (agencyCode) => {
    const entry = keys.list().find((e) => e.role === 'organisation' && e.agencyCode === agencyCode);
    if (!entry) {
      throw new AppError('KEY_NOT_FOUND', `No organisation key is configured for agency ${agencyCode}.`, { agencyCode });
    }
    return keys.get(entry.alias);
  };
}
