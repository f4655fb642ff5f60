/**
 * The BullMQ Worker that runs delivery jobs (its own Redis connections, `maxRetriesPerRequest:
 * null` as BullMQ requires for blocking commands). The payload is checked with its zod schema;
 * a permanent failure becomes UnrecoverableError (patterns/stop-retrying-jobs), any other error
 * is retried with the queue's exponential backoff. A Redis outage never crashes the process: the
 * worker logs and reconnects.
 */
import { UnrecoverableError, Worker } from 'bullmq';
import { isAppError } from '../errors';
import { deliverJob } from './deliver-job';
import { deliveryJobSchema } from './delivery-job';
import type { ExchangeDeps } from './exchange-deps';
import { redactRedisUrl } from './queue-bullmq';

/** Options of {@link startDeliveryWorker}. */
export interface DeliveryWorkerOptions {
  redisUrl: string;
  /** @defaultValue 'kyso-exchange' */
  queueName?: string;
  /** Jobs run at once (pull deliveries of concurrent jobs are group-committed). @defaultValue 64 */
  concurrency?: number;
  /** BullMQ job lock, ms; a killed worker's jobs are retried after about this long. @defaultValue 30000 */
  lockDurationMs?: number;
  /** How often stalled jobs are looked for, ms. @defaultValue 30000 */
  stalledIntervalMs?: number;
  /** Stalls tolerated before BullMQ fails a job (the sweeper re-enqueues it anyway). @defaultValue 1 */
  maxStalledCount?: number;
}

/** Starts consuming; `close()` stops fetching and waits for active jobs (graceful drain). */
export function startDeliveryWorker(deps: ExchangeDeps, opts: DeliveryWorkerOptions): { worker: Worker; close(): Promise<void> } {
  const worker = new Worker(
    opts.queueName ?? 'kyso-exchange',
    async (job) => {
      const parsed = deliveryJobSchema.safeParse(job.data);
      if (!parsed.success) throw new UnrecoverableError(`Malformed delivery job ${job.id}`);
      try {
        return await deliverJob(deps, parsed.data, { number: job.attemptsMade + 1, max: job.opts.attempts ?? 1 });
      } catch (e) {
        if (isAppError(e) && e.details?.permanent === true) throw new UnrecoverableError(e.message);
        throw e;
      }
    },
    {
      connection: { url: opts.redisUrl, maxRetriesPerRequest: null, retryStrategy: (times: number) => Math.min(200 * times, 2000) },
      concurrency: opts.concurrency ?? 64,
      lockDuration: opts.lockDurationMs ?? 30_000,
      stalledInterval: opts.stalledIntervalMs ?? 30_000,
      maxStalledCount: opts.maxStalledCount ?? 1,
      autorun: true,
    },
  );
  let lastLogged = 0;
  worker.on('error', (err) => {
    if (Date.now() - lastLogged > 10_000) deps.logger.warn({ err: err.message, redis: redactRedisUrl(opts.redisUrl) }, 'delivery worker: redis error');
    lastLogged = Date.now();
  });
  worker.on('failed', (job, err) => deps.logger.debug({ jobId: job?.id, err: err.message }, 'delivery attempt failed'));
  return { worker, close: () => worker.close() };
}
