/**
 * Group commit per numbering series. Every issue on a series waits on the same row lock (gapless
 * numbers, Decree 123 Art. 32.2.c), so per-series throughput is 1 / (time under the lock). The
 * batcher lets the issues that arrive while a transaction holds the lock wait in memory and then
 * numbers, signs, stores and commits them together in ONE transaction: the lock, the round trips
 * and the commit are paid once per batch. A failing batch is retried one job at a time, so one
 * bad request fails alone and, since each attempt is a transaction, no number is lost.
 */

/** Runs one transaction for `jobs` (in order); resolves with one result per job, or throws. */
export type BatchRunner<J, R> = (jobs: J[]) => Promise<R[]>;

interface Pending<J, R> {
  job: J;
  resolve(result: R): void;
  reject(error: unknown): void;
}

/** Options of {@link SeriesBatcher}. */
export interface SeriesBatcherOptions {
  /** Most jobs per transaction. @defaultValue 64 */
  maxBatch?: number;
}

/** A queue per series key; at most one transaction in flight per key (in this process). */
export class SeriesBatcher<J, R> {
  private readonly queues = new Map<string, Pending<J, R>[]>();
  private readonly maxBatch: number;

  constructor(
    private readonly run: BatchRunner<J, R>,
    options: SeriesBatcherOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 64;
  }

  /** Queues `job` on `key`; resolves when its batch (or its own retry) committed. */
  submit(key: string, job: J): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const queue = this.queues.get(key);
      if (queue) {
        queue.push({ job, resolve, reject });
        return;
      }
      const fresh = [{ job, resolve, reject }];
      this.queues.set(key, fresh);
      // Start on setImmediate, not at once: the issues submitted in this turn of the event loop
      // (e.g. issuers answered by the same commit) join the first batch instead of waiting for a
      // batch of one. No timer: a lone issue waits for nothing.
      setImmediate(() => void this.drain(key, fresh));
    });
  }

  private async drain(key: string, queue: Pending<J, R>[]): Promise<void> {
    try {
      while (queue.length) await this.runBatch(queue.splice(0, this.maxBatch));
    } finally {
      this.queues.delete(key);
    }
  }

  private async runBatch(batch: Pending<J, R>[]): Promise<void> {
    let results: R[];
    try {
      results = await this.run(batch.map((p) => p.job));
    } catch (e) {
      if (batch.length === 1) {
        batch[0]!.reject(e);
        return;
      }
      for (const p of batch) await this.runBatch([p]);
      return;
    }
    batch.forEach((p, i) => p.resolve(results[i]!));
  }
}
