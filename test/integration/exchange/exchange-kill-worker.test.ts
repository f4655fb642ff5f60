/**
 * Reliability: `kill -9` of the worker process in the middle of a run of deliveries, repeated.
 * Every message reaches every receiver, and the registry records each (message, receiver)
 * delivery exactly once (the conditional UPDATE makes a re-run job a no-op). Push receivers may
 * see a POST again after a kill (HTTP is at-least-once); the X-Kyso-Delivery id lets them drop it,
 * and the test counts such repeats. Real PostgreSQL (shared by both processes) and real Redis.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { openTestDatabase, TEST_DATABASE_URL } from '../../helpers/test-db';
import type { Database } from '../../../src/registry/database';
import { sampleEnvelope } from '../../unit/exchange/fixtures/sample-envelope';
import { REDIS_URL, pdfBytes, postMessage, startHarness, waitFor, type Harness } from './fixtures/exchange-harness';

const ROOT = path.resolve(__dirname, '../../..');
const SENDER = '000.00.14.H20';
const PULL = ['000.00.00.H20', '000.00.14.H56'];
const PUSH = '000.00.00.H17';
const MESSAGES = 60;

function startChild(cfg: object): Promise<ChildProcess> {
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/run-ts.js'), path.join(__dirname, 'fixtures/worker-child.ts'), JSON.stringify(cfg)], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve(child));
    child.stderr!.on('data', (d: Buffer) => process.stderr.write(d));
    child.on('exit', (code) => code !== null && code !== 0 && reject(new Error(`worker exited ${code}`)));
  });
}

describe('kill -9 of the worker mid-run (PostgreSQL, real Redis)', () => {
  let database: Database;
  let h: Harness;
  let filesDir: string;
  const posts = new Map<string, number>();
  const hook = createServer((req, res) => {
    req.resume();
    req.on('end', () => setTimeout(() => {
      const id = String(req.headers['x-kyso-delivery']);
      posts.set(id, (posts.get(id) ?? 0) + 1);
      res.writeHead(200).end();
    }, 15));
  });
  let children: ChildProcess[] = [];

  beforeAll(async () => {
    database = await openTestDatabase('postgres');
    filesDir = mkdtempSync(path.join(tmpdir(), 'kyso-xfiles-'));
    h = await startHarness(database, { filesDir });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    await h.addAgency(SENDER).then((a) => (senderKey = a.apiKey));
    for (const c of PULL) await h.addAgency(c);
    await h.addAgency(PUSH, { mode: 'push', webhookUrl: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook` });
  });
  let senderKey = '';
  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    await h?.close();
    hook.closeAllConnections();
    hook.close();
    await database?.close();
    rmSync(filesDir, { recursive: true, force: true });
  });

  test('when the worker is killed -9 three times during 180 deliveries, then each is delivered exactly once', async () => {
    const cfg = { databaseUrl: TEST_DATABASE_URL, schema: database.schema, filesDir, redisUrl: REDIS_URL, queueName: h.queueName };
    children.push(await startChild(cfg));
    const sending = (async () => {
      for (let i = 0; i < MESSAGES; i += 10) {
        await Promise.all(Array.from({ length: 10 }, (_, k) => postMessage(h, senderKey,
          sampleEnvelope({ to: [...PULL, PUSH], code: { number: String(i + k), notation: 'KILL' } }), [{ name: 'a.pdf', data: pdfBytes(`k${i + k}`) }])
          .then((r) => expect(r.status).toBe(202))));
      }
    })();
    let kills = 0;
    for (; kills < 3; kills++) {
      await new Promise((r) => setTimeout(r, 700));
      children[children.length - 1].kill('SIGKILL');
      children.push(await startChild(cfg));
    }
    await sending;
    const total = MESSAGES * (PULL.length + 1);
    const done = await waitFor(async () => {
      const r = await database.db.selectFrom('exchange_deliveries').select((eb) => eb.fn.countAll().as('n')).where('status', '=', 'delivered').executeTakeFirstOrThrow();
      return Number(r.n) === total;
    }, 60_000, 250);
    const byStatus = await database.db.selectFrom('exchange_deliveries').select(['status', (eb) => eb.fn.countAll().as('n')]).groupBy('status').execute();
    expect({ done, byStatus }).toMatchObject({ done: true });
    const hops = await sql<{ n: string }>`select count(*) as n from exchange_trace where event = 'delivered' group by message_id, receiver_code having count(*) <> 1`.execute(database.db);
    expect(hops.rows).toEqual([]);
    const delivered = await sql<{ n: string }>`select count(*) as n from exchange_trace where event = 'delivered'`.execute(database.db);
    expect(Number(delivered.rows[0].n)).toBe(total);
    expect(posts.size).toBe(MESSAGES);
    const repeatedPosts = [...posts.values()].filter((n) => n > 1).length;
    const rerun = await database.db.selectFrom('exchange_deliveries').select((eb) => eb.fn.countAll().as('n')).where('attempts', '>', 1).executeTakeFirstOrThrow();
    process.stdout.write(`kill -9 x${kills}: ${total} deliveries exactly once in the registry; ${rerun.n} started again after a kill or stall; webhook POSTs repeated for ${repeatedPosts} of ${MESSAGES} (deduplicable by X-Kyso-Delivery)\n`);
  });
});
