/**
 * A pool of signing worker threads. Node runs JavaScript on one thread, and a visible Decree 30
 * signature is mostly JavaScript (PDF parsing, anchor search, appearance, incremental update, CMS):
 * in one thread a server signs on one core however many it has. The pool runs that part
 * ({@link runSignWork}) in worker threads, one per core by default, while the request thread keeps
 * HTTP, the registry and the keys: a worker's private-key operation comes back here as a `sign`
 * message and is done by the real KeyHandle (PKCS#12 on the libuv pool, PKCS#11 on its session),
 * so no key material or token session is ever shared between threads.
 *
 * Workers start on the first job (a server that never signs pays nothing). A worker that dies
 * fails its jobs in flight with INTERNAL (never a hang) and is replaced on the next job.
 */
import { Worker } from 'node:worker_threads';
import { AppError } from '../errors';
import type { KeyHandle } from '../keys/key-handle';
import type { StampFonts } from '../stamp';
import type { SignWork, SignWorkResult, SignWorkRunner } from './sign-work';
import { fromWireError, toWireError, type FromWorker, type PublicKeyInfo, type ToWorker } from './signing-worker-messages';

/** Options of {@link createSigningWorkers}. */
export interface SigningWorkersOptions {
  /** Number of worker threads (at least 1). */
  size: number;
  /** The appearance fonts, copied to each worker. */
  fonts: StampFonts;
}

interface Job {
  resolve: (r: SignWorkResult) => void;
  reject: (e: unknown) => void;
}

interface Slot {
  worker: Worker;
  ready: Promise<void>;
  jobs: Map<number, Job>;
  /** Jobs given to this worker and not finished (waiting for it to start included). */
  busy: number;
  dead: boolean;
}

/**
 * The TypeScript entry is loaded through tsx, as the process itself is (bin/kyso.js); a compiled
 * build would point at the .js file instead.
 */
const BOOTSTRAP = `const { workerData } = require('node:worker_threads'); require(workerData.loader); require(workerData.entry);`;
const ENTRY = require.resolve('./signing-worker-thread');
/** Resolved here, not in the thread: an eval'd worker resolves modules from the process's cwd. */
const LOADER = require.resolve('tsx/cjs');

/** Starts (lazily) a pool of `size` signing worker threads. */
export function createSigningWorkers(options: SigningWorkersOptions): SignWorkRunner {
  if (!Number.isInteger(options.size) || options.size < 1) throw new AppError('CONFIG_INVALID', 'The signing worker pool needs at least one thread.');
  const slots: (Slot | undefined)[] = new Array(options.size).fill(undefined);
  let nextJob = 0;
  let closed = false;
  // each KeyHandle gets a number; workers keep one handle per number and ask for signatures by it
  const keyIds = new WeakMap<KeyHandle, number>();
  const keysById = new Map<number, KeyHandle>();

  function start(index: number): Slot {
    const worker = new Worker(BOOTSTRAP, { eval: true, workerData: { loader: LOADER, entry: ENTRY, fonts: options.fonts } });
    const slot: Slot = { worker, jobs: new Map(), busy: 0, dead: false, ready: Promise.resolve() };
    slot.ready = new Promise<void>((resolve, reject) => {
      worker.on('message', (m: FromWorker) => {
        if (m.type === 'ready') resolve();
        else if (m.type === 'broken') reject(new AppError('INTERNAL', `A signing worker could not start: ${m.message}`));
        else onMessage(slot, m);
      });
      const die = (why: string) => {
        if (slot.dead) return;
        slot.dead = true;
        if (slots[index] === slot) slots[index] = undefined;
        const error = new AppError('INTERNAL', `A signing worker thread stopped (${why}); the signature was not made.`);
        reject(error);
        for (const job of slot.jobs.values()) job.reject(error);
        slot.jobs.clear();
      };
      worker.on('error', (e) => die(e.message));
      worker.on('exit', (code) => die(`exit code ${code}`));
    });
    slot.ready.catch(() => undefined);
    // an idle pool must not keep the process alive; close() ends the threads on shutdown
    worker.unref();
    return slot;
  }

  function onMessage(slot: Slot, m: FromWorker): void {
    if (m.type === 'sign') {
      const key = keysById.get(m.key);
      const reply = (message: ToWorker) => {
        if (!slot.dead) slot.worker.postMessage(message);
      };
      if (!key) return reply({ type: 'sign-failed', id: m.id, error: { message: 'unknown key' } });
      key.sign(m.data, m.hash).then(
        (signature) => reply({ type: 'signed', id: m.id, signature }),
        (e: unknown) => reply({ type: 'sign-failed', id: m.id, error: toWireError(e) }),
      );
      return;
    }
    if (m.type !== 'done' && m.type !== 'failed') return;
    const job = slot.jobs.get(m.job);
    if (!job) return;
    slot.jobs.delete(m.job);
    if (m.type === 'done') job.resolve(m.result);
    else job.reject(fromWireError(m.error));
  }

  /** The live worker with the fewest jobs in flight (starting one in an empty place). */
  function pick(): Slot {
    let best: Slot | undefined;
    for (let i = 0; i < slots.length; i++) {
      const slot = slots[i] ?? (slots[i] = start(i));
      if (!best || slot.busy < best.busy) best = slot;
    }
    return best as Slot;
  }

  function publicKeyOf(key: KeyHandle): PublicKeyInfo {
    let id = keyIds.get(key);
    if (id === undefined) {
      keyIds.set(key, (id = keysById.size));
      keysById.set(id, key);
    }
    return { id, alias: key.alias, certificate: key.certificate, chain: [...key.chain], key: key.key, scheme: key.scheme };
  }

  return {
    async run(work: SignWork, key: KeyHandle): Promise<SignWorkResult> {
      if (closed) throw new AppError('SERVICE_UNAVAILABLE', 'The signing service is shutting down.');
      const slot = pick();
      // a thread with work keeps the process alive; an idle one does not
      if (slot.busy++ === 0) slot.worker.ref();
      try {
        await slot.ready;
        const job = nextJob++;
        return await new Promise<SignWorkResult>((resolve, reject) => {
          if (slot.dead) return reject(new AppError('INTERNAL', 'A signing worker thread stopped; the signature was not made.'));
          slot.jobs.set(job, { resolve, reject });
          slot.worker.postMessage({ type: 'job', job, work, key: publicKeyOf(key) } satisfies ToWorker);
        });
      } finally {
        if (--slot.busy === 0 && !slot.dead) slot.worker.unref();
      }
    },
    async close(): Promise<void> {
      closed = true;
      await Promise.all(slots.map((s) => s?.worker.terminate()));
    },
  };
}
