/**
 * Issue 6 benchmark: receipts issued end to end (number, XML signature, rendering, embedding,
 * PAdES, storage) by `concurrency` issuers on ONE series (the worst case: every issue waits on the
 * same series row lock). Files go to the content-addressed file store (fsync'd) under a temporary
 * DATA_DIR; the registry is embedded PGlite, and PostgreSQL too when reachable
 * (DATABASE_URL_TEST, else postgres://postgres@127.0.0.1:5432/test; own schema, dropped after).
 * Two RSA-2048 signatures per receipt (XML + PAdES): the limit is the raw RSA rate / 2.
 * Run alone: `node bin/run-ts.js bench/receipts.ts [seconds] [concurrency]`.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, type Database } from '../src/registry/database';
import { FsDocumentStore } from '../src/storage/fs-document-store';
import { loadKeyStoreFromFile } from '../src/keys/load-key-store-fs';
import { loadTinosFonts } from '../src/stamp';
import { issueReceipt } from '../src/receipts/issue-receipt';
import { organisationKeyFromStore } from '../src/receipts/organisation-key';
import type { ReceiptsDeps } from '../src/receipts/receipts-deps';
import { measureRawRsa2048, report, reachablePostgres } from './harness';

const ROOT = path.resolve(__dirname, '..');

/** Runs `fn(i)` with `concurrency` calls in flight for `seconds`; calls per second. */
async function rate(fn: (i: number) => Promise<void>, seconds: number, concurrency: number): Promise<{ perSecond: number; done: number; cpuMsEach: number }> {
  let done = 0;
  let next = 0;
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(Math.round(seconds * 1e9));
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (process.hrtime.bigint() < deadline) {
        await fn(next++);
        done++;
      }
    }),
  );
  const used = process.cpuUsage(cpu);
  // this process's CPU (user + system) per receipt: comparable on a shared machine, unlike the rate
  // (PGlite runs in this process; a PostgreSQL server's own CPU is not counted)
  return { perSecond: done / (Number(process.hrtime.bigint() - start) / 1e9), done, cpuMsEach: (used.user + used.system) / 1000 / done };
}


async function benchOn(databaseUrl: string | undefined, limit: number, seconds: number, concurrency: number): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kyso-bench-receipts-'));
  const schema = databaseUrl ? `bench_receipts_${process.pid}` : undefined;
  const database: Database = await openDatabase({ dataDir: dir, databaseUrl, schema, poolSize: concurrency + 2 });
  const keys = loadKeyStoreFromFile(path.join(ROOT, 'certs-dev', 'index.json'));
  try {
    const deps: ReceiptsDeps = {
      db: database.db,
      store: FsDocumentStore.inDataDir(dir),
      organisationKey: organisationKeyFromStore(keys),
      fonts: loadTinosFonts(),
      publicBaseUrl: 'https://kyso.example.vn',
    };
    const sample = JSON.parse(readFileSync(path.join(ROOT, 'samples', 'receipt-request.json'), 'utf8')) as Record<string, unknown>;
    const run = `${process.pid}-${Date.now()}`;
    const one = async (i: number): Promise<void> => {
      await issueReceipt(deps, { ...sample, idempotencyKey: `bench-${run}-${i}` }, 'bench');
    };
    for (let i = 0; i < 20; i++) await one(-1 - i);
    const measured = await rate(one, seconds, concurrency);
    const numbers = await database.db.selectFrom('receipts').select((eb) => [eb.fn.max('number').as('max'), eb.fn.countAll().as('count')]).executeTakeFirstOrThrow();
    const isGapless = Number(numbers.max) === Number(numbers.count);
    report({
      bench: 'receipts.issue', value: measured.perSecond, unit: 'receipts/s', target: 200, limit, ratio: measured.perSecond / limit,
      receipts: measured.done, cpuMsPerReceipt: measured.cpuMsEach, concurrency, driver: database.driver, gapless: isGapless, loadavg: os.loadavg()[0],
    });
  } finally {
    await keys.close();
    if (schema) await database.db.schema.dropSchema(schema).ifExists().cascade().execute().catch(() => undefined);
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Issues receipts for `seconds` with `concurrency` issuers on one series, on PGlite then PostgreSQL. */
export async function benchReceipts(limits: { rsaPerSecond: number; sha256MBps: number }, seconds = 5, concurrency = 32): Promise<void> {
  const limit = limits.rsaPerSecond / 2;
  await benchOn(undefined, limit, seconds, concurrency);
  const url = await reachablePostgres();
  if (url) await benchOn(url, limit, seconds, concurrency);
}

if (require.main === module || module.parent?.filename.endsWith('run-ts.js')) {
  (async () => {
    const rsa = await measureRawRsa2048();
    report({ bench: 'limit.rsa2048-sign', value: rsa.perSecond, unit: 'signatures/s' });
    await benchReceipts({ rsaPerSecond: rsa.perSecond, sha256MBps: 0 }, Number(process.argv[2] ?? 5), Number(process.argv[3] ?? 32));
  })().catch((e) => {
    process.stderr.write(`bench failed: ${(e as Error).stack ?? e}\n`);
    process.exit(1);
  });
}
