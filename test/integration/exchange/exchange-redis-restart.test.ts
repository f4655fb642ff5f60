/**
 * Reliability: a test-owned redis-server (AOF everysec, noeviction, another port) is killed -9
 * in the middle of a run and restarted. Messages answered 202 are all delivered: jobs that the
 * AOF lost are re-enqueued by the sweeper from the registry. Messages sent while Redis is away
 * get 503 and are not counted as accepted.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openTestDatabase } from '../../helpers/test-db';
import type { Database } from '../../../src/registry/database';
import { startExchangeWorker } from '../../../src/cli/commands/worker';
import { sampleEnvelope } from '../../unit/exchange/fixtures/sample-envelope';
import { pdfBytes, postMessage, startHarness, waitFor, type Harness } from './fixtures/exchange-harness';

const SENDER = '000.00.14.H20';
const RECEIVERS = ['000.00.00.H20', '000.00.14.H56'];
const PORT = 20000 + (process.pid % 20000);

function startRedis(dir: string): Promise<ChildProcess> {
  const p = spawn('redis-server', ['--port', String(PORT), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes',
    '--appendfsync', 'everysec', '--save', '', '--maxmemory-policy', 'noeviction'], { stdio: ['ignore', 'pipe', 'ignore'] });
  return new Promise((resolve, reject) => {
    p.stdout!.on('data', (d: Buffer) => d.toString().includes('Ready to accept connections') && resolve(p));
    p.on('exit', (code) => reject(new Error(`redis-server exited ${code}`)));
  });
}

describe('Redis restart mid-run (PGlite, test-owned redis-server with AOF)', () => {
  let database: Database;
  let h: Harness;
  let redis: ChildProcess;
  let dir: string;
  let drain: () => Promise<void>;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'kyso-redis-'));
    redis = await startRedis(dir);
    database = await openTestDatabase('pglite');
    const redisUrl = `redis://127.0.0.1:${PORT}`;
    h = await startHarness(database, { redisUrl, attempts: 20, backoffMs: 100 });
    drain = await startExchangeWorker(h.deps, { redisUrl, queueName: h.queueName, concurrency: 8, sweepIntervalMs: 500, sweepOlderThanMs: 1000, lockDurationMs: 2000, stalledIntervalMs: 1000, maxStalledCount: 10 });
  });
  afterAll(async () => {
    await drain?.();
    await h?.close();
    redis?.kill('SIGKILL');
    await database?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('when Redis is killed and restarted during sends, then every message answered 202 reaches every receiver', async () => {
    const senderKey = (await h.addAgency(SENDER)).apiKey;
    for (const c of RECEIVERS) await h.addAgency(c);
    const accepted: string[] = [];
    let refused = 0;
    let n = 0;
    const send = async () => {
      const r = await postMessage(h, senderKey, sampleEnvelope({ to: RECEIVERS, code: { number: String(n++), notation: 'REDIS' } }), [{ name: 'a.pdf', data: pdfBytes(`r${n}`) }]);
      if (r.status === 202) accepted.push(r.body.id);
      else if (r.status === 503) refused++;
      else throw new Error(`unexpected ${r.status} ${JSON.stringify(r.body)}`);
    };
    const until = Date.now() + 4000;
    const sender = (async () => {
      while (Date.now() < until) await Promise.all([send(), send(), send()]);
    })();
    await new Promise((r) => setTimeout(r, 1200));
    redis.kill('SIGKILL');
    await new Promise((r) => setTimeout(r, 1000));
    redis = await startRedis(dir);
    await sender;
    const want = accepted.length * RECEIVERS.length;
    const done = await waitFor(async () => {
      const r = await database.db.selectFrom('exchange_deliveries').select((eb) => eb.fn.countAll().as('n'))
        .where('status', '=', 'delivered').where('message_id', 'in', accepted).executeTakeFirstOrThrow();
      return Number(r.n) === want;
    }, 45_000, 250);
    const stored = await database.db.selectFrom('exchange_messages').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    process.stdout.write(`redis restart: ${accepted.length} accepted (${want} deliveries), ${refused} refused with 503, ${stored.n} stored\n`);
    expect(accepted.length).toBeGreaterThanOrEqual(5);
    expect(refused).toBeGreaterThan(0);
    expect(done).toBe(true);
  });
});
