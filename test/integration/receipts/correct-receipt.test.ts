import { randomBytes } from 'node:crypto';
import { openDatabase, type Database } from '../../../src/registry/database';
import { correctReceipt } from '../../../src/receipts/correct-receipt';
import { issueReceipt } from '../../../src/receipts/issue-receipt';
import { getReceiptView } from '../../../src/receipts/lookup-receipt';
import { receiptReport } from '../../../src/receipts/receipt-report';
import { isAppError } from '../../../src/errors';
import { TEST_DATABASE_URL, dropSchema } from '../../helpers/test-db';
import { receiptsDeps, request, seedCatalog } from './receipts-test-deps';

describe('corrections on postgres', () => {
  let database: Database;
  let schema: string;
  beforeEach(async () => {
    schema = `kyso_t_corr_${process.pid}_${randomBytes(4).toString('hex')}`;
    database = await openDatabase({ databaseUrl: TEST_DATABASE_URL, dataDir: ':memory:', schema });
    await seedCatalog(database);
  });
  afterEach(async () => {
    await database.close();
    await dropSchema(schema);
  });

  test('when a receipt is replaced, then the new one references it, the original is marked, and it cannot be corrected again', async () => {
    const deps = receiptsDeps(database);
    const original = await issueReceipt(deps, request('corr-original-1'), 'test');
    const replacement = await correctReceipt(deps, original.id, {
      idempotencyKey: 'corr-replace-1',
      kind: 'replacement',
      reason: 'Sai số lượng trang chứng thực',
      items: [{ procedureCode: 'CTBS', feeCode: 'P-CTBS-T1-2', quantity: 3 }],
    }, 'test');
    expect(replacement).toMatchObject({ kind: 'replacement', originalId: original.id, number: 2, total: 6000 });
    const xml = (await deps.store.get(replacement.xmlSha256))!.toString('utf8');
    expect(xml).toContain(`<KHMSBLCLQuan>EBL01</KHMSBLCLQuan><KHBLCLQuan>${original.symbol}</KHBLCLQuan><SBLCLQuan>1</SBLCLQuan>`);
    expect(xml).toContain('Thay thế cho biên lai Mẫu số EBL01');

    const token = new URL(original.lookupUrl).searchParams.get('t')!;
    const view = await getReceiptView(deps, original.id, token);
    expect(view.receipt).toMatchObject({ status: 'replaced', replacedBy: replacement.id });
    expect(view.xmlSignature.isValid).toBe(true);

    for (const kind of ['replacement', 'adjust_increase'] as const) {
      const err = await correctReceipt(deps, original.id, {
        idempotencyKey: `corr-again-${kind}`,
        kind,
        reason: 'lần nữa',
        items: [{ name: 'Phí', kind: 'phi', unitPrice: 1000, quantity: 1 }],
      }, 'test').catch((e) => e);
      expect(isAppError(err, 'RECEIPT_ALREADY_REPLACED')).toBe(true);
    }
    const report = await receiptReport(deps, { from: '2000-01-01', to: '2100-01-01' });
    expect(report.series[0]).toMatchObject({ fromNumber: 1, toNumber: 2, count: 2, total: 6000, replaced: 1 });
  });

  test('when two replacements of one receipt race, then exactly one wins and the other is RECEIPT_ALREADY_REPLACED', async () => {
    const deps = receiptsDeps(database);
    const original = await issueReceipt(deps, request('race-original'), 'test');
    const results = await Promise.allSettled(
      ['race-a-key', 'race-b-key'].map((k) => correctReceipt(deps, original.id, { idempotencyKey: k, kind: 'replacement', reason: 'sai' }, 'test')),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(isAppError(rejected.reason, 'RECEIPT_ALREADY_REPLACED')).toBe(true);
    const numbers = (await database.db.selectFrom('receipts').select('number').orderBy('number').execute()).map((r) => Number(r.number));
    expect(numbers).toEqual([1, 2]);
  });

  test('when a lookup token is wrong, then RECEIPT_NOT_FOUND', async () => {
    const deps = receiptsDeps(database);
    const r = await issueReceipt(deps, request('token-check-1'), 'test');
    const err = await getReceiptView(deps, r.id, 'wrong-token').catch((e) => e);
    expect(isAppError(err, 'RECEIPT_NOT_FOUND')).toBe(true);
  });
});
