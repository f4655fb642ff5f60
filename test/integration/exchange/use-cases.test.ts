/**
 * Use cases with the in-memory queue twin over PGlite: the durability order of sendMessage
 * (commit, then enqueue; a lost enqueue is repaired by the sweeper), idempotent delivery, the
 * dead-letter path and the on-time report, without Redis or HTTP.
 */
import { openTestDatabase } from '../../helpers/test-db';
import type { Database } from '../../../src/registry/database';
import { AppError } from '../../../src/errors';
import { silentLogger } from '../../../src/log';
import { MemoryDocumentStore } from '../../../src/storage/document-store';
import { createAgency } from '../../../src/agencies/create-agency';
import { createSqlAgencyDirectory } from '../../../src/exchange/agency-directory-sql';
import { exchangeOptions, type ExchangeDeps } from '../../../src/exchange/exchange-deps';
import { createMemoryDeliveryQueue, type MemoryDeliveryQueue } from '../../../src/exchange/memory-delivery-queue';
import { envelopeSchema } from '../../../src/exchange/envelope';
import { sendMessage } from '../../../src/exchange/send-message';
import { deliverJob } from '../../../src/exchange/deliver-job';
import { sweepDeliveries } from '../../../src/exchange/sweep-deliveries';
import { listDeliveries } from '../../../src/exchange/delivery-repository';
import { postStatus } from '../../../src/exchange/post-status';
import { buildExchangeReport } from '../../../src/exchange/exchange-report';
import { sampleEnvelope } from '../../unit/exchange/fixtures/sample-envelope';
import { markerVerifier, pdfBytes } from './fixtures/exchange-harness';

const SENDER = '000.00.14.H20';
const R1 = '000.00.00.H20';
const R2 = '000.00.14.H56';

describe('exchange use cases (memory queue, PGlite)', () => {
  let database: Database;
  let queue: MemoryDeliveryQueue;
  let deps: ExchangeDeps;
  let httpCalls = 0;
  let httpStatus = 200;
  const bodies: string[] = [];

  beforeAll(async () => {
    database = await openTestDatabase('pglite');
    queue = createMemoryDeliveryQueue(() => new AppError('EXCHANGE_UNAVAILABLE', 'Redis at memory:// cannot be reached.'));
    deps = {
      db: database.db, agencies: createSqlAgencyDirectory(database.db, { cacheTtlMs: 0 }), files: new MemoryDocumentStore(), verifyAttachment: markerVerifier,
      queue, logger: silentLogger(), options: exchangeOptions(),
      http: async (_url, body) => {
        httpCalls++;
        bodies.push(body);
        return { status: httpStatus, body: '' };
      },
    };
    await createAgency(database.db, { code: SENDER, name: 'S', actor: 't' });
    await createAgency(database.db, { code: R1, name: 'R1', actor: 't' });
    await createAgency(database.db, { code: R2, name: 'R2', delivery: { mode: 'push', webhookUrl: 'http://127.0.0.1:9/hook' }, actor: 't' });
  });
  afterAll(async () => database?.close());

  const send = (n: string, extra = {}) => sendMessage(deps, SENDER, envelopeSchema.parse(sampleEnvelope({ code: { number: n, notation: 'UC' }, ...extra })), [{ name: 'a.pdf', contentType: 'application/pdf', data: pdfBytes(n) }]);
  const run = () => queue.drain((job, attempt) => deliverJob(deps, job, attempt), 3);

  test('when the enqueue fails after the commit, then the answer is still accepted and the sweeper enqueues the jobs', async () => {
    queue.failEnqueues(1);
    const r = await send('1');
    expect(queue.waiting).toEqual([]);
    expect(await sweepDeliveries(deps, { olderThanMs: 0 })).toBe(2);
    expect(queue.waiting.sort()).toEqual([`${r.id}@${R1}`, `${r.id}@${R2}`].sort());
    await run();
    expect((await listDeliveries(database.db, r.id)).map((d) => d.status)).toEqual(['delivered', 'delivered']);
  });

  test('when a delivered job runs again, then nothing changes and the webhook is not called again', async () => {
    const r = await send('2');
    await run();
    const calls = httpCalls;
    await queue.enqueue([{ kind: 'message', messageId: r.id, receiverCode: R2 }]);
    await run();
    expect(httpCalls).toBe(calls);
    const trace = await database.db.selectFrom('exchange_trace').select('event').where('message_id', '=', r.id).where('receiver_code', '=', R2).execute();
    expect(trace.map((t) => t.event)).toEqual(['delivered']);
  });

  test('when the queue is down at ingress, then nothing is stored and EXCHANGE_UNAVAILABLE is thrown', async () => {
    queue.setAvailable(false);
    await expect(send('3')).rejects.toMatchObject({ code: 'EXCHANGE_UNAVAILABLE' });
    queue.setAvailable(true);
    const stored = await database.db.selectFrom('exchange_messages').select('id').where('document_id', 'like', '%3/UC').execute();
    expect(stored).toEqual([]);
  });

  test('when the webhook keeps answering 503, then after the retry budget the delivery is dead with the last error', async () => {
    httpStatus = 503;
    const r = await send('4');
    await run();
    httpStatus = 200;
    const d = (await listDeliveries(database.db, r.id)).find((x) => x.receiverCode === R2)!;
    expect(d).toMatchObject({ status: 'dead', attempts: 3, lastError: expect.stringContaining('503') });
  });

  test('when a receiver completes (06) before one due date and after another, then the report counts one on time', async () => {
    const r = await send('5', { dueDate: '2999-12-31' });
    await run();
    await postStatus(deps, R1, r.id, { code: '06', description: 'Xong' });
    const late = await database.db.selectFrom('exchange_messages').select('id').where('document_id', 'like', '%,1/UC').executeTakeFirstOrThrow();
    await postStatus(deps, R1, late.id, { code: '06', description: 'Xong, quá hạn 2026-06-30' });
    const rows = await buildExchangeReport(deps, new Date(Date.now() - 60_000), new Date(Date.now() + 60_000), R1);
    // Messages 1, 2, 4 carry the sample's dueDate 2026-06-30 (past); message 5 is due in 2999.
    expect(rows[0]).toMatchObject({ agency: R1, received: 4, withDueDate: 4, completedOnTime: 1, onTimeRate: 0.25 });
  });

  test('when a push receiver reports on a document from a push sender, then the status is relayed to the sender once', async () => {
    await createAgency(database.db, { code: '000.00.00.H17', name: 'Push sender', delivery: { mode: 'push', webhookUrl: 'http://127.0.0.1:9/s' }, actor: 't' });
    const r = await sendMessage(deps, '000.00.00.H17', envelopeSchema.parse(sampleEnvelope({ from: '000.00.00.H17', to: [R1], code: { number: '6', notation: 'UC' } })), [{ name: 'a.pdf', contentType: 'application/pdf', data: pdfBytes('6') }]);
    await run();
    await postStatus(deps, R1, r.id, { code: '04', description: 'Đã phân công' });
    await postStatus(deps, R1, r.id, { code: '04', description: 'lặp lại' });
    await run();
    const relayed = bodies.map((b) => JSON.parse(b)).filter((b) => b.kind === 'status' && b.status.messageId === r.id);
    expect(relayed).toHaveLength(1);
    expect(relayed[0].status).toMatchObject({ from: R1, to: '000.00.00.H17', code: '04' });
    const row = await database.db.selectFrom('exchange_statuses').select(['relay_status']).where('message_id', '=', r.id).executeTakeFirstOrThrow();
    expect(row.relay_status).toBe('delivered');
  });
});
