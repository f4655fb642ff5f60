/**
 * Receipts use-case dependencies over a real database (PostgreSQL schema or PGlite), the
 * in-memory DocumentStore, the Tinos fonts and the test PKI's organisation key opened from its
 * PKCS#12 by the real key module.
 */
import type { KeyHandle } from '../../../src/keys/key-handle';
import { openPkcs12 } from '../../../src/keys/open-pkcs12';
import type { Database } from '../../../src/registry/database';
import { importFeeCatalog, type FeeCatalog } from '../../../src/receipts/fee-catalog';
import type { ReceiptRequestInput } from '../../../src/receipts/receipt-request';
import type { ReceiptsDeps } from '../../../src/receipts/receipts-deps';
import { loadTinosFonts } from '../../../src/stamp/load-tinos-fonts';
import { MemoryDocumentStore } from '../../../src/storage/document-store';
import { getTestPki } from '../../fixtures/pki/test-pki';

export const AGENCY = '000.00.31.H40';

let key: KeyHandle | undefined;

/** The organisation key of UBND huyện Cần Giuộc, opened once per test file. */
export function canGiuocKey(): KeyHandle {
  const id = getTestPki().get('org-can-giuoc');
  key ??= openPkcs12(id.pkcs12, id.passphrase, id.alias);
  return key;
}

/** Deps over `database`; `overrides` replace ports (e.g. a failing store). */
export function receiptsDeps(database: Database, overrides: Partial<ReceiptsDeps> = {}): ReceiptsDeps & { store: MemoryDocumentStore } {
  return {
    db: database.db,
    store: new MemoryDocumentStore(),
    organisationKey: async () => canGiuocKey(),
    fonts: loadTinosFonts(),
    publicBaseUrl: 'http://localhost:3000',
    ...overrides,
  } as ReceiptsDeps & { store: MemoryDocumentStore };
}

export const CATALOG: FeeCatalog = {
  agencyCode: AGENCY,
  procedures: [
    {
      code: 'GPXD-NORL',
      name: 'Cấp giấy phép xây dựng đối với nhà ở riêng lẻ',
      fees: [{ code: 'LP-GPXD-NORL', name: 'Lệ phí cấp giấy phép xây dựng nhà ở riêng lẻ', kind: 'le_phi', amount: 75000 }],
    },
    {
      code: 'CTBS',
      name: 'Chứng thực bản sao từ bản chính',
      fees: [{ code: 'P-CTBS-T1-2', name: 'Phí chứng thực bản sao (trang 1-2)', kind: 'phi', amount: 2000 }],
    },
  ],
};

export async function seedCatalog(database: Database): Promise<void> {
  await importFeeCatalog(database.db, CATALOG);
}

/** A request for a building permit charge and two certified pages. */
export function request(idempotencyKey: string, overrides: Partial<ReceiptRequestInput> = {}): ReceiptRequestInput {
  return {
    idempotencyKey,
    agencyCode: AGENCY,
    collector: {
      name: 'UBND huyện Cần Giuộc',
      taxCode: '1100123456',
      address: 'Khu phố 1, thị trấn Cần Giuộc, huyện Cần Giuộc, tỉnh Long An',
      bankAccount: '0011001234567',
      bankName: 'Vietcombank',
      bankBin: '970436',
    },
    payer: { name: 'Nguyễn Thị Hoa', personalId: '080190001234', address: 'xã Long Thượng, huyện Cần Giuộc' },
    dossierCode: 'H40.31-250602-0001',
    items: [
      { procedureCode: 'GPXD-NORL', feeCode: 'LP-GPXD-NORL', quantity: 1 },
      { procedureCode: 'CTBS', feeCode: 'P-CTBS-T1-2', quantity: 2 },
    ],
    paymentMethod: 'cash',
    ...overrides,
  };
}
