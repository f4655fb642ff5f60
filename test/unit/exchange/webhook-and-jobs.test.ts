import { isValidRequestSignature, signRequestBody } from '../../../src/exchange/webhook-signature';
import { postSigned } from '../../../src/exchange/post-signed';
import { deliveryJobSchema, jobIdOf } from '../../../src/exchange/delivery-job';
import { ecdsaDerToRaw } from '../../../src/exchange/edxml-signature';
import { exchangeOptions, type ExchangeDeps } from '../../../src/exchange/exchange-deps';
import { silentLogger } from '../../../src/log';
import { createSign, generateKeyPairSync, createVerify } from 'node:crypto';

const at = new Date('2026-06-02T00:00:00Z');

describe('webhook signature', () => {
  test('when a body is signed, then the same secret, body and time verify it; anything else does not', () => {
    const h = signRequestBody('s3cret-0123456789', '{"a":1}', at);
    expect(h).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(isValidRequestSignature('s3cret-0123456789', '{"a":1}', h, at)).toBe(true);
    expect(isValidRequestSignature('other-secret-000', '{"a":1}', h, at)).toBe(false);
    expect(isValidRequestSignature('s3cret-0123456789', '{"a":2}', h, at)).toBe(false);
    expect(isValidRequestSignature('s3cret-0123456789', '{"a":1}', h, new Date(at.getTime() + 301_000))).toBe(false);
    expect(isValidRequestSignature('s3cret-0123456789', '{"a":1}', undefined, at)).toBe(false);
  });
});

describe('postSigned', () => {
  const depsWith = (status: number | Error): ExchangeDeps => ({
    http: async () => {
      if (status instanceof Error) throw status;
      return { status, body: '' };
    },
    options: exchangeOptions(), logger: silentLogger(), now: () => at,
  } as unknown as ExchangeDeps);

  test.each([[500, false], [503, false], [429, false], [408, false], [404, true], [400, true]])('when the receiver answers %i, then permanent is %s', async (status, permanent) => {
    await expect(postSigned(depsWith(status), 'http://x', 'k', '{}', 'id')).rejects.toMatchObject({ code: 'EXCHANGE_DELIVERY_FAILED', details: { permanent } });
  });

  test('when the network fails, then the failure is transient; a 2xx is success', async () => {
    await expect(postSigned(depsWith(new Error('ECONNREFUSED')), 'http://x', 'k', '{}', 'id')).rejects.toMatchObject({ details: { permanent: false } });
    await expect(postSigned(depsWith(204), 'http://x', 'k', '{}', 'id')).resolves.toBe('');
  });
});

describe('delivery job', () => {
  test('when a job id is made, then it has no ":" (BullMQ refuses it) and names message and receiver', () => {
    const id = jobIdOf({ kind: 'message', messageId: 'm1', receiverCode: '000.00.00.H20' });
    expect(id).toBe('m1@000.00.00.H20');
    expect(id).not.toContain(':');
    expect(jobIdOf({ kind: 'status', statusId: 's1', receiverCode: '000.00.00.H20' })).toBe('status-s1@000.00.00.H20');
  });

  test('when a payload carries more than ids or lacks one, then the schema says so', () => {
    expect(deliveryJobSchema.safeParse({ kind: 'message', messageId: 'm' }).success).toBe(false);
    expect(deliveryJobSchema.parse({ kind: 'message', messageId: 'm', receiverCode: 'r', envelope: {} })).toEqual({ kind: 'message', messageId: 'm', receiverCode: 'r' });
  });
});

describe('ECDSA signature form', () => {
  test('when a DER ECDSA signature is converted, then r||s verifies with ieee-p1363', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    for (let i = 0; i < 20; i++) {
      const der = createSign('sha256').update(`m${i}`).sign(privateKey);
      const raw = ecdsaDerToRaw(der, 32);
      expect(raw).toHaveLength(64);
      expect(createVerify('sha256').update(`m${i}`).verify({ key: publicKey, dsaEncoding: 'ieee-p1363' }, raw)).toBe(true);
    }
  });
});
