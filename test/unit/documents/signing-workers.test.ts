/**
 * The signing worker pool: the same signatures as in the request thread (byte for byte apart from
 * the random parts), errors keep their stable codes across the thread boundary, a failing key
 * fails the job, and stopping the threads fails the jobs in flight instead of hanging them.
 */
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signDocument, type SignDocumentDeps } from '../../../src/documents/sign-document';
import { createSigningWorkers } from '../../../src/documents/signing-workers';
import type { SignWorkRunner } from '../../../src/documents/sign-work';
import { AppError } from '../../../src/errors';
import type { KeyHandle } from '../../../src/keys/key-handle';
import { loadKeyStoreFromFile } from '../../../src/keys/load-key-store-fs';
import { openPdf } from '../../../src/pdf';
import { createStampKit, findSignatureImage, loadTinosFonts } from '../../../src/stamp';
import { certificatesFromBytes, createVerificationContext, TrustStore, verifyPdf } from '../../../src/verification';

const root = join(__dirname, '..', '..', '..');
const samples = join(root, 'samples');
const pdf = readFileSync(join(samples, 'quyet-dinh.pdf'));
const signatureImage = readFileSync(join(samples, 'chu-ky-ca-nhan.png'));
const sealImage = readFileSync(join(samples, 'con-dau-do.png'));
const actor = { kind: 'agency' as const, agencyCode: '000.00.31.H40' };

describe('signing worker threads', () => {
  const keys = loadKeyStoreFromFile(join(root, 'certs-dev', 'index.json'));
  const fonts = loadTinosFonts();
  let workers: SignWorkRunner;
  let deps: SignDocumentDeps;

  beforeAll(async () => {
    workers = createSigningWorkers({ size: 2, fonts });
    deps = { keys, stamp: await createStampKit(fonts), workers };
  }, 60_000);
  afterAll(async () => {
    await workers.close();
    await keys.close();
  });

  it('when documents are signed through the pool, then both Decree 30 signatures verify and the seal sits over the personal image', async () => {
    const signed = await Promise.all(
      [0, 1, 2, 3].map(async () => {
        const personal = await signDocument(deps, { pdf, keyAlias: 'can-giuoc-chu-tich', actor, appearance: 'personal', signatureImage, anchor: 'CHỦ TỊCH' });
        expect(personal.placement?.page).toBe(0);
        return signDocument(deps, { pdf: personal.bytes, keyAlias: 'org-can-giuoc', actor, appearance: 'organisation', sealImage });
      }),
    );
    const trust = new TrustStore([...certificatesFromBytes(readFileSync(join(root, 'certs-dev', 'dev-root-ca.crt')))]);
    for (const s of signed) {
      expect(s.bytes.subarray(0, pdf.length).equals(pdf)).toBe(true);
      const report = await verifyPdf(s.bytes, createVerificationContext({ trustStore: trust, now: new Date() }));
      expect(report.signatures).toHaveLength(2);
      expect(report.signatures.every((x) => x.integrity.digestMatches && x.integrity.signatureValid)).toBe(true);
      expect(report.verdict).toBe('VALID');
      expect(findSignatureImage(openPdf(s.bytes))).toBeDefined();
    }
  }, 60_000);

  it('when the anchor is missing, then the worker reports PDF_ANCHOR_NOT_FOUND as an AppError', async () => {
    const failure = signDocument(deps, { pdf, keyAlias: 'can-giuoc-chu-tich', actor, appearance: 'personal', signatureImage, anchor: 'KHÔNG CÓ DÒNG NÀY' });
    await expect(failure).rejects.toBeInstanceOf(AppError);
    await expect(failure).rejects.toMatchObject({ code: 'PDF_ANCHOR_NOT_FOUND' });
  });

  it('when the input is not a PDF, then the parse error keeps its code', async () => {
    await expect(signDocument(deps, { pdf: Buffer.from('not a pdf at all'), keyAlias: 'can-giuoc-chu-tich', actor })).rejects.toMatchObject({ code: expect.stringMatching(/^PDF_/) });
  });

  it('when the key fails to sign in the parent thread, then the job fails with the key error', async () => {
    const real = await keys.get('can-giuoc-chu-tich');
    const broken: KeyHandle = { ...real, alias: real.alias, sign: async () => { throw new AppError('SIGN_FAILED', 'The token refused the operation.'); }, close: real.close };
    await expect(workers.run({ pdf, signingTime: new Date() }, broken)).rejects.toMatchObject({ code: 'SIGN_FAILED' });
  });

  it('when the process runs from another directory, then the threads still load (the loader is resolved by the parent)', async () => {
    const cwd = process.cwd();
    process.chdir(tmpdir());
    const pool = createSigningWorkers({ size: 1, fonts });
    try {
      const key = await keys.get('can-giuoc-chu-tich');
      const done = await pool.run({ pdf, signingTime: new Date() }, key);
      expect(done.update.length).toBeGreaterThan(1000);
    } finally {
      process.chdir(cwd);
      await pool.close();
    }
  }, 60_000);

  it('when the threads are stopped with jobs in flight, then those jobs fail with INTERNAL and later jobs are refused', async () => {
    const pool = createSigningWorkers({ size: 1, fonts });
    const key = await keys.get('can-giuoc-chu-tich');
    await pool.run({ pdf, signingTime: new Date() }, key); // started and warm
    const inFlight = Array.from({ length: 8 }, () => pool.run({ pdf, signingTime: new Date(), appearance: 'personal', signatureImage, anchor: 'CHỦ TỊCH' }, key));
    await pool.close();
    const outcomes = await Promise.allSettled(inFlight);
    for (const o of outcomes) if (o.status === 'rejected') expect(o.reason).toMatchObject({ code: 'INTERNAL' });
    expect(outcomes.some((o) => o.status === 'rejected')).toBe(true);
    await expect(pool.run({ pdf, signingTime: new Date() }, key)).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
  }, 60_000);
});
