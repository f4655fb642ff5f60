/**
 * The ingress verification cache: a VALID report is reused for the same bytes under the same
 * trust anchors on the same day, never past a chain certificate's notAfter, never for other
 * verdicts.
 */
import { cachedAttachmentVerifier } from '../../../src/exchange/verification-cache';
import type { AttachmentVerification } from '../../../src/exchange/ports';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 22, 3, 0, 0);

function counting(verdictOf: (b: Buffer) => string, notAfter = '2030-01-01T00:00:00Z') {
  let calls = 0;
  const verify = async (b: Buffer): Promise<AttachmentVerification> => {
    calls++;
    return { verdict: verdictOf(b) as 'VALID', report: { signatures: [{ trust: { chain: [{ notAfter }, { notAfter: '2040-01-01T00:00:00Z' }] } }] } };
  };
  return { verify, calls: () => calls };
}

describe('cachedAttachmentVerifier', () => {
  test('when the same VALID bytes come again the same day, then they are verified once and the report is reused', async () => {
    const v = counting(() => 'VALID');
    let now = T0;
    const cached = cachedAttachmentVerifier(v.verify, { now: () => now });
    const first = await cached(Buffer.from('%PDF-a'));
    now += 60_000;
    const second = await cached(Buffer.from('%PDF-a'));
    expect(second).toBe(first);
    expect(v.calls()).toBe(1);
    expect(cached.stats()).toMatchObject({ hits: 1, misses: 1 });
  });

  test('when the bytes differ by one byte, then they are verified again', async () => {
    const v = counting(() => 'VALID');
    const cached = cachedAttachmentVerifier(v.verify, { now: () => T0 });
    await cached(Buffer.from('%PDF-a'));
    await cached(Buffer.from('%PDF-b'));
    expect(v.calls()).toBe(2);
  });

  test('when the verdict is not VALID, then it is never reused', async () => {
    for (const verdict of ['INVALID', 'MODIFIED', 'INDETERMINATE', 'NOT_SIGNED']) {
      const v = counting(() => verdict);
      const cached = cachedAttachmentVerifier(v.verify, { now: () => T0 });
      await cached(Buffer.from('%PDF-x'));
      await cached(Buffer.from('%PDF-x'));
      expect(v.calls()).toBe(2);
    }
  });

  test('when the validation day changes, or the maximum age passes, then the bytes are verified again', async () => {
    const v = counting(() => 'VALID');
    let now = T0;
    const cached = cachedAttachmentVerifier(v.verify, { now: () => now, maxAgeMs: 5 * 60_000 });
    await cached(Buffer.from('%PDF-a'));
    now += 6 * 60_000;
    await cached(Buffer.from('%PDF-a'));
    expect(v.calls()).toBe(2);
    now = Math.floor(T0 / DAY) * DAY + DAY + 1000;
    await cached(Buffer.from('%PDF-a'));
    expect(v.calls()).toBe(3);
  });

  test('when a chain certificate expires later that day, then the report is not reused past its notAfter', async () => {
    const v = counting(() => 'VALID', new Date(T0 + 60_000).toISOString());
    let now = T0;
    const cached = cachedAttachmentVerifier(v.verify, { now: () => now });
    await cached(Buffer.from('%PDF-a'));
    now = T0 + 30_000;
    await cached(Buffer.from('%PDF-a'));
    expect(v.calls()).toBe(1);
    now = T0 + 61_000;
    await cached(Buffer.from('%PDF-a'));
    expect(v.calls()).toBe(2);
  });

  test('when the same bytes arrive concurrently, then one verification serves them all', async () => {
    const v = counting(() => 'VALID');
    const cached = cachedAttachmentVerifier(v.verify, { now: () => T0 });
    await Promise.all(Array.from({ length: 8 }, () => cached(Buffer.from('%PDF-a'))));
    expect(v.calls()).toBe(1);
  });
});
