/**
 * Push delivery and failure handling: a webhook that fails (5xx, a timeout) and then recovers is
 * delivered after retries; one that keeps failing ends dead-lettered and is delivered after an
 * operator replay; without Redis the exchange answers 503 naming the Redis it could not reach.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { openTestDatabase } from '../../helpers/test-db';
import type { Database } from '../../../src/registry/database';
import { startDeliveryWorker } from '../../../src/exchange/queue-worker';
import { isValidRequestSignature } from '../../../src/exchange/webhook-signature';
import { sampleEnvelope } from '../../unit/exchange/fixtures/sample-envelope';
import { ADMIN_KEY, REDIS_URL, call, pdfBytes, postMessage, startHarness, waitFor, type Harness } from './fixtures/exchange-harness';

const SENDER = '000.00.14.H20';
const PUSHED = '000.00.00.H20';

/** A webhook whose answers the test scripts: 'ok' | 'fail' | 'hang'. */
function startWebhook(secret: () => string) {
  const seen: { id: string; validSignature: boolean; body: any }[] = [];
  let plan: ('ok' | 'fail' | 'hang')[] = [];
  let fallback: 'ok' | 'fail' = 'ok';
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      const step = plan.shift() ?? fallback;
      if (step === 'hang') return;
      if (step === 'fail') {
        res.writeHead(503).end('busy');
        return;
      }
      seen.push({ id: String(req.headers['x-kyso-delivery']), validSignature: isValidRequestSignature(secret(), body, String(req.headers['x-kyso-signature'])), body: JSON.parse(body) });
      res.writeHead(200).end('ok');
    });
  });
  return {
    seen,
    script(steps: typeof plan, then: 'ok' | 'fail') {
      plan = steps;
      fallback = then;
    },
    async listen() {
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    },
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }),
  };
}

