/**
 * Issue 4 benchmark: the citizen page `GET /v/:id?t=TOKEN` on the real service (startService on
 * port 0, temporary DATA_DIR), measured with wrk against 127.0.0.1 only, bounded connections.
 * Target: 2,000 requests per second. PUBLIC_RATE_LIMIT is raised for the run (the limiter stays
 * in the request path). Every response must be 200: non-2xx answers fail the run.
 * Run alone: `node bin/run-ts.js bench/citizen-page.ts [seconds] [connections]`; set
 * KYSO_BENCH_DATABASE_URL=postgres://… to measure on a PostgreSQL server (unique schema) instead
 * of embedded PGlite.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Pool } from 'pg';
import { loadConfig } from '../src/config';
import { silentLogger } from '../src/log';
import { startService } from '../src/main';
import { createAgency } from '../src/agencies/create-agency';
import { signPdf } from '../src/signing/sign-pdf';
import { registerDocument } from '../src/documents/register-document';
import { signerFromCertificate } from '../src/documents/document-signers';
import { report } from './harness';

const ROOT = path.resolve(__dirname, '..');
const AGENCY = '000.00.31.H40';

/** wrk's figures: requests per second, 99th percentile latency, non-2xx count. */
export interface WrkResult {
  requestsPerSecond: number;
  p99Ms: number;
  requests: number;
  non2xx: number;
  socketErrors: string | null;
}

function toMs(value: string, unit: string): number {
  const n = Number(value);
  return unit === 'us' ? n / 1000 : unit === 's' ? n * 1000 : unit === 'm' ? n * 60_000 : n;
}

/** Parses the text output of `wrk --latency`. */
export function parseWrk(out: string): WrkResult {
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(out);
  const p99 = /^\s*99%\s+([\d.]+)(us|ms|s|m)\s*$/m.exec(out);
  const total = /(\d+) requests in/.exec(out);
  if (!rps || !p99 || !total) throw new Error(`unexpected wrk output:\n${out}`);
  return {
    requestsPerSecond: Number(rps[1]),
    p99Ms: toMs(p99[1], p99[2]),
    requests: Number(total[1]),
    non2xx: Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0),
    socketErrors: /Socket errors:.*$/m.exec(out)?.[0] ?? null,
  };
}

/** Runs wrk (one thread, `connections` connections) for `seconds` against a loopback URL. */
export function runWrk(url: string, seconds: number, connections: number): Promise<WrkResult> {
  if (!url.startsWith('http://127.0.0.1:')) throw new Error('the benchmark only targets 127.0.0.1');
  return new Promise((resolve, reject) => {
    execFile('wrk', ['-t1', `-c${connections}`, `-d${seconds}s`, '--latency', url], { timeout: (seconds + 30) * 1000 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`wrk failed (apt-get install -y wrk): ${err.message}\n${stderr}`));
      try {
        resolve(parseWrk(stdout));
      } catch (e) {
        reject(e);
      }
    });
  });
}

/** Runs the benchmark: `seconds` of wrk with `connections` connections. */
export async function benchCitizenPage(_limits: { rsaPerSecond: number; sha256MBps: number }, seconds = 5, connections = 32): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kyso-bench-citizen-'));
  // KYSO_BENCH_DATABASE_URL: a PostgreSQL server; the tables go to a schema of their own
  const serverUrl = process.env.KYSO_BENCH_DATABASE_URL;
  const schema = `bench_citizen_${process.pid}_${randomBytes(3).toString('hex')}`;
  let databaseUrl: string | undefined;
  if (serverUrl) {
    const pool = new Pool({ connectionString: serverUrl, max: 1 });
    await pool.query(`create schema "${schema}"`).finally(() => pool.end());
    databaseUrl = `${serverUrl}${serverUrl.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  }
  const config = loadConfig({ PORT: '0', DATA_DIR: dir, DATABASE_URL: databaseUrl, PUBLIC_RATE_LIMIT: '1000000000', ROLE: 'api', LOG_LEVEL: 'silent' });
  const running = await startService(config, silentLogger());
  try {
    const { documents, keys, database } = running.services;
    await createAgency(database.db, { code: AGENCY, name: 'Ủy ban nhân dân huyện Cần Giuộc', actor: 'admin' });
    const key = await keys.get('org-can-giuoc');
    const signed = await signPdf(readFileSync(path.join(ROOT, 'samples', 'quyet-dinh.pdf')), key);
    const registered = await registerDocument(documents, {
      issuingAgencyCode: AGENCY,
      signedBytes: signed.bytes,
      metadata: {
        numberAndNotation: '125/QĐ-UBND',
        title: 'Về việc cấp giấy phép xây dựng',
        documentType: 'Quyết định',
        signers: [signerFromCertificate(key.certificate, signed.signingTime.toISOString())],
      },
      actor: { kind: 'admin' },
    });
    const url = `http://127.0.0.1:${running.address!.port}/v/${registered.id}?t=${encodeURIComponent(registered.token)}`;
    const probe = await fetch(url);
    const html = await probe.text();
    if (probe.status !== 200 || !html.includes('Còn hiệu lực') || !html.includes('125/QĐ-UBND')) {
      throw new Error(`the citizen page did not answer as expected: ${probe.status}`);
    }
    await runWrk(url, 1, Math.min(connections, 8)); // warm-up
    const cpuBefore = process.cpuUsage();
    const r = await runWrk(url, seconds, connections);
    const cpu = process.cpuUsage(cpuBefore);
    if (r.non2xx > 0) throw new Error(`${r.non2xx} of ${r.requests} responses were not 2xx`);
    report({
      bench: 'citizen-page',
      value: r.requestsPerSecond,
      unit: 'req/s',
      target: 2000,
      p99_ms: r.p99Ms,
      requests: r.requests,
      connections,
      // server CPU per request (this process serves): comparable across runs on a loaded machine
      cpu_us_per_req: (cpu.user + cpu.system) / r.requests,
      driver: database.driver,
      load1: os.loadavg()[0],
      ...(r.socketErrors ? { socket_errors: r.socketErrors } : {}),
    });
  } finally {
    await running.stop();
    rmSync(dir, { recursive: true, force: true });
    if (serverUrl) {
      const pool = new Pool({ connectionString: serverUrl, max: 1 });
      await pool.query(`drop schema if exists "${schema}" cascade`).finally(() => pool.end());
    }
  }
}

if (require.main === module || module.parent?.filename.endsWith('run-ts.js')) {
  benchCitizenPage({ rsaPerSecond: 0, sha256MBps: 0 }, Number(process.argv[2] ?? 5), Number(process.argv[3] ?? 32)).catch((e) => {
    process.stderr.write(`bench failed: ${(e as Error).stack ?? e}\n`);
    process.exit(1);
  });
}
