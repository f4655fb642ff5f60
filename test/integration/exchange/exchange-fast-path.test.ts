/**
 * The router's fast path (send and ack before Express) answers exactly what the Express routes
 * answer: each request below is made once to an app without it and once to an app with it (same
 * database), and the statuses, error bodies and answer shapes must be equal. Other requests fall
 * through to Express.
 */
import { openTestDatabase } from '../../helpers/test-db';
import type { Database } from '../../../src/registry/database';
import { startDeliveryWorker } from '../../../src/exchange/queue-worker';
import { sampleEnvelope } from '../../unit/exchange/fixtures/sample-envelope';
import { ADMIN_KEY, call, pdfBytes, postMessage, startHarness, waitFor, type Harness } from './fixtures/exchange-harness';

const SENDER = '000.00.14.H20';
const R1 = '000.00.00.H20';
const R2 = '000.00.14.H56';

/** Message ids and the numbers in DocumentIds differ between the two runs; nothing else may. */
function shape(r: { status: number; body: unknown }): unknown {
  return JSON.parse(JSON.stringify(r, (k, v) => {
    if (['id', 'messageId'].includes(k)) return '<id>';
    return typeof v === 'string' ? v.replace(/,[^,"]*\/FAST/g, ',<n>/FAST') : v;
  }));
}

describe('exchange fast path (PGlite, real Redis)', () => {
  let database: Database;
  let plain: Harness;
  let fast: Harness;
  let workers: { close(): Promise<void> }[];
  const keys: Record<string, string> = {};
  let n = 0;

  beforeAll(async () => {
    database = await openTestDatabase('pglite');
    plain = await startHarness(database);
    fast = await startHarness(database, { fastPath: true });
    for (const c of [SENDER, R1, R2]) keys[c] = (await plain.addAgency(c)).apiKey;
    workers = [plain, fast].map((h) => startDeliveryWorker(h.deps, { redisUrl: 'redis://127.0.0.1:6379', queueName: h.queueName, concurrency: 4 }));
  });
  afterAll(async () => {
    await Promise.all((workers ?? []).map((w) => w.close()));
    await plain?.close();
    await fast?.close();
    await database?.close();
  });

  /** The same request on both apps (a fresh message number each, so neither sees the other's). */
  async function both(send: (h: Harness, number: string) => Promise<{ status: number; body: unknown }>) {
    const a = await send(plain, `${++n}`);
    const b = await send(fast, `${++n}`);
    return [shape(a), shape(b)] as const;
  }
  const envelope = (number: string, extra = {}) => sampleEnvelope({ code: { number, notation: 'FAST' }, ...extra });
  const post = (h: Harness, path: string, headers: Record<string, string>, body?: string) =>
    fetch(`${h.url}${path}`, { method: 'POST', headers, body }).then(async (r) => ({ status: r.status, body: await r.json(), type: r.headers.get('content-type') }));

  test.each([
    ['no key', (h: Harness) => post(h, '/api/v1/exchange/messages', {})],
    ['an unknown key', (h: Harness) => post(h, '/api/v1/exchange/messages', { authorization: 'Bearer nope-nope-nope' })],
    ['the administrator key', (h: Harness) => post(h, '/api/v1/exchange/messages', { authorization: `Bearer ${ADMIN_KEY}` })],
    ['a JSON body', (h: Harness) => post(h, '/api/v1/exchange/messages', { authorization: `Bearer ${keys[SENDER]}`, 'content-type': 'application/json' }, '{}')],
    ['a malformed envelope part', (h: Harness) => postMessage(h, keys[SENDER], 'not json', [{ name: 'a.pdf', data: pdfBytes('a') }])],
    ['an invalid envelope', (h: Harness, x: string) => postMessage(h, keys[SENDER], envelope(x, { to: [] }), [{ name: 'a.pdf', data: pdfBytes('a') }])],
    ['another sender', (h: Harness, x: string) => postMessage(h, keys[R1], envelope(x), [{ name: 'a.pdf', data: pdfBytes('a') }])],
    ['an unknown receiver', (h: Harness, x: string) => postMessage(h, keys[SENDER], envelope(x, { to: ['000.00.99.H99'] }), [{ name: 'a.pdf', data: pdfBytes('a') }])],
    ['a refused attachment', (h: Harness, x: string) => postMessage(h, keys[SENDER], envelope(x), [{ name: 'bad.pdf', data: pdfBytes('b', 'INVALID') }])],
    ['no attachment', (h: Harness, x: string) => postMessage(h, keys[SENDER], envelope(x), [])],
    ['an acknowledgement of nothing', (h: Harness) => call(h, keys[R1], 'POST', '/api/v1/exchange/inbox/does-not-exist/ack')],
  ])('when a send or ack comes with %s, then both answer the same', async (_what, send) => {
    const [a, b] = await both(send);
    expect(b).toEqual(a);
    expect((a as { status: number }).status).toBeGreaterThanOrEqual(400);
  });

  test('when a message is sent, delivered and acknowledged through the fast path, then the answers and the timeline are the Express ones', async () => {
    const sent = await Promise.all([plain, fast].map((h, i) => postMessage(h, keys[SENDER], envelope(`ok-${i}`), [{ name: 'cv.pdf', data: pdfBytes(`ok-${i}`) }])));
    expect(shape(sent[1])).toEqual(shape(sent[0]));
    expect(sent[1].status).toBe(202);
    const inInbox = async (id: string) => (await call(fast, keys[R1], 'GET', '/api/v1/exchange/inbox?limit=1000')).body.messages.some((m: { id: string }) => m.id === id);
    expect(await waitFor(async () => (await inInbox(sent[0].body.id)) && (await inInbox(sent[1].body.id)), 10_000)).toBe(true);
    const acks = await Promise.all([plain, fast].map((h, i) => call(h, keys[R1], 'POST', `/api/v1/exchange/inbox/${sent[i].body.id}/ack`)));
    expect(acks.map((a) => a.status)).toEqual([200, 200]);
    expect(acks[1].body).toEqual({ id: sent[1].body.id, status: 'acknowledged' });
    const again = await call(fast, keys[R1], 'POST', `/api/v1/exchange/inbox/${sent[1].body.id}/ack`);
    expect(again).toEqual(acks[1]);
    const timeline = await call(fast, keys[SENDER], 'GET', `/api/v1/exchange/messages/${sent[1].body.id}`);
    expect(timeline.body.receivers.find((r: { code: string }) => r.code === R1)).toMatchObject({ status: 'acknowledged', business: [{ code: '01' }] });
  });

  test('when the same new documentId is sent twice through the fast path, then the second gets the Express 409', async () => {
    const [a, b] = await both(async (h, x) => {
      await postMessage(h, keys[SENDER], envelope(`dup-${x}`), [{ name: 'a.pdf', data: pdfBytes('d') }]);
      return postMessage(h, keys[SENDER], envelope(`dup-${x}`), [{ name: 'a.pdf', data: pdfBytes('d') }]);
    });
    expect(b).toEqual(a);
    expect(a).toMatchObject({ status: 409, body: { error: { code: 'EXCHANGE_DUPLICATE_DOCUMENT' } } });
  });

  test('when a hot request comes, then the fast path answers it (no ETag: Express did not run)', async () => {
    const etag = async (h: Harness) => (await fetch(`${h.url}/api/v1/exchange/messages`, { method: 'POST' })).headers.get('etag');
    expect(await etag(plain)).not.toBeNull();
    expect(await etag(fast)).toBeNull();
  });

  test('when a request is not one of the two exact hot paths, then Express answers it', async () => {
    const r = await postMessage({ url: `${fast.url}` }, keys[SENDER], envelope('fallthrough'), [{ name: 'a.pdf', data: pdfBytes('f') }]);
    expect(r.status).toBe(202);
    const viaQuery = await fetch(`${fast.url}/api/v1/exchange/messages?x=1`, { method: 'POST', headers: { authorization: `Bearer ${keys[SENDER]}` } });
    expect(viaQuery.status).toBe(415);
    expect((await call(fast, keys[R2], 'GET', '/api/v1/exchange/inbox')).status).toBe(200);
    const malformed = await Promise.all([plain, fast].map((h) => call(h, keys[R1], 'POST', '/api/v1/exchange/inbox/%E0%A4%A/ack')));
    expect(malformed[1]).toEqual(malformed[0]);
  });

  test('when Redis cannot be reached, then the fast path answers the Express 503', async () => {
    const down = await Promise.all([false, true].map((fastPath) => startHarness(database, { redisUrl: 'redis://127.0.0.1:6399', fastPath })));
    try {
      const [a, b] = await Promise.all(down.map((h) => postMessage(h, keys[SENDER], envelope('down'), [{ name: 'a.pdf', data: pdfBytes('x') }])));
      expect(b).toEqual(a);
      expect(a).toMatchObject({ status: 503, body: { error: { code: 'EXCHANGE_UNAVAILABLE' } } });
    } finally {
      await Promise.all(down.map((h) => h.close()));
    }
  });
});
