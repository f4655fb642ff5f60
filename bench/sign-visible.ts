/**
 * Issue 4 benchmark: sign the one-page Quyết định with both visible Decree 30 appearances
 * (personal under "CHỦ TỊCH", then organisation with the seal over the personal image and the
 * registry's QR code) and register it (id and token reserved in memory -> sign -> one insert of
 * the row and its audit event: PGlite under a temporary DATA_DIR, signed files in the
 * content-addressed file store), at 4 and at 16 documents in flight; the audit chain is verified
 * after the run. Signing runs as the service runs it: the CPU-bound part in the signing worker
 * threads (SIGN_WORKERS, one per core), the keys, registry and file store in this thread; the same
 * in this thread alone is reported for comparison. Two RSA-2048 signatures per document, so the
 * limit is the raw node:crypto RSA-2048 rate / 2, measured in the same run.
 * Run alone: `node bin/run-ts.js bench/sign-visible.ts [seconds] [concurrency]`; set
 * KYSO_BENCH_DATABASE_URL=postgres://… to measure on a PostgreSQL server instead of PGlite.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os, { availableParallelism } from 'node:os';
import path from 'node:path';
import { openDatabase } from '../src/registry/database';
import { FsDocumentStore } from '../src/storage/fs-document-store';
import { MemoryDocumentStore } from '../src/storage/document-store';
import { loadKeyStoreFromFile } from '../src/keys/load-key-store-fs';
import { createStampKit, loadTinosFonts } from '../src/stamp';
import { signDocument, type SignDocumentDeps } from '../src/documents/sign-document';
import { createSigningWorkers } from '../src/documents/signing-workers';
import { verifyAuditChain } from '../src/audit/audit-log';
import { measureRawRsa2048, report } from './harness';

const ROOT = path.resolve(__dirname, '..');

/** Runs `fn` with `concurrency` calls in flight for `seconds`; documents per second. */
async function rate(fn: () => Promise<void>, seconds: number, concurrency: number): Promise<{ perSecond: number; done: number }> {
  let done = 0;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(Math.round(seconds * 1e9));
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (process.hrtime.bigint() < deadline) {
        await fn();
        done++;
      }
    }),
  );
  return { perSecond: done / (Number(process.hrtime.bigint() - start) / 1e9), done };
}

/** Runs the benchmark for `seconds` with `concurrency` documents in flight. */
export async function benchSignVisible(limits: { rsaPerSecond: number }, seconds = 5, concurrency = 4): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kyso-bench-visible-'));
  // KYSO_BENCH_DATABASE_URL: run against a PostgreSQL server (own schema) instead of PGlite
  const databaseUrl = process.env.KYSO_BENCH_DATABASE_URL;
  const database = await openDatabase({ dataDir: dir, databaseUrl, schema: databaseUrl ? `bench_visible_${process.pid}` : undefined });
  const keys = loadKeyStoreFromFile(path.join(ROOT, 'certs-dev', 'index.json'));
  const fonts = loadTinosFonts();
  const threads = Math.max(1, availableParallelism());
  const workers = createSigningWorkers({ size: threads, fonts });
  try {
    const deps: SignDocumentDeps = {
      keys,
      stamp: await createStampKit(fonts),
      workers,
      documents: { db: database.db, store: new FsDocumentStore(path.join(dir, 'files')), publicBaseUrl: 'https://kyso.example.vn' },
    };
    const pdf = readFileSync(path.join(ROOT, 'samples', 'quyet-dinh.pdf'));
    const signatureImage = readFileSync(path.join(ROOT, 'samples', 'chu-ky-ca-nhan.png'));
    const sealImage = readFileSync(path.join(ROOT, 'samples', 'con-dau-do.png'));
    const actor = { kind: 'agency' as const, agencyCode: '000.00.31.H40' };
    const one = async (): Promise<void> => {
      const personal = await signDocument(deps, { pdf, keyAlias: 'can-giuoc-chu-tich', actor, appearance: 'personal', signatureImage, anchor: 'CHỦ TỊCH' });
      await signDocument(deps, {
        pdf: personal.bytes, keyAlias: 'org-can-giuoc', actor, appearance: 'organisation', sealImage, qr: true,
        numberAndNotation: '125/QĐ-UBND', title: 'Về việc cấp giấy phép xây dựng', documentType: 'Quyết định',
      });
    };
    // the same two appearances without the registry (no QR, nothing stored): the signing part alone
    const unregistered = async (): Promise<void> => {
      const personal = await signDocument(deps, { pdf, keyAlias: 'can-giuoc-chu-tich', actor, appearance: 'personal', signatureImage, anchor: 'CHỦ TỊCH' });
      await signDocument(deps, { pdf: personal.bytes, keyAlias: 'org-can-giuoc', actor, appearance: 'organisation', sealImage });
    };
    const limit = limits.rsaPerSecond / 2;
    for (let i = 0; i < 20; i++) await one();
    // a service signs many requests at once: more in flight hides the file store's fsync and
    // lets concurrent registrations share one statement (insertIssuedDocument) and one seal
    for (const inFlight of [...new Set([concurrency, 16])]) {
      const registered = await rate(one, seconds, inFlight);
      report({ bench: 'sign.visible-qr-registered', value: registered.perSecond, unit: 'docs/s', limit, ratio: registered.perSecond / limit, target: 300, documents: registered.done, concurrency: inFlight, driver: database.driver, signWorkers: threads, loadavg: os.loadavg()[0] });
    }
    // the same in the request thread only (SIGN_WORKERS=0): what the worker threads bring
    deps.workers = undefined;
    const oneThread = await rate(one, seconds, 16);
    deps.workers = workers;
    report({ bench: 'sign.visible-qr-registered-one-thread', value: oneThread.perSecond, unit: 'docs/s', limit, ratio: oneThread.perSecond / limit, documents: oneThread.done, concurrency: 16, driver: database.driver, signWorkers: 0 });
    // the same at 16 in flight with the files kept in memory: what the fsync'd file store costs
    const fsDocuments = deps.documents;
    deps.documents = { ...fsDocuments!, store: new MemoryDocumentStore() };
    const inMemory = await rate(one, seconds, 16);
    deps.documents = fsDocuments;
    report({ bench: 'sign.visible-qr-registered-memory-store', value: inMemory.perSecond, unit: 'docs/s', limit, ratio: inMemory.perSecond / limit, documents: inMemory.done, concurrency: 16, driver: database.driver });
    const chain = await verifyAuditChain(database.db);
    if (!chain.ok || chain.unsealed !== 0) throw new Error(`the audit chain does not verify after the run: ${JSON.stringify(chain)}`);
    const alone = await rate(unregistered, seconds, 16);
    report({ bench: 'sign.visible-two-appearances', value: alone.perSecond, unit: 'docs/s', limit, ratio: alone.perSecond / limit, documents: alone.done, concurrency: 16, signWorkers: threads });
  } finally {
    await workers.close();
    await keys.close();
    if (databaseUrl) await database.db.schema.dropSchema(database.schema).cascade().execute();
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module || module.parent?.filename.endsWith('run-ts.js')) {
  (async () => {
    const rsa = await measureRawRsa2048();
    report({ bench: 'limit.rsa2048-sign', value: rsa.perSecond, unit: 'signatures/s' });
    await benchSignVisible({ rsaPerSecond: rsa.perSecond }, Number(process.argv[2] ?? 5), Number(process.argv[3] ?? 4));
  })().catch((e) => {
    process.stderr.write(`bench failed: ${(e as Error).stack ?? e}\n`);
    process.exit(1);
  });
}
