/**
 * DeliveryQueue over BullMQ 6 + ioredis 5, for the API process. Redis is optional for the rest of
 * kyso: the connection is lazy, fails fast (`enableOfflineQueue: false`, bounded connect timeout,
 * going-to-production.md) and reconnects in the background; the BullMQ Queue is created only
 * once Redis answered, because a Queue whose first connection failed stays broken. While Redis
 * is away, assertAvailable throws EXCHANGE_UNAVAILABLE naming the URL (issue 5 item 9).
 */
import { Queue, type JobsOptions } from 'bullmq';
import IORedis from 'ioredis';
import { AppError } from '../errors';
import type { Logger } from '../log';
import { jobIdOf, type DeliveryJob } from './delivery-job';
import type { DeliveryQueue } from './ports';

/** Options of {@link createBullDeliveryQueue}. */
export interface BullQueueOptions {
  redisUrl: string;
  /** Queue name (no ':'); tests use `test-${randomUUID()}`. @defaultValue 'kyso-exchange' */
  queueName?: string;
  /** Attempts per job before the delivery is dead-lettered. @defaultValue 8 */
  attempts?: number;
  /** First backoff delay, ms; doubles each attempt, with 50 % jitter. @defaultValue 1000 */
  backoffMs?: number;
  /** How long assertAvailable waits for a connection, ms. @defaultValue 1500 */
  connectTimeoutMs?: number;
  logger: Logger;
}

/** A DeliveryQueue that can be closed. */
export interface BullDeliveryQueue extends DeliveryQueue {
  readonly queueName: string;
  close(): Promise<void>;
}

/** Hides a password in a Redis URL. */
export function redactRedisUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}

/** Builds the queue adapter; nothing connects until first use. */
export function createBullDeliveryQueue(opts: BullQueueOptions): BullDeliveryQueue {
  const queueName = opts.queueName ?? 'kyso-exchange';
  const connectTimeoutMs = opts.connectTimeoutMs ?? 1500;
  const redis = new IORedis(opts.redisUrl, {
    lazyConnect: true,
    enableOfflineQueue: false,
    connectTimeout: connectTimeoutMs,
    maxRetriesPerRequest: 1,
    retryStrategy: (times) => Math.min(200 * times, 2000),
  });
  let lastLogged = 0;
  const logError = (err: Error) => {
    if (Date.now() - lastLogged > 10_000) opts.logger.warn({ err: err.message, redis: redactRedisUrl(opts.redisUrl) }, 'redis unavailable');
    lastLogged = Date.now();
  };
  redis.on('error', logError);
  let queue: Queue | undefined;
  const jobOptions: JobsOptions = {
    attempts: opts.attempts ?? 8,
    backoff: { type: 'exponential', delay: opts.backoffMs ?? 1000, jitter: 0.5 },
    removeOnComplete: true,
    removeOnFail: true,
  };

  const unavailable = (cause?: unknown) =>
    new AppError('EXCHANGE_UNAVAILABLE', `The exchange queue is unavailable: Redis at ${redactRedisUrl(opts.redisUrl)} cannot be reached.`, { redis: redactRedisUrl(opts.redisUrl) }, { cause });

  // callers arriving while Redis connects share one wait (one 'ready' listener, not one each)
  let connecting: Promise<void> | undefined;
  const connect = async () => {
    if (redis.status === 'wait') await redis.connect().catch(() => undefined);
    if (redis.status !== 'ready') await waitReady(redis, connectTimeoutMs);
  };

  async function ready(): Promise<Queue> {
    if (redis.status !== 'ready') await (connecting ??= connect().finally(() => (connecting = undefined)));
    if (redis.status !== 'ready') throw unavailable();
    if (!queue) {
      queue = new Queue(queueName, { connection: redis });
      queue.on('error', logError);
    }
    return queue;
  }

  async function guarded<T>(f: (q: Queue) => Promise<T>): Promise<T> {
    const q = await ready();
    try {
      return await f(q);
    } catch (e) {
      throw unavailable(e);
    }
  }

  return {
    queueName,
    async assertAvailable() {
      await ready();
    },
    async enqueue(jobs) {
      if (jobs.length === 0) return;
      await guarded((q) => q.addBulk(jobs.map((data) => ({ name: data.kind, data, opts: { ...jobOptions, jobId: jobIdOf(data) } }))));
    },
    async findMissing(jobs) {
      return guarded(async (q) => {
        const states = await Promise.all(jobs.map((j) => q.getJobState(jobIdOf(j))));
        return jobs.filter((_, i) => states[i] === 'unknown');
      });
    },
    async remove(job: DeliveryJob) {
      await guarded((q) => q.remove(jobIdOf(job)).catch(() => 0));
    },
    async close() {
      await queue?.close().catch(() => undefined);
      redis.disconnect();
    },
  };
}

function waitReady(redis: IORedis, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      redis.off('ready', done);
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    redis.once('ready', done);
  });
}