describe('push delivery, retries and dead letters (PGlite, real Redis)', () => {
  let database: Database;
  let h: Harness;
  let worker: { close(): Promise<void> };
  let secret = '';
  const hook = startWebhook(() => secret);
  let senderKey = '';

  beforeAll(async () => {
    database = await openTestDatabase('pglite');
    h = await startHarness(database, { attempts: 4, backoffMs: 100, options: { pushTimeoutMs: 300 } });
    senderKey = (await h.addAgency(SENDER)).apiKey;
    const pushed = await h.addAgency(PUSHED, { mode: 'push', webhookUrl: await hook.listen() });
    secret = pushed.hmacSecret ?? '';
    worker = startDeliveryWorker(h.deps, { redisUrl: REDIS_URL, queueName: h.queueName, concurrency: 4 });
  });
  afterAll(async () => {
    await worker?.close();
    await h?.close();
    await hook.close();
    await database?.close();
  });

  const receiverState = async (id: string) =>
    (await call(h, senderKey, 'GET', `/api/v1/exchange/messages/${id}`)).body.receivers[0] as { status: string; attempts: number; lastError: string | null };

  test('when the webhook fails twice and times out once, then the message is delivered on the 4th attempt, signed', async () => {
    hook.script(['fail', 'hang', 'fail'], 'ok');
    const r = await postMessage(h, senderKey, sampleEnvelope({ to: [PUSHED], code: { number: '1', notation: 'PUSH' } }), [{ name: 'a.pdf', data: pdfBytes('push') }]);
    expect(r.status).toBe(202);
    expect(await waitFor(async () => (await receiverState(r.body.id)).status === 'delivered', 15_000)).toBe(true);
    expect(await receiverState(r.body.id)).toMatchObject({ status: 'delivered', attempts: 4 });
    const got = hook.seen.filter((s) => s.id === `${r.body.id}@${PUSHED}`);
    expect(got).toHaveLength(1);
    expect(got[0].validSignature).toBe(true);
    expect(got[0].body).toMatchObject({ kind: 'message', id: r.body.id, envelope: { subject: expect.any(String) } });
  });

  test('when the webhook keeps failing past the retry budget, then the delivery is dead, and a replay delivers it', async () => {
    hook.script([], 'fail');
    const r = await postMessage(h, senderKey, sampleEnvelope({ to: [PUSHED], code: { number: '2', notation: 'PUSH' } }), [{ name: 'a.pdf', data: pdfBytes('dead') }]);
    expect(await waitFor(async () => (await receiverState(r.body.id)).status === 'dead', 15_000)).toBe(true);
    expect(await receiverState(r.body.id)).toMatchObject({ status: 'dead', attempts: 4, lastError: expect.stringContaining('503') });
    expect((await call(h, senderKey, 'POST', `/api/v1/exchange/dead-letters/${r.body.id}/replay`)).status).toBe(403);
    hook.script([], 'ok');
    const replay = await call(h, ADMIN_KEY, 'POST', `/api/v1/exchange/dead-letters/${r.body.id}/replay`);
    expect(replay.body).toEqual({ id: r.body.id, replayed: [PUSHED] });
    expect(await waitFor(async () => (await receiverState(r.body.id)).status === 'delivered', 15_000)).toBe(true);
    expect(hook.seen.filter((s) => s.id === `${r.body.id}@${PUSHED}`)).toHaveLength(1);
    expect((await call(h, ADMIN_KEY, 'POST', `/api/v1/exchange/dead-letters/${r.body.id}/replay`)).body.error.code).toBe('EXCHANGE_NOTHING_TO_REPLAY');
  });

  test('when the webhook answers 4xx, then the delivery is dead at once (permanent)', async () => {
    // The suite's 300 ms push timeout (short for the 'hang' step) could turn a slow 404 on a
    // loaded machine into a transient timeout and a second attempt; here only the 404 may decide.
    const quickTimeout = h.deps.options.pushTimeoutMs;
    h.deps.options.pushTimeoutMs = 10_000;
    try {
      hook.script([], 'ok');
      const r = await postMessage(h, senderKey, sampleEnvelope({ to: [PUSHED], code: { number: '3', notation: 'PUSH' } }), [{ name: 'a.pdf', data: pdfBytes('perm') }]);
      expect(r.status).toBe(202);
      expect(await waitFor(async () => (await receiverState(r.body.id)).status === 'delivered', 10_000)).toBe(true);
      // Break the agency's webhook URL to one that answers 404 (the harness directory has no cache: the next job reads it).
      await database.db.updateTable('agencies').set({ webhook_url: `${h.url}/no-such-hook` }).where('code', '=', PUSHED).execute();
      const r2 = await postMessage(h, senderKey, sampleEnvelope({ to: [PUSHED], code: { number: '4', notation: 'PUSH' } }), [{ name: 'a.pdf', data: pdfBytes('perm2') }]);
      expect(await waitFor(async () => (await receiverState(r2.body.id)).status === 'dead', 10_000)).toBe(true);
      expect(await receiverState(r2.body.id)).toMatchObject({ status: 'dead', attempts: 1, lastError: expect.stringContaining('404') });
    } finally {
      h.deps.options.pushTimeoutMs = quickTimeout;
    }
  });
});

describe('without Redis', () => {
  test('when Redis cannot be reached, then exchange endpoints answer 503 naming the Redis URL', async () => {
    const database = await openTestDatabase('pglite');
    const h = await startHarness(database, { redisUrl: 'redis://127.0.0.1:6399' });
    try {
      const key = (await h.addAgency(SENDER)).apiKey;
      const started = Date.now();
      const r = await postMessage(h, key, sampleEnvelope(), [{ name: 'a.pdf', data: pdfBytes('x') }]);
      expect(r.status).toBe(503);
      expect(r.body.error.code).toBe('EXCHANGE_UNAVAILABLE');
      expect(r.body.error.message).toContain('redis://127.0.0.1:6399');
      expect((await call(h, key, 'GET', '/api/v1/exchange/inbox')).status).toBe(503);
      expect(Date.now() - started).toBeLessThan(5000);
      const count = await database.db.selectFrom('exchange_messages').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
      expect(Number(count.n)).toBe(0);
    } finally {
      await h.close();
      await database.close();
    }
  });
});
