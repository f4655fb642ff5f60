/**
 * The organisation's PAdES signature the receipt template writes as it renders (receipt-pades.ts)
 * judged by kyso's own verifier: valid, trusted, covering the whole file, in one revision.
 */
import { certificatesFromBytes, createVerificationContext, TrustStore, verifyPdf } from '../../../src/verification';
import { issueReceipt } from '../../../src/receipts/issue-receipt';
import { openDatabase, type Database } from '../../../src/registry/database';
import { testRootPem } from '../../fixtures/pki/test-pki';
import { receiptsDeps, request, seedCatalog } from './receipts-test-deps';

describe('the receipt PDF signature', () => {
  let database: Database;

  beforeAll(async () => {
    database = await openDatabase({ dataDir: ':memory:' });
    await seedCatalog(database);
  });
  afterAll(async () => {
    await database.close();
  });

  test('when a receipt is issued, then verifyPdf finds one valid organisation signature over the entire file', async () => {
    const deps = receiptsDeps(database);
    const r = await issueReceipt(deps, request('key-pades-1'), 'test');
    const pdf = (await deps.store.get(r.pdfSha256))!;
    const trustStore = new TrustStore(certificatesFromBytes(Buffer.from(testRootPem())));
    const report = await verifyPdf(pdf, createVerificationContext({ trustStore, now: new Date() }));
    expect(report.verdict).toBe('VALID');
    expect(report.document.revisions).toBe(1);
    expect(report.signatures).toHaveLength(1);
    const [sig] = report.signatures;
    expect(sig).toMatchObject({ fieldName: 'ToChucThuTien', reachable: true, type: 'approval', subFilter: 'ETSI.CAdES.detached', coverage: 'ENTIRE_FILE', indication: 'TOTAL_PASSED' });
    expect(sig!.signer?.subject).toContain('UBND huyện Cần Giuộc');
    expect(new Date(sig!.claimedSigningTime!).getTime()).toBe(Math.floor(new Date(r.issuedAt).getTime() / 1000) * 1000);
  });

  test('when the next receipts are issued on PGlite (numbers claimed and rows inserted in one statement), then they read back as issued', async () => {
    const deps = receiptsDeps(database);
    const requests = ['key-pades-2', 'key-pades-3'].map((k) => request(k));
    const issued = await Promise.all(requests.map((q) => issueReceipt(deps, q, 'test')));
    expect(issued.map((r) => r.number).sort()).toEqual([2, 3]);
    for (const [i, r] of issued.entries()) expect(await issueReceipt(deps, requests[i], 'test')).toEqual(r);
  });
});
