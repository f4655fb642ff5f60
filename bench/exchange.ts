/**
 * Issue 5 benchmark: end-to-end relay with one API process (this one, `startService` ROLE=api)
 * and one worker process (`node bin/kyso.js worker`, a child): a sender agency POSTs a message
 * carrying a one-page signed PDF (ingress verification included), the worker delivers it to the
 * receiver's pull inbox, the receiver lists its inbox and acknowledges every message.
 * - `exchange.relay`: messages/s from the first send to the last acknowledgement (closed loop);
 * - `exchange.relay-p99-at-half-rate`: a second phase sending at half that rate (open loop),
 *   p99 from accept (the 202) to delivered (the delivery row's delivered_at);
 * - `exchange.bullmq-raw`: the ceiling, raw BullMQ add → complete of empty jobs, same machine.
 * Every message carries the same signed PDF: it is verified every time (there is no verdict
 * cache), but the content-addressed file store writes it only once, where a deployment writes each
 * distinct attachment (about 0.7 ms of CPU per 70 kB put on the 2-core bench machine, not counted).
 * Everything is loopback; PostgreSQL in its own schema (dropped after) when reachable, else
 * PGlite; Redis in its own logical database, whose queue is obliterated after.
 * Run alone: `node bin/run-ts.js bench/exchange.ts [messages] [concurrency]`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Queue, Worker } from 'bullmq';
import { Pool } from 'pg';
import { loadConfig } from '../src/config';
import { silentLogger } from '../src/log';
import { startService, type RunningService } from '../src/main';
import { loadKeyStoreFromFile } from '../src/keys/load-key-store-fs';
import { signPdf } from '../src/signing/sign-pdf';
import { report, reachablePostgres } from './harness';

const ROOT = path.resolve(__dirname, '..');
const ADMIN = `bench-admin-${randomBytes(12).toString('hex')}`;
const SENDER = '000.00.14.H40';
const RECEIVER = '000.00.00.H56';
/** A Redis logical database of the bench's own: the queue name is not configurable. */
const REDIS_DB = 13;
const QUEUE = 'kyso-exchange';

interface Reply { status: number; body: Buffer }

/** A keep-alive HTTP client on loopback (cheaper per request than fetch). */
function client(port: number, sockets: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: sockets });
  return (method: string, p: string, headers: Record<string, string | number>, body?: Buffer): Promise<Reply> =>
    new Promise((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, method, path: p, headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
}

const json = (r: Reply): any => JSON.parse(r.body.toString('utf8'));
const percentile = (xs: number[], p: number) => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));


/** Raw BullMQ: add (addBulk, batches of 500) → complete of `n` empty jobs, jobs/s. */
async function rawBullmq(redisUrl: string, n = 30_000): Promise<number> {
  const name = `bench-raw-${process.pid}`;
  const connection = { url: redisUrl, maxRetriesPerRequest: null };
  const queue = new Queue(name, { connection });
  let done = 0;
  let finish: () => void = () => undefined;
  const allDone = new Promise<void>((r) => (finish = r));
  const worker = new Worker(name, async () => undefined, { connection, concurrency: 200, autorun: true });
  worker.on('completed', () => {
    if (++done === n) finish();
  });
  await worker.waitUntilReady();
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i += 500) {
    await queue.addBulk(Array.from({ length: Math.min(500, n - i) }, () => ({ name: 'x', data: {}, opts: { removeOnComplete: true } })));
  }
  await allDone;
  const perSecond = n / (Number(process.hrtime.bigint() - start) / 1e9);
  await worker.close();
  await queue.obliterate({ force: true }).catch(() => undefined);
  await queue.close();
  return perSecond;
}

