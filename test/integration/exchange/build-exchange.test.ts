/**
 * buildExchange wires the adapters the composition root needs: the verifier keeps verdict and
 * report, organisation keys come from the development key store by agency code, and nothing
 * connects to Redis until first use.
 */
import path from 'node:path';
import { openTestDatabase } from '../../helpers/test-db';
import { silentLogger } from '../../../src/log';
import { MemoryDocumentStore } from '../../../src/storage/document-store';
import { loadKeyStoreFromFile } from '../../../src/keys/load-key-store-fs';
import { buildExchange } from '../../../src/exchange/build-exchange';
import type { VerificationReport } from '../../../src/verification/report';

describe('buildExchange', () => {
  test('when built over the dev key store, then the verifier keeps the report and the org key of an agency is found', async () => {
    const database = await openTestDatabase('pglite');
    const keys = loadKeyStoreFromFile(path.resolve(__dirname, '../../../certs-dev/index.json'));
    const report = { verdict: 'MODIFIED' } as VerificationReport;
    const { deps, queue } = buildExchange({
      db: database.db, files: new MemoryDocumentStore(), verify: async () => report, keys,
      redisUrl: 'redis://127.0.0.1:6399', logger: silentLogger(), options: { acceptIndeterminate: false },
    });
    try {
      expect(await deps.verifyAttachment(Buffer.from('%PDF-'))).toEqual({ verdict: 'MODIFIED', report });
      expect(deps.options).toMatchObject({ acceptIndeterminate: false, maxAttachments: 20 });
      const key = await deps.organisationKey?.('000.00.14.H40');
      expect(key?.alias).toBe('org-stttt-long-an');
      expect(await deps.organisationKey?.('000.00.00.G22')).toBeNull();
      await expect(deps.queue.assertAvailable()).rejects.toMatchObject({ code: 'EXCHANGE_UNAVAILABLE' });
    } finally {
      await queue.close();
      await keys.close();
      await database.close();
    }
  });
});
