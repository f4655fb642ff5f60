import { readFileSync } from 'node:fs';
import path from 'node:path';
import '../../../src/receipts/receipt-tables';
import {
  deleteProcedure,
  feeCatalogSchema,
  findFee,
  importFeeCatalog,
  listFeeCatalog,
  putProcedure,
} from '../../../src/receipts/fee-catalog';
import { isAppError } from '../../../src/errors';
import { openTestDatabase } from '../../helpers/test-db';

const sample = feeCatalogSchema.parse(
  JSON.parse(readFileSync(path.join(__dirname, '../../../samples/fees/ubnd-can-giuoc.json'), 'utf8')),
);

describe('fee catalogue on postgres', () => {
  test('when the sample catalogue is imported, then it lists back identical and fees are found by code', async () => {
    const database = await openTestDatabase('postgres');
    try {
      expect(await importFeeCatalog(database.db, sample)).toBe(5);
      const listed = await listFeeCatalog(database.db, sample.agencyCode);
      const byCode = (a: { code: string }, b: { code: string }) => a.code.localeCompare(b.code);
      expect(listed.procedures).toEqual(
        [...sample.procedures].sort(byCode).map((p) => ({ ...p, fees: [...p.fees].sort(byCode) })),
      );
      const fee = await findFee(database.db, sample.agencyCode, 'GPXD-NORL', 'LP-GPXD-NORL');
      expect(fee).toMatchObject({ amount: 75000, kind: 'le_phi', procedureName: 'Cấp giấy phép xây dựng đối với nhà ở riêng lẻ' });
    } finally {
      await database.close();
    }
  });

  test('when a procedure is replaced, then its old fees are gone; when deleted, then findFee is FEE_NOT_FOUND', async () => {
    const database = await openTestDatabase('postgres');
    try {
      await importFeeCatalog(database.db, sample);
      await putProcedure(database.db, sample.agencyCode, {
        code: 'CTCK',
        name: 'Chứng thực chữ ký',
        fees: [{ code: 'P-CTCK-2', name: 'Phí chứng thực chữ ký', kind: 'phi', amount: 10000 }],
      });
      const err = await findFee(database.db, sample.agencyCode, 'CTCK', 'P-CTCK').catch((e) => e);
      expect(isAppError(err, 'FEE_NOT_FOUND')).toBe(true);
      await deleteProcedure(database.db, sample.agencyCode, 'CTCK');
      const gone = await findFee(database.db, sample.agencyCode, 'CTCK', 'P-CTCK-2').catch((e) => e);
      expect(isAppError(gone, 'FEE_NOT_FOUND')).toBe(true);
    } finally {
      await database.close();
    }
  });
});
