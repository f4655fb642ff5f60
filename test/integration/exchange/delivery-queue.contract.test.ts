/**
 * One contract for both DeliveryQueue adapters (style §2.6): the BullMQ adapter on real Redis
 * (unique queue name) and the in-memory twin behave the same for idempotent enqueue, missing-job
 * detection (what the sweeper relies on) and removal (what replay relies on).
 */
import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { AppError } from '../../../src/errors';
import { silentLogger } from '../../../src/log';
import { createBullDeliveryQueue } from '../../../src/exchange/queue-bullmq';
import { createMemoryDeliveryQueue } from '../../../src/exchange/memory-delivery-queue';
import type { DeliveryQueue } from '../../../src/exchange/ports';
import type { DeliveryJob } from '../../../src/exchange/delivery-job';
import { REDIS_URL } from './fixtures/exchange-harness';

type Made = { queue: DeliveryQueue; cleanup(): Promise<void> };
const adapters: [string, () => Promise<Made>][] = [
  ['bullmq', async () => {
    const queueName = `test-${randomUUID()}`;
    const queue = createBullDeliveryQueue({ redisUrl: REDIS_URL, queueName, logger: silentLogger() });
    return {
      queue,
      async cleanup() {
        const q = new Queue(queueName, { connection: { url: REDIS_URL } });
        await q.obliterate({ force: true });
        await q.close();
        await queue.close();
      },
    };
  }],
  ['memory', async () => ({ queue: createMemoryDeliveryQueue(() => new AppError('EXCHANGE_UNAVAILABLE', 'down')), cleanup: async () => undefined })],
];

describe.each(adapters)('DeliveryQueue contract: %s', (_name, make) => {
  let made: Made;
  beforeEach(async () => {
    made = await make();
  });
  afterEach(async () => made.cleanup());

  const a: DeliveryJob = { kind: 'message', messageId: randomUUID(), receiverCode: '000.00.00.H20' };
  const b: DeliveryJob = { kind: 'status', statusId: randomUUID(), receiverCode: '000.00.14.H20' };

  test('when a job is enqueued twice, then it is present once and a never-enqueued job is reported missing', async () => {
    await made.queue.assertAvailable();
    await made.queue.enqueue([a]);
    await made.queue.enqueue([a]);
    expect(await made.queue.findMissing([a, b])).toEqual([b]);
  });

  test('when a job is removed, then it is missing and can be enqueued again', async () => {
    await made.queue.enqueue([a, b]);
    await made.queue.remove(a);
    expect(await made.queue.findMissing([a, b])).toEqual([a]);
    await made.queue.enqueue([a]);
    expect(await made.queue.findMissing([a, b])).toEqual([]);
  });
});
