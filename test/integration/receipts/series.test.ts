import { randomBytes, randomUUID } from 'node:crypto';
import { openDatabase, type Database } from '../../../src/registry/database';
import type { Transaction } from 'kysely';
import type { Tables } from '../../../src/registry/tables';
import '../../../src/receipts/receipt-tables';
import {
  allocateReceiptNumber,
  claimReceiptNumbers,
  peekNextReceiptNumber,
  receiptSymbolFor,
  type SeriesKey,
} from '../../../src/receipts/series';
import { isAppError } from '../../../src/errors';
import { TEST_DATABASE_URL, dropSchema } from '../../helpers/test-db';

const key: SeriesKey = { collectorTaxCode: '0101234567', templateSymbol: 'EBL01', symbol: '25T' };

/** A minimal receipt row, inserted in the same transaction as the allocation. */
async function insertReceipt(trx: Transaction<Tables>, number: number): Promise<void> {
  await trx
    .insertInto('receipts')
    .values({
      id: randomUUID(),
      collector_tax_code: key.collectorTaxCode,
      template_symbol: key.templateSymbol,
      symbol: key.symbol,
      number,
      idempotency_key: randomUUID(),
      request_sha256: 'x',
      agency_code: '000.00.00.H29',
      dossier_code: null,
      issued_at: new Date(),
      total: 1000,
      payment_method: 'TM',
      kind: 'original',
      original_id: null,
      status: 'issued',
      replaced_by: null,
      data: '{}',
      xml_sha256: 'x',
      pdf_sha256: 'x',
      access_token_hash: 'x',
      created_by: 'test',
    })
    .execute();
}

async function numbers(database: Database): Promise<number[]> {
  const rows = await database.db.selectFrom('receipts').select('number').orderBy('number').execute();
  return rows.map((r) => Number(r.number));
}

describe.each(['pglite', 'postgres'] as const)('receipt numbering on %s', (kind) => {
  let database: Database;
  let schema = 'public';

  beforeEach(async () => {
    if (kind === 'pglite') {
      database = await openDatabase({ dataDir: ':memory:' });
    } else {
      schema = `kyso_t_rcpt_${process.pid}_${randomBytes(4).toString('hex')}`;
      database = await openDatabase({ databaseUrl: TEST_DATABASE_URL, dataDir: ':memory:', schema, poolSize: 33 });
    }
  });

  afterEach(async () => {
    await database.close();
    if (kind === 'postgres') await dropSchema(schema);
  });

  test('when 32 issuers take numbers on one series at once, then they get 1..32 with no gap or duplicate', async () => {
    const issuers = Array.from({ length: 32 }, () =>
      database.db.transaction().execute(async (trx) => {
        const n = await allocateReceiptNumber(trx, key);
        await new Promise((r) => setTimeout(r, 2));
        await insertReceipt(trx, n);
        return n;
      }),
    );
    const got = await Promise.all(issuers);
    expect([...got].sort((a, b) => a - b)).toEqual(Array.from({ length: 32 }, (_, i) => i + 1));
    expect(await numbers(database)).toEqual(Array.from({ length: 32 }, (_, i) => i + 1));
  });

  test('when an issue fails after taking a number, then the number is given to the next issue (no gap)', async () => {
    await database.db.transaction().execute(async (trx) => insertReceipt(trx, await allocateReceiptNumber(trx, key)));
    const failed = await database.db
      .transaction()
      .execute(async (trx) => {
        const n = await allocateReceiptNumber(trx, key);
        expect(n).toBe(2);
        await insertReceipt(trx, n);
        throw new Error('signing failed half-way');
      })
      .catch((e: Error) => e);
    expect((failed as Error).message).toBe('signing failed half-way');
    const next = await database.db.transaction().execute(async (trx) => {
      const n = await allocateReceiptNumber(trx, key);
      await insertReceipt(trx, n);
      return n;
    });
    expect(next).toBe(2);
    expect(await numbers(database)).toEqual([1, 2]);
  });

  test('when a series reaches 9 999 999, then the next allocation is RECEIPT_SERIES_EXHAUSTED', async () => {
    await database.db.transaction().execute(async (trx) => allocateReceiptNumber(trx, key));
    await database.db.updateTable('receipt_series').set({ next_number: 10_000_000 }).execute();
    const err = await database.db
      .transaction()
      .execute(async (trx) => allocateReceiptNumber(trx, key))
      .catch((e) => e);
    expect(isAppError(err, 'RECEIPT_SERIES_EXHAUSTED')).toBe(true);
  });

  test('when numbers are claimed optimistically, then only the claim that saw the current counter wins, and a failed claim takes nothing', async () => {
    expect(await peekNextReceiptNumber(database.db, key)).toBe(1); // no series row yet
    const claim = (first: number, count: number, fail = false) =>
      database.db
        .transaction()
        .execute(async (trx) => {
          const ok = await claimReceiptNumbers(trx, key, first, count);
          if (ok) for (let n = first; n < first + count; n++) await insertReceipt(trx, n);
          if (fail) throw new Error('storing failed');
          return ok;
        })
        .catch((e: Error) => e.message);
    expect(await claim(1, 3)).toBe(true); // creates the series row
    expect(await claim(1, 2)).toBe(false); // a second issuer that read 1 before the first committed
    expect(await peekNextReceiptNumber(database.db, key)).toBe(4);
    expect(await claim(4, 2, true)).toBe('storing failed');
    expect(await peekNextReceiptNumber(database.db, key)).toBe(4); // rolled back with its receipts
    expect(await claim(4, 1)).toBe(true);
    expect(await numbers(database)).toEqual([1, 2, 3, 4]);
  });

  test('when a claim would pass 9 999 999, then it takes nothing', async () => {
    await database.db.transaction().execute(async (trx) => allocateReceiptNumber(trx, key));
    await database.db.updateTable('receipt_series').set({ next_number: 9_999_999 }).execute();
    expect(await database.db.transaction().execute((trx) => claimReceiptNumbers(trx, key, 9_999_999, 2))).toBe(false);
    expect(await database.db.transaction().execute((trx) => claimReceiptNumbers(trx, key, 9_999_999, 1))).toBe(true);
    expect(await peekNextReceiptNumber(database.db, key)).toBe(10_000_000);
  });

  test('when two series differ only by symbol (year), then each starts at 1', async () => {
    const a = await database.db.transaction().execute((trx) => allocateReceiptNumber(trx, key));
    const b = await database.db.transaction().execute((trx) => allocateReceiptNumber(trx, { ...key, symbol: '26T' }));
    expect([a, b]).toEqual([1, 1]);
  });
});

describe('receiptSymbolFor', () => {
  test('when issued at 23:30 UTC on 31 December 2025, then the Vietnamese year 2026 gives 26T', () => {
    expect(receiptSymbolFor(new Date('2025-12-31T23:30:00Z'))).toBe('26T');
    expect(receiptSymbolFor(new Date('2025-12-31T16:59:59Z'))).toBe('25T');
  });
});