/** One multipart body: the envelope (unique documentId) and the signed PDF. */
function multipart(boundary: string, envelope: unknown, pdfHead: Buffer, pdf: Buffer, tail: Buffer): Buffer {
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="envelope"\r\nContent-Type: application/json\r\n\r\n${JSON.stringify(envelope)}\r\n`);
  return Buffer.concat([head, pdfHead, pdf, tail]);
}

interface Running { api: RunningService; worker: ChildProcess; port: number }

/**
 * KYSO_BENCH_PROFILE=DIR: a V8 CPU profile of this process (API + client) during the measured
 * phase only, written to DIR/api-full.cpuprofile (startup and the raw BullMQ run left out), and
 * a sampled allocation profile (collected objects included) to DIR/api-full.heapprofile. The
 * profilers cost CPU themselves: compare apiCpuMsPerMessage of runs without them.
 */
async function profileApi<T>(run: () => Promise<T>): Promise<T> {
  // bench code may read the environment
  const dir = process.env.KYSO_BENCH_PROFILE;
  if (!dir) return run();
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object) => new Promise<any>((resolve, reject) => session.post(method, params ?? {}, (e, r) => (e ? reject(e) : resolve(r))));
  await post('Profiler.enable');
  await post('Profiler.start');
  // allocations sampled too, including those already collected (who makes the garbage)
  await post('HeapProfiler.startSampling', { samplingInterval: 32768, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  try {
    return await run();
  } finally {
    const { profile } = await post('Profiler.stop');
    const { profile: heap } = await post('HeapProfiler.stopSampling');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'api-full.cpuprofile'), JSON.stringify(profile));
    writeFileSync(path.join(dir, 'api-full.heapprofile'), JSON.stringify(heap));
    session.disconnect();
  }
}

/** CPU seconds (user + system) used so far by this process and by the worker child. */
function cpuSeconds(worker: ChildProcess): { api: number; worker: number } {
  const u = process.cpuUsage();
  let w = NaN;
  try {
    // /proc/<pid>/stat fields 14 and 15: utime and stime in clock ticks (100 per second on Linux)
    const fields = readFileSync(`/proc/${worker.pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
    w = (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    // not Linux: the worker's CPU is not reported
  }
  return { api: (u.user + u.system) / 1e6, worker: w };
}

async function startApiAndWorker(env: Record<string, string>): Promise<Running> {
  const api = await startService(loadConfig({ ...env, ROLE: 'api', PORT: '0' }, ROOT), silentLogger());
  // KYSO_BENCH_WORKER_ARGS: extra node flags for the worker (e.g. `--cpu-prof`); bench code may read the environment
  const nodeArgs = (process.env.KYSO_BENCH_WORKER_ARGS ?? '').split(' ').filter(Boolean);
  const worker = spawn(process.execPath, [...nodeArgs, path.join(ROOT, 'bin', 'kyso.js'), 'worker'], {
    cwd: ROOT, env: { ...process.env, ...env, ROLE: 'worker', LOG_LEVEL: 'warn' }, stdio: ['ignore', 'ignore', 'inherit'],
  });
  return { api, worker, port: api.address!.port };
}

async function stopWorker(worker: ChildProcess): Promise<void> {
  if (worker.exitCode !== null) return;
  const exited = new Promise((r) => worker.once('exit', r));
  worker.kill('SIGTERM');
  await Promise.race([exited, sleep(10_000)]);
  if (worker.exitCode === null) worker.kill('SIGKILL');
}

/** Receiver side: lists the inbox and acknowledges everything in it, until `isDone()` or `deadline`. */
async function drainInbox(call: ReturnType<typeof client>, key: string, isDone: () => boolean, deadline: number, delivered: Map<string, number>, acked: Set<string>, ackConcurrency: number): Promise<void> {
  const auth = { authorization: `Bearer ${key}` };
  while (!isDone() && Date.now() < deadline) {
    const r = await call('GET', '/api/v1/exchange/inbox?limit=1000', auth);
    if (r.status !== 200) throw new Error(`inbox answered ${r.status}: ${r.body}`);
    const entries = (json(r).messages as { id: string; deliveredAt: string }[]).filter((e) => !acked.has(e.id));
    if (entries.length === 0) {
      await sleep(5);
      continue;
    }
    for (const e of entries) delivered.set(e.id, Date.parse(e.deliveredAt));
    let next = 0;
    await Promise.all(Array.from({ length: Math.min(ackConcurrency, entries.length) }, async () => {
      while (next < entries.length) {
        const e = entries[next++];
        const a = await call('POST', `/api/v1/exchange/inbox/${e.id}/ack`, auth);
        if (a.status !== 200) throw new Error(`ack answered ${a.status}: ${a.body}`);
        acked.add(e.id);
      }
    }));
  }
}

interface Phase { sent: number; acked: number; seconds: number; latencies: number[]; errors: number }

/**
 * Sends `count` messages (`concurrency` in flight; at most `ratePerSecond` when given) while the
 * receiver drains its inbox; returns when all are acknowledged or `maxSeconds` passed.
 */
async function runPhase(call: ReturnType<typeof client>, keys: { sender: string; receiver: string }, pdf: Buffer, tag: string, count: number, concurrency: number, maxSeconds: number, ratePerSecond?: number): Promise<Phase> {
  const boundary = `kyso${randomBytes(8).toString('hex')}`;
  const pdfHead = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="attachments"; filename="quyet-dinh.pdf"\r\nContent-Type: application/pdf\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const base = JSON.parse(readFileSync(path.join(ROOT, 'samples', 'exchange', 'envelope.json'), 'utf8'));
  base.to = [{ organId: RECEIVER, organName: 'UBND tỉnh Thanh Hóa' }];
  const headers = { authorization: `Bearer ${keys.sender}`, 'content-type': `multipart/form-data; boundary=${boundary}` };
  const acceptedAt = new Map<string, number>();
  const delivered = new Map<string, number>();
  const acked = new Set<string>();
  const start = Date.now();
  const deadline = start + maxSeconds * 1000;
  let next = 0;
  let errors = 0;
  const send = async (i: number) => {
    const body = multipart(boundary, { ...base, code: { number: String(i + 1), notation: `BENCH-${tag}` } }, pdfHead, pdf, tail);
    const r = await call('POST', '/api/v1/exchange/messages', { ...headers, 'content-length': body.length }, body);
    if (r.status !== 202) {
      if (++errors <= 3) process.stderr.write(`send answered ${r.status}: ${r.body.toString().slice(0, 300)}\n`);
      return;
    }
    acceptedAt.set(json(r).id, Date.now());
  };
  const senders = Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < count && Date.now() < deadline) {
      const i = next++;
      if (ratePerSecond) {
        const due = start + (i * 1000) / ratePerSecond;
        if (due > Date.now()) await sleep(due - Date.now());
      }
      await send(i);
    }
  }));
  let sending = true;
  const isDone = () => !sending && [...acceptedAt.keys()].every((id) => acked.has(id));
  const receiver = drainInbox(call, keys.receiver, isDone, deadline, delivered, acked, concurrency);
  await senders;
  sending = false;
  await receiver;
  const seconds = (Date.now() - start) / 1000;
  const latencies = [...acceptedAt].flatMap(([id, at]) => (delivered.has(id) ? [Math.max(0, delivered.get(id)! - at)] : []));
  const ackedHere = [...acceptedAt.keys()].filter((id) => acked.has(id)).length;
  return { sent: acceptedAt.size, acked: ackedHere, seconds, latencies, errors };
}

