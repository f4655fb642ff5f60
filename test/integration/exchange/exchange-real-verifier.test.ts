/**
 * Ingress with the real verifier (verifyPdf over the development trust store): the signed sample
 * letter is accepted; an unsigned PDF and a signed one changed after signing are refused with
 * the verification report.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { openTestDatabase } from '../../helpers/test-db';
import type { Database } from '../../../src/registry/database';
import { openTrustStore } from '../../../src/compose';
import { verifyPdf } from '../../../src/verification/verify-pdf';
import { createVerificationContext } from '../../../src/trust/verification-context';
import { postMessage, startHarness, type Harness } from './fixtures/exchange-harness';

const SAMPLES = path.resolve(__dirname, '../../../samples');
const envelope = JSON.parse(readFileSync(path.join(SAMPLES, 'exchange/envelope.json'), 'utf8'));
const signed = readFileSync(path.join(SAMPLES, 'exchange/cong-van-signed.pdf'));

describe('exchange ingress with verifyPdf', () => {
  let database: Database;
  let h: Harness;
  let key = '';

  beforeAll(async () => {
    database = await openTestDatabase('pglite');
    h = await startHarness(database);
    const trustStore = await openTrustStore({ TRUST_DIR: undefined });
    const limits = { maxBytes: 50e6, maxObjects: 1e6, maxDepth: 64, maxDecompressedBytes: 1e9 };
    h.deps.verifyAttachment = async (bytes) => {
      const report = await verifyPdf(bytes, createVerificationContext({ trustStore, now: new Date(), limits }));
      return { verdict: report.verdict, report };
    };
    key = (await h.addAgency('000.00.14.H40')).apiKey;
    await h.addAgency('000.00.00.H56');
    await h.addAgency('000.00.31.H40');
  });
  afterAll(async () => {
    await h?.close();
    await database?.close();
  });

  test('when the attachment is the signed sample letter, then the message is accepted', async () => {
    const r = await postMessage(h, key, envelope, [{ name: 'cong-van.pdf', data: signed }]);
    expect(r.status).toBe(202);
  });

  test('when the attachment is unsigned or changed after signing, then it is refused with the report', async () => {
    const unsigned = await postMessage(h, key, { ...envelope, code: { number: '809', notation: 'STTTT-VP' } }, [{ name: 'qd.pdf', data: readFileSync(path.join(SAMPLES, 'quyet-dinh.pdf')) }]);
    expect(unsigned.status).toBe(422);
    expect(unsigned.body.error).toMatchObject({ code: 'EXCHANGE_ATTACHMENT_REJECTED', details: { verdict: 'NOT_SIGNED', report: { reportVersion: 1 } } });
    const tampered = Buffer.from(signed);
    const at = tampered.indexOf('/Type /Page');
    tampered.write('/Type /Pagf', at >= 0 ? at : 200, 'latin1');
    const changed = await postMessage(h, key, { ...envelope, code: { number: '810', notation: 'STTTT-VP' } }, [{ name: 'x.pdf', data: tampered }]);
    expect(changed.status).toBe(422);
    expect(['INVALID', 'MODIFIED']).toContain(changed.body.error.details.verdict);
  });
});
