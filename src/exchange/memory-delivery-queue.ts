/**
 * The in-memory twin of the delivery queue (style §2.6), for unit tests and dry runs: jobs are
 * kept by id (adding an existing id is ignored, as in BullMQ) and run by `drain()` with the same
 * handler signature as the BullMQ worker, including attempts and permanent failures.
 */
import { isAppError } from '../errors';
import { jobIdOf, type DeliveryJob } from './delivery-job';
import type { Attempt } from './delivery-job';
import type { DeliveryQueue } from './ports';

/** The twin, with test controls. */
export interface MemoryDeliveryQueue extends DeliveryQueue {
  /** Job ids waiting, in insertion order. */
  readonly waiting: string[];
  /** Makes assertAvailable/enqueue fail as if Redis were down. */
  setAvailable(isAvailable: boolean): void;
  /** Makes the next `n` enqueue calls fail (Redis lost right after the probe). */
  failEnqueues(n: number): void;
  /** Runs waiting jobs (retrying failures up to `attempts`) until none is left. */
  drain(handler: (job: DeliveryJob, attempt: Attempt) => Promise<unknown>, attempts?: number): Promise<void>;
}

/** Builds an empty in-memory queue. */
export function createMemoryDeliveryQueue(unavailableError: () => Error): MemoryDeliveryQueue {
  const jobs = new Map<string, { job: DeliveryJob; attemptsMade: number }>();
  let isAvailable = true;
  let failing = 0;
  const check = () => {
    if (!isAvailable) throw unavailableError();
  };
  return {
    get waiting() {
      return [...jobs.keys()];
    },
    setAvailable(v) {
      isAvailable = v;
    },
    failEnqueues(n) {
      failing = n;
    },
    async assertAvailable() {
      check();
    },
    async enqueue(list) {
      check();
      if (failing > 0) {
        failing--;
        throw unavailableError();
      }
      for (const job of list) if (!jobs.has(jobIdOf(job))) jobs.set(jobIdOf(job), { job, attemptsMade: 0 });
    },
    async findMissing(list) {
      check();
      return list.filter((j) => !jobs.has(jobIdOf(j)));
    },
    async remove(job) {
      jobs.delete(jobIdOf(job));
    },
    async drain(handler, attempts = 3) {
      while (jobs.size > 0) {
        for (const [id, entry] of [...jobs]) {
          entry.attemptsMade++;
          try {
            await handler(entry.job, { number: entry.attemptsMade, max: attempts });
            jobs.delete(id);
          } catch (e) {
            const isPermanent = isAppError(e) && e.details?.permanent === true;
            if (isPermanent || entry.attemptsMade >= attempts) jobs.delete(id);
          }
        }
      }
    },
  };
}