async function createAgencies(call: ReturnType<typeof client>): Promise<{ sender: string; receiver: string }> {
  const make = async (code: string, name: string) => {
    const body = Buffer.from(JSON.stringify({ code, name, delivery: { mode: 'pull' } }));
    const r = await call('POST', '/api/v1/agencies', { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json', 'content-length': body.length }, body);
    if (r.status !== 201) throw new Error(`creating ${code} answered ${r.status}: ${r.body}`);
    return json(r).apiKey as string;
  };
  return { sender: await make(SENDER, 'Sở Thông tin và Truyền thông tỉnh Long An'), receiver: await make(RECEIVER, 'UBND tỉnh Thanh Hóa') };
}

/** The sample one-page letter signed once by a development key (trusted by the dev root). */
async function signedSample(): Promise<Buffer> {
  const keys = loadKeyStoreFromFile(path.join(ROOT, 'certs-dev', 'index.json'));
  try {
    const signed = await signPdf(readFileSync(path.join(ROOT, 'samples', 'quyet-dinh.pdf')), await keys.get('can-giuoc-chu-tich'));
    return Buffer.from(signed.bytes);
  } finally {
    await keys.close();
  }
}

/** Runs the relay benchmark: `messages` per phase at most, `concurrency` senders. */
export async function benchExchange(_limits: { rsaPerSecond: number; sha256MBps: number }, messages = 20_000, concurrency = 64, maxSeconds = 40): Promise<void> {
  // REDIS_URL / DATABASE_URL_TEST: the servers named by the brief; bench code may read the environment
  const redisBase = (process.env.REDIS_URL ?? 'redis://127.0.0.1:6379').replace(/\/\d*$/, '');
  const redisUrl = `${redisBase}/${REDIS_DB}`;
  const raw = await rawBullmq(redisUrl);
  report({ bench: 'exchange.bullmq-raw', value: raw, unit: 'jobs/s', loadavg: os.loadavg()[0] });

  const dir = mkdtempSync(path.join(os.tmpdir(), 'kyso-bench-exchange-'));
  const pgUrl = await reachablePostgres();
  const schema = `bench_exchange_${process.pid}`;
  const admin = pgUrl ? new Pool({ connectionString: pgUrl, max: 1 }) : undefined;
  await admin?.query(`create schema if not exists ${schema}`);
  const databaseUrl = pgUrl ? `${pgUrl}${pgUrl.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}` : undefined;
  const env: Record<string, string> = { DATA_DIR: dir, REDIS_URL: redisUrl, ADMIN_API_KEY: ADMIN, LOG_LEVEL: 'silent', ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) };
  const pdf = await signedSample();
  let running: Running | undefined;
  try {
    running = await startApiAndWorker(env);
    const call = client(running.port, concurrency + 40);
    const keys = await createAgencies(call);
    await runPhase(call, keys, pdf, 'warm', 200, 16, 20);
    const cpu0 = cpuSeconds(running.worker);
    const full = await profileApi(() => runPhase(call, keys, pdf, 'full', messages, concurrency, maxSeconds));
    const cpu1 = cpuSeconds(running.worker);
    const rate = full.acked / full.seconds;
    const apiCpuMs = ((cpu1.api - cpu0.api) * 1000) / Math.max(1, full.acked);
    const workerCpuMs = ((cpu1.worker - cpu0.worker) * 1000) / Math.max(1, full.acked);
    report({
      bench: 'exchange.relay', value: rate, unit: 'messages/s', target: 1000, limit: raw, ratio: rate / raw,
      sent: full.sent, acknowledged: full.acked, errors: full.errors, concurrency, p99DeliveredMs: percentile(full.latencies, 99),
      driver: databaseUrl ? 'postgres' : 'pglite', pdfBytes: pdf.length, loadavg: os.loadavg()[0],
      // CPU per relayed message; the API figure includes this bench's own HTTP client (same process)
      apiCpuMsPerMessage: apiCpuMs, workerCpuMsPerMessage: workerCpuMs,
    });
    const half = Math.max(1, rate / 2);
    const slow = await runPhase(call, keys, pdf, 'half', Math.round(half * 10), concurrency, 30, half);
    report({
      bench: 'exchange.relay-p99-at-half-rate', value: percentile(slow.latencies, 99), unit: 'ms', ratePerSecond: half,
      p50: percentile(slow.latencies, 50), sent: slow.sent, acknowledged: slow.acked, errors: slow.errors, loadavg: os.loadavg()[0],
    });
  } finally {
    if (running) {
      await stopWorker(running.worker);
      await running.api.stop();
    }
    const q = new Queue(QUEUE, { connection: { url: redisUrl, maxRetriesPerRequest: null } });
    await q.obliterate({ force: true }).catch(() => undefined);
    await q.close();
    await admin?.query(`drop schema if exists ${schema} cascade`).catch(() => undefined);
    await admin?.end();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module || module.parent?.filename.endsWith('run-ts.js')) {
  benchExchange({ rsaPerSecond: 0, sha256MBps: 0 }, Number(process.argv[2] ?? 20_000), Number(process.argv[3] ?? 64), Number(process.argv[4] ?? 40)).then(
    () => process.exit(0),
    (e) => {
      process.stderr.write(`bench failed: ${(e as Error).stack ?? e}\n`);
      process.exit(1);
    },
  );
}
