import { envelopeSchema, deriveDocumentId } from '../../../src/exchange/envelope';
import { BUSINESS_STATUS_CODES, BUSINESS_DOC_TYPES, isDeduplicatedStatus } from '../../../src/exchange/business-codes';
import { sampleEnvelope } from './fixtures/sample-envelope';

describe('envelope model', () => {
  test('when the documentId is absent, then it is derived as {from},{yyyy/MM/dd},{number}/{notation}', () => {
    const e = envelopeSchema.parse(sampleEnvelope());
    expect(e.documentId).toBe('000.00.14.H20,2026/06/02,808/STTTT-VP');
    expect(deriveDocumentId(e)).toBe(e.documentId);
  });

  test('when a receiver is a bare code, then it becomes an Organization', () => {
    const e = envelopeSchema.parse(sampleEnvelope());
    expect(e.to[1]).toEqual({ organId: '000.00.14.H56' });
  });

  test('when the same receiver appears twice, then the envelope is refused', () => {
    const r = envelopeSchema.safeParse(sampleEnvelope({ to: ['000.00.00.H20', '000.00.00.H20'] }));
    expect(r.success).toBe(false);
  });

  test('when an agency code is malformed, then the envelope is refused', () => {
    expect(envelopeSchema.safeParse(sampleEnvelope({ from: '28.22.H17' })).success).toBe(false);
  });

  test('when a revoke names no documentId, then the envelope is refused', () => {
    expect(envelopeSchema.safeParse(sampleEnvelope({ business: { docType: 1 } })).success).toBe(false);
    expect(envelopeSchema.safeParse(sampleEnvelope({ business: { docType: 1, documentId: 'x' } })).success).toBe(true);
  });

  test('when priority is outside 0..4, then the envelope is refused', () => {
    expect(envelopeSchema.safeParse(sampleEnvelope({ otherInfo: { priority: 5 } })).success).toBe(false);
  });

  test('when reading the code tables, then every status and doc type has a Vietnamese meaning', () => {
    expect(Object.keys(BUSINESS_STATUS_CODES).sort()).toEqual(['01', '02', '03', '04', '05', '06', '13', '15', '16']);
    expect(BUSINESS_STATUS_CODES['06'].vi).toBe('Đã hoàn thành xử lý');
    expect(BUSINESS_DOC_TYPES[1].vi).toBe('Thu hồi');
    expect(isDeduplicatedStatus('05')).toBe(false);
    expect(isDeduplicatedStatus('01')).toBe(true);
  });
});
