/**
 * Shared fixtures of the receipts tests: a sample receipt and a KeyHandle over a test-PKI
 * identity (node:crypto signing, the same contract as the PKCS#12 handle of src/keys).
 */
import { sign as cryptoSign } from 'node:crypto';
import type { KeyHandle } from '../../../src/keys/key-handle';
import type { DevIdentity } from '../../../src/pki/generate-dev-pki';
import type { Receipt } from '../../../src/receipts/receipt-model';
import { getTestPki } from '../../fixtures/pki/test-pki';

/** A KeyHandle over a generated identity. */
export function keyHandleOf(identity: DevIdentity): KeyHandle {
  const details = identity.privateKey.asymmetricKeyDetails;
  const isEc = identity.privateKey.asymmetricKeyType === 'ec';
  return {
    alias: identity.alias,
    certificate: identity.certificateDer,
    chain: identity.chain,
    key: isEc ? { kind: 'ec', curve: 'P-256' } : { kind: 'rsa', bits: details?.modulusLength ?? 2048 },
    scheme: isEc ? 'ecdsa' : 'rsa-pkcs1',
    async sign(data, hash) {
      return cryptoSign(hash, data, { key: identity.privateKey, dsaEncoding: 'der' });
    },
    async close() {},
  };
}

/** The organisation key of UBND huyện Cần Giuộc from the test PKI. */
export function organisationKey(): KeyHandle {
  return keyHandleOf(getTestPki().get('org-can-giuoc'));
}

/** A receipt for a building permit charge, numbered 1 in series EBL01/25T. */
export function sampleReceipt(overrides: Partial<Receipt> = {}): Receipt {
  return {
    id: 'rcpt_0001',
    title: 'Biên lai thu phí, lệ phí không in sẵn mệnh giá',
    templateSymbol: 'EBL01',
    symbol: '25T',
    number: 1,
    issuedAt: new Date('2025-06-02T03:04:05Z'),
    agencyCode: '000.00.31.H40',
    dossierCode: 'H40.31-250602-0001',
    collector: {
      name: 'UBND huyện Cần Giuộc',
      taxCode: '1100123456',
      address: 'Khu phố 1, thị trấn Cần Giuộc, huyện Cần Giuộc, tỉnh Long An',
      phone: '0272 3874 123',
      bankAccount: '0011001234567',
      bankName: 'Vietcombank',
    },
    payer: {
      name: 'Nguyễn Thị Hoa & "Con"',
      personalId: '080190001234',
      address: 'Ấp Long Thạnh, xã Long Thượng, huyện Cần Giuộc, tỉnh Long An',
    },
    items: [
      {
        procedureCode: '1.009794',
        procedureName: 'Cấp giấy phép xây dựng nhà ở riêng lẻ',
        feeCode: 'LP-GPXD-NO',
        name: 'Lệ phí cấp giấy phép xây dựng nhà ở riêng lẻ',
        kind: 'le_phi',
        quantity: 1,
        unitPrice: 75000,
        amount: 75000,
      },
      {
        name: 'Phí chứng thực bản sao (trang)',
        kind: 'phi',
        quantity: 4,
        unitPrice: 2000,
        amount: 8000,
      },
    ],
    total: 83000,
    totalInWords: 'Tám mươi ba nghìn đồng',
    paymentMethod: 'transfer',
    ...overrides,
  };
}
