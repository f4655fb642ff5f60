/**
 * Group commit per numbering series. Every issue on a series needs the next numbers of that
 * series (gapless, Decree 123 Art. 32.2.c), so the issues of a series are numbered in batches:
 * the issues that arrive together are numbered, signed, stored and committed together in ONE
 * transaction, so the lock, the round trips and the commit are paid once per batch. A failing
 * batch is retried one job at a time, so one bad request fails alone and, since each attempt is a
 * transaction, no number is lost.
 *
 * Batches are pipelined: up to `depth` batches of a series are in flight, each told about the
 * batch before it (its handoff), so that the second one numbers right after the first and signs
 * while the first waits for its fsyncs and commit (issue-batch.ts). Waiting jobs are spread over
 * the free places of the pipeline, so that issuers answered together do not all land in one batch
 * and leave the other place empty.
 */

/** One batch under way: its results (one per job, in order) and what the next batch may know of it. */
export interface StartedBatch<R, H> {
  results: Promise<R[]>;
  handoff: H;
}

/** Starts one transaction for `jobs` (in order), after `before` if that batch is still in flight. */
export type BatchRunner<J, R, H> = (jobs: J[], before: H | undefined) => StartedBatch<R, H>;

interface Pending<J, R> {
  job: J;
  resolve(result: R): void;
  reject(error: unknown): void;
}

interface Series<J, R, H> {
  queue: Pending<J, R>[];
  inFlight: number;
  scheduled: boolean;
  /** The batch started last, while it is in flight. */
  last?: { handoff: H };
}

/** Options of {@link SeriesBatcher}. */
export interface SeriesBatcherOptions {
  /** Most jobs per transaction. @defaultValue 64 */
  maxBatch?: number;
  /** Most batches in flight per series. @defaultValue 2 */
  depth?: number;
}

/** A queue per series key and up to `depth` transactions in flight per key (in this process). */
export class SeriesBatcher<J, R, H = undefined> {
  private readonly series = new Map<string, Series<J, R, H>>();
  private readonly maxBatch: number;
  private readonly depth: number;

  constructor(
    private readonly run: BatchRunner<J, R, H>,
    options: SeriesBatcherOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 64;
    this.depth = options.depth ?? 2;
  }

  /** Queues `job` on `key`; resolves when its batch (or its own retry) committed. */
  submit(key: string, job: J): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      let s = this.series.get(key);
      if (!s) this.series.set(key, (s = { queue: [], inFlight: 0, scheduled: false }));
      s.queue.push({ job, resolve, reject });
      if (s.scheduled) return;
      s.scheduled = true;
      // Start on setImmediate, not at once: the issues submitted in this turn of the event loop
      // (e.g. issuers answered by the same commit) are batched together. No timer: a lone issue
      // waits for nothing.
      const series = s;
      setImmediate(() => {
        series.scheduled = false;
        this.pump(key, series);
      });
    });
  }

  private pump(key: string, s: Series<J, R, H>): void {
    while (s.inFlight < this.depth && s.queue.length > 0) {
      const share = Math.ceil(s.queue.length / (this.depth - s.inFlight));
      const batch = s.queue.splice(0, Math.min(this.maxBatch, share));
      const started = this.start(batch.map((p) => p.job), s.last?.handoff);
      const entry = { handoff: started.handoff };
      s.last = entry;
      s.inFlight++;
      void this.settle(batch, started.results).finally(() => {
        s.inFlight--;
        if (s.last === entry) s.last = undefined;
        if (s.inFlight === 0 && s.queue.length === 0 && !s.scheduled) this.series.delete(key);
        else this.pump(key, s);
      });
    }
  }

  private start(jobs: J[], before: H | undefined): StartedBatch<R, H> {
    try {
      return this.run(jobs, before);
    } catch (e) {
      return { results: Promise.reject(e), handoff: undefined as H };
    }
  }

  private async settle(batch: Pending<J, R>[], results: Promise<R[]>): Promise<void> {
    let done: R[];
    try {
      done = await results;
    } catch (e) {
      if (batch.length === 1) return batch[0]!.reject(e);
      // one at a time, each its own transaction and not after any batch in flight
      for (const p of batch) await this.settle([p], this.start([p.job], undefined).results);
      return;
    }
    batch.forEach((p, i) => p.resolve(done[i]!));
  }
}
