import type { KyselyPlugin } from 'kysely';
import { issueReceipt } from '../../../src/receipts/issue-receipt';
import { isAppError } from '../../../src/errors';
import type { Database } from '../../../src/registry/database';
import { openTestDatabase } from '../../helpers/test-db';
import { openDatabase } from '../../../src/registry/database';
import { TEST_DATABASE_URL, dropSchema } from '../../helpers/test-db';
import { randomBytes } from 'node:crypto';
import { receiptsDeps, request, seedCatalog } from './receipts-test-deps';

describe('issueReceipt on postgres', () => {
  let database: Database;
  let schema: string;

  beforeEach(async () => {
    schema = `kyso_t_issue_${process.pid}_${randomBytes(4).toString('hex')}`;
    database = await openDatabase({ databaseUrl: TEST_DATABASE_URL, dataDir: ':memory:', schema, poolSize: 34 });
    await seedCatalog(database);
  });
  afterEach(async () => {
    await database.close();
    await dropSchema(schema);
  });

  test('when a request is issued, then it gets number 1 of EBL01/YYT, total from the catalogue and stored files', async () => {
    const deps = receiptsDeps(database);
    const r = await issueReceipt(deps, request('key-0001'), 'test');
    expect(r).toMatchObject({ templateSymbol: 'EBL01', number: 1, numberText: '0000001', total: 79000, status: 'issued', kind: 'original' });
    expect(r.symbol).toMatch(/^\d{2}T$/);
    expect(r.lookupUrl).toMatch(new RegExp(`^http://localhost:3000/r/${r.id}\\?t=[A-Za-z0-9_-]{24}$`));
    const xml = (await deps.store.get(r.xmlSha256))!.toString('utf8');
    expect(xml).toContain('<TgTTTBSo>79000</TgTTTBSo><TgTTTBChu>Bảy mươi chín nghìn đồng</TgTTTBChu>');
    const pdf = (await deps.store.get(r.pdfSha256))!;
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.includes(Buffer.from('/ETSI.CAdES.detached'))).toBe(true);
  });

  test('when the same key is retried, then the same receipt comes back; with another body, then CONFLICT', async () => {
    const deps = receiptsDeps(database);
    const first = await issueReceipt(deps, request('key-0002'), 'test');
    const again = await issueReceipt(deps, request('key-0002'), 'test');
    expect(again).toEqual(first);
    const err = await issueReceipt(deps, request('key-0002', { paymentMethod: 'card' }), 'test').catch((e) => e);
    expect(isAppError(err, 'CONFLICT')).toBe(true);
    expect(await database.db.selectFrom('receipts').select('id').execute()).toHaveLength(1);
  });

  test('when receipts follow the first of a series (numbers claimed and rows inserted in one statement), then the answer equals what the registry reads back', async () => {
    const deps = receiptsDeps(database);
    await issueReceipt(deps, request('key-stmt-0001'), 'test');
    const requests = [2, 3, 4].map((i) => request(`key-stmt-000${i}`, { dossierCode: i === 3 ? undefined : `D-${i}` }));
    const issued = await Promise.all(requests.map((r) => issueReceipt(deps, r, 'test')));
    expect(issued.map((r) => r.number).sort()).toEqual([2, 3, 4]);
    for (const [i, r] of issued.entries()) expect(await issueReceipt(deps, requests[i], 'test')).toEqual(r);
    const row = await database.db.selectFrom('receipts').selectAll().where('id', '=', issued[1]!.id).executeTakeFirstOrThrow();
    expect(row.dossier_code).toBeNull();
    expect((row.data as { receipt: { items: unknown[] } }).receipt.items).toHaveLength(2);
    expect(await database.db.selectFrom('receipt_series').select('next_number').executeTakeFirstOrThrow()).toEqual({ next_number: 5 });
  });

  test('when 32 issuers issue at once on one series, then numbers are 1..32 with no gap or duplicate', async () => {
    const deps = receiptsDeps(database);
    const issued = await Promise.all(Array.from({ length: 32 }, (_, i) => issueReceipt(deps, request(`key-conc-${i}`), 'test')));
    expect(issued.map((r) => r.number).sort((a, b) => a - b)).toEqual(Array.from({ length: 32 }, (_, i) => i + 1));
  });

  test('when the same key is sent by 4 concurrent retries, then one receipt is issued and all get it', async () => {
    const deps = receiptsDeps(database);
    const all = await Promise.all([1, 2, 3, 4].map(() => issueReceipt(deps, request('key-dup-1'), 'test')));
    expect(new Set(all.map((r) => r.id)).size).toBe(1);
    const next = await issueReceipt(deps, request('key-after'), 'test');
    expect(next.number).toBe(2);
  });

  test('when storing fails after the number is taken, then nothing is recorded and the next issue reuses the number', async () => {
    const deps = receiptsDeps(database);
    await issueReceipt(deps, request('key-ok-0001'), 'test');
    const failing = receiptsDeps(database, {
      store: { put: async () => { throw new Error('disk full'); }, get: async () => null, has: async () => false },
    });
    const err = await issueReceipt(failing, request('key-failing'), 'test').catch((e) => e);
    expect(isAppError(err, 'INTERNAL')).toBe(true);
    const next = await issueReceipt(deps, request('key-ok-0002'), 'test');
    expect(next.number).toBe(2);
    const numbers = (await database.db.selectFrom('receipts').select('number').orderBy('number').execute()).map((r) => Number(r.number));
    expect(numbers).toEqual([1, 2]);
  });

  test('when one of 8 concurrent issues fails after allocation inside a batch, then it alone fails and the others are numbered 1..7', async () => {
    const ok = receiptsDeps(database);
    const marker = Buffer.from('FAIL-ME');
    const deps = receiptsDeps(database, {
      store: {
        put: async (bytes) => {
          if (Buffer.from(bytes).includes(marker)) throw new Error('disk full');
          return ok.store.put(bytes);
        },
        get: (k) => ok.store.get(k),
        has: (k) => ok.store.has(k),
      },
    });
    const settled = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) => issueReceipt(deps, request(`key-batch-${i}`, i === 3 ? { payer: { name: 'FAIL-ME' } } : {}), 'test')),
    );
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
    expect(isAppError((settled[3] as PromiseRejectedResult).reason, 'INTERNAL')).toBe(true);
    const numbers = (await database.db.selectFrom('receipts').select('number').orderBy('number').execute()).map((r) => Number(r.number));
    expect(numbers).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  test('when another issuer (another process) numbers on the series while a batch is signed, then the batch is numbered again under the lock', async () => {
    const other = receiptsDeps(database); // its own batcher, as another API process would have
    let interfered: Promise<unknown> | undefined;
    const base = receiptsDeps(database);
    let puts = 0;
    let peeks = 0; // reads of the series counter without a lock (the optimistic way)
    const counting: KyselyPlugin = {
      transformQuery: ({ node }) => {
        if (node.kind === 'SelectQueryNode' && JSON.stringify(node.from).includes('receipt_series')) peeks++;
        return node;
      },
      transformResult: async ({ result }) => result,
    };
    const deps = receiptsDeps(database, {
      db: database.db.withPlugin(counting),
      store: {
        put: async (bytes) => {
          puts++;
          // the first file of the first attempt: the other issuer takes number 1 meanwhile
          interfered ??= issueReceipt(other, request('key-other-process'), 'test');
          await interfered;
          return base.store.put(bytes);
        },
        get: (k) => base.store.get(k),
        has: (k) => base.store.has(k),
      },
    });
    const mine = await issueReceipt(deps, request('key-mine'), 'test');
    const theirs = (await interfered) as { number: number };
    expect(theirs.number).toBe(1);
    expect(mine.number).toBe(2);
    // the files were made again with the number finally taken
    expect((await base.store.get(mine.xmlSha256))!.toString('utf8')).toContain('<SBLai>2</SBLai>');
    // For a while this process numbers that series under the lock first (no unlocked read), so
    // that its receipts are not signed twice again while the other process issues too.
    puts = 0;
    peeks = 0;
    expect((await issueReceipt(deps, request('key-mine-again'), 'test')).number).toBe(3);
    expect({ puts, peeks }).toEqual({ puts: 2, peeks: 0 });
    const numbers = (await database.db.selectFrom('receipts').select('number').orderBy('number').execute()).map((r) => Number(r.number));
    expect(numbers).toEqual([1, 2, 3]);
  });

  test('when an item names a fee missing from the catalogue, then FEE_NOT_FOUND and no number is used', async () => {
    const deps = receiptsDeps(database);
    const err = await issueReceipt(deps, request('key-notfound', { items: [{ procedureCode: 'X', feeCode: 'Y', quantity: 1 }] }), 'test').catch((e) => e);
    expect(isAppError(err, 'FEE_NOT_FOUND')).toBe(true);
    expect((await issueReceipt(deps, request('key-notfound-2'), 'test')).number).toBe(1);
  });
});

void openTestDatabase;
