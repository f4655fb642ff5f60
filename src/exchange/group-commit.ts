/**
 * Group commit: calls that arrive while a batch is being written wait and are written together
 * in the next batch (one statement, one commit, one fsync for many requests), the way
 * PostgreSQL groups WAL flushes. Nothing is answered before its batch committed, so each caller
 * keeps the guarantee it had alone (durable before 202). When a batch of several fails, its
 * items are retried one by one, so that one bad item fails only its own caller.
 */

/** Options of {@link groupCommit}. */
export interface GroupCommitOptions {
  /** Most items per batch. @defaultValue 256 */
  maxBatch?: number;
  /** Batches written at once (pipelining over several pool connections). @defaultValue 2 */
  maxInFlight?: number;
}

interface Waiting<I, O> {
  item: I;
  resolve(o: O): void;
  reject(e: unknown): void;
}

/**
 * Wraps `write(items)` (which answers one result per item, in order) as a one-item function
 * whose calls are batched.
 */
export function groupCommit<I, O>(write: (items: I[]) => Promise<O[]>, opts: GroupCommitOptions = {}): (item: I) => Promise<O> {
  const maxBatch = opts.maxBatch ?? 256;
  const maxInFlight = opts.maxInFlight ?? 2;
  let waiting: Waiting<I, O>[] = [];
  let inFlight = 0;
  let scheduled = false;

  async function run(batch: Waiting<I, O>[]): Promise<void> {
    try {
      const out = await write(batch.map((w) => w.item));
      batch.forEach((w, i) => w.resolve(out[i]));
    } catch (e) {
      if (batch.length === 1) batch[0].reject(e);
      else await Promise.all(batch.map((w) => write([w.item]).then((o) => w.resolve(o[0]), w.reject)));
    }
  }

  function flush(): void {
    scheduled = false;
    while (waiting.length > 0 && inFlight < maxInFlight) {
      const batch = waiting.slice(0, maxBatch);
      waiting = waiting.slice(batch.length);
      inFlight++;
      void run(batch).finally(() => {
        inFlight--;
        flush();
      });
    }
  }

  return (item: I) =>
    new Promise<O>((resolve, reject) => {
      waiting.push({ item, resolve, reject });
      if (!scheduled && inFlight < maxInFlight) {
        // collect the calls made in this turn of the event loop before writing
        scheduled = true;
        setImmediate(flush);
      }
    });
}
