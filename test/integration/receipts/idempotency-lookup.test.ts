import type { KyselyPlugin } from 'kysely';
import { IdempotencyLookup } from '../../../src/receipts/idempotency-lookup';
import { issueReceipt } from '../../../src/receipts/issue-receipt';
import { openDatabase, type Database } from '../../../src/registry/database';
import { receiptsDeps, request, seedCatalog } from './receipts-test-deps';

describe('IdempotencyLookup', () => {
  let database: Database;

  beforeAll(async () => {
    database = await openDatabase({ dataDir: ':memory:' });
    await seedCatalog(database);
  }, 30_000);
  afterAll(async () => {
    await database.close();
  });

  test('when lookups are asked in the same turn, then one query answers them all, each with its own receipt or nothing', async () => {
    const issued = await issueReceipt(receiptsDeps(database), request('key-lookup-1'), 'test');
    let queries = 0;
    const counting: KyselyPlugin = {
      transformQuery: (args) => {
        queries++;
        return args.node;
      },
      transformResult: async (args) => args.result,
    };
    const lookup = new IdempotencyLookup(database.db.withPlugin(counting));
    const taxCode = request('x').collector.taxCode;
    const found = await Promise.all([
      lookup.find(taxCode, 'key-lookup-1'),
      lookup.find(taxCode, 'key-unknown'),
      lookup.find(taxCode, 'key-lookup-1'),
      lookup.find('0101234567', 'key-lookup-1'), // another collector's key space
    ]);
    expect(found.map((r) => r?.id)).toEqual([issued.id, undefined, issued.id, undefined]);
    expect(queries).toBe(2); // one per collector
    expect(await lookup.find(taxCode, 'key-lookup-1')).toMatchObject({ id: issued.id });
    expect(queries).toBe(3);
  }, 30_000); // issuing the first receipt renders and signs it: slow on a loaded 2-core machine
});
