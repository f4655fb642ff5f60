/**
 * The group-committed hot writes on both engines: a batch of accepts with a DocumentId taken
 * twice stores it once; one statement marks many deliveries delivered, once each; a batch of
 * acknowledgements writes each acknowledgement, hop and status 01 once, and refuses what was
 * never delivered.
 */
import { randomUUID } from 'node:crypto';
import { openTestDatabase, TEST_DATABASE_KINDS } from '../../helpers/test-db';
import type { Database } from '../../../src/registry/database';
import { AppError } from '../../../src/errors';
import { silentLogger } from '../../../src/log';
import { createAgency } from '../../../src/agencies/create-agency';
import { createMemoryDeliveryQueue, type MemoryDeliveryQueue } from '../../../src/exchange/memory-delivery-queue';
import { createExchangeBatches, type ExchangeBatches } from '../../../src/exchange/exchange-batches';
import { envelopeSchema } from '../../../src/exchange/envelope';
import { listDeliveries } from '../../../src/exchange/delivery-repository';
import type { AcceptedMessage } from '../../../src/exchange/message-repository';
import { sampleEnvelope } from '../../unit/exchange/fixtures/sample-envelope';

const SENDER = '000.00.14.H20';
const R1 = '000.00.00.H20';
const R2 = '000.00.14.H56';

describe.each(TEST_DATABASE_KINDS)('exchange batches on %s', (kind) => {
  let database: Database;
  let queue: MemoryDeliveryQueue;
  let batches: ExchangeBatches;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    queue = createMemoryDeliveryQueue(() => new AppError('EXCHANGE_UNAVAILABLE', 'Redis at memory:// cannot be reached.'));
    batches = createExchangeBatches(database.db, queue, silentLogger());
    await createAgency(database.db, { code: SENDER, name: 'S', actor: 't' });
    await createAgency(database.db, { code: R1, name: 'R1', actor: 't' });
    await createAgency(database.db, { code: R2, name: 'R2', actor: 't' });
  });
  afterAll(async () => database?.close());

  const message = (n: string): AcceptedMessage => ({
    id: randomUUID(), envelope: envelopeSchema.parse(sampleEnvelope({ code: { number: n, notation: 'GC' } })), refersTo: null,
    receivers: [R1, R2], originAxis: 'local', at: new Date(),
    attachments: [{ ordinal: 0, name: 'a.pdf', contentType: 'application/pdf', size: 3, sha256: 'a'.repeat(64), storageKey: 'a'.repeat(64), verdict: 'VALID' }],
  });

  test('when one batch accepts several messages and one DocumentId twice, then the copy is refused and the rest stored with their jobs', async () => {
    const [a, b, c] = [message('1'), message('2'), message('2')];
    const stored = await Promise.all([a, b, c].map(batches.accept));
    expect(stored).toEqual([true, true, false]);
    const rows = await database.db.selectFrom('exchange_messages').select('id').where('id', 'in', [a.id, b.id, c.id]).execute();
    expect(rows.map((r) => r.id).sort()).toEqual([a.id, b.id].sort());
    expect((await listDeliveries(database.db, a.id)).map((d) => [d.receiverCode, d.status])).toEqual([[R1, 'queued'], [R2, 'queued']]);
    expect(await database.db.selectFrom('exchange_attachments').select('ordinal').where('message_id', '=', b.id).execute()).toHaveLength(1);
    expect(await database.db.selectFrom('exchange_deliveries').select('status').where('message_id', '=', c.id).execute()).toEqual([]);
    const trace = await database.db.selectFrom('exchange_trace').select(['message_id', 'event']).where('message_id', 'in', [a.id, b.id, c.id]).execute();
    expect(trace).toHaveLength(2);
    expect(queue.waiting).toEqual(expect.arrayContaining([`${a.id}@${R1}`, `${a.id}@${R2}`, `${b.id}@${R1}`, `${b.id}@${R2}`]));
    expect(queue.waiting.some((j) => j.startsWith(c.id))).toBe(false);
  });

  test('when the same delivery is marked delivered twice in one batch, then it changes once and one hop is written', async () => {
    const m = message('3');
    await batches.accept(m);
    const mark = { messageId: m.id, receiverCode: R1, hopAgency: R1, countsAttempt: true };
    const out = await Promise.all([mark, mark, { ...mark, receiverCode: R2, hopAgency: R2 }].map(batches.markDelivered));
    expect(out.filter(Boolean)).toHaveLength(2);
    expect(out[2]).toBe(true);
    const d = await listDeliveries(database.db, m.id);
    expect(d.map((x) => [x.status, x.attempts])).toEqual([['delivered', 1], ['delivered', 1]]);
    const hops = await database.db.selectFrom('exchange_trace').select('event').where('message_id', '=', m.id).where('event', '=', 'delivered').execute();
    expect(hops).toHaveLength(2);
    expect(await batches.markDelivered(mark)).toBe(false);
  });

  test('when acknowledgements are batched, then each is written once with one status 01, and an undelivered one is not acknowledged', async () => {
    const m = message('4');
    await batches.accept(m);
    await batches.markDelivered({ messageId: m.id, receiverCode: R1, hopAgency: R1 });
    const ack = (receiverCode: string) => ({ messageId: m.id, receiverCode, statusId: randomUUID(), description: 'Đã nhận', at: new Date() });
    const [first, again, undelivered] = await Promise.all([ack(R1), ack(R1), ack(R2)].map(batches.acknowledge));
    expect([first.acknowledged, again.acknowledged].filter(Boolean)).toHaveLength(1);
    expect(first.sender).toBe(SENDER);
    expect(first.relayStatus).toBe(false);
    expect(undelivered).toMatchObject({ status: 'queued', acknowledged: false });
    expect((await listDeliveries(database.db, m.id)).map((d) => d.status)).toEqual(['acknowledged', 'queued']);
    const statuses = await database.db.selectFrom('exchange_statuses').select(['code', 'from_code', 'to_code', 'relay_status']).where('message_id', '=', m.id).execute();
    expect(statuses).toEqual([{ code: '01', from_code: R1, to_code: SENDER, relay_status: null }]);
    const hops = await database.db.selectFrom('exchange_trace').select('event').where('message_id', '=', m.id).where('event', '=', 'acknowledged').execute();
    expect(hops).toHaveLength(1);
    expect(await batches.acknowledge(ack(R1))).toMatchObject({ status: 'acknowledged', acknowledged: false });
    expect(await batches.acknowledge({ ...ack(R1), messageId: randomUUID() })).toMatchObject({ status: null, acknowledged: false });
  });
});
