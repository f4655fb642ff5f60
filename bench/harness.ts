/**
 * Benchmark harness: every benchmark prints one JSON object per line
 * `{bench, value, unit, limit?, ratio?, ...}`; physical limits are measured in the same run so
 * results read as ratios (value / limit).
 */
import { createHash, generateKeyPairSync, sign as rsaSign, type KeyObject } from 'node:crypto';
import { Pool } from 'pg';

/** One result line. */
export interface BenchResult {
  bench: string;
  value: number;
  unit: string;
  limit?: number;
  ratio?: number;
  [extra: string]: unknown;
}

/** Prints a result as one JSON line, rounding numbers for reading. */
export function report(r: BenchResult): void {
  const round = (n: number) => (Math.abs(n) >= 100 ? Math.round(n) : Math.round(n * 1000) / 1000);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r)) out[k] = typeof v === 'number' ? round(v) : v;
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

/** Runs `fn` repeatedly for about `ms` milliseconds (after a warm-up); returns operations/second. */
export async function opsPerSecond(fn: () => unknown | Promise<unknown>, ms = 2000, warmup = 20): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn();
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(ms) * 1_000_000n;
  let n = 0;
  let now = start;
  while (now < deadline) {
    await fn();
    n++;
    now = process.hrtime.bigint();
  }
  return n / (Number(now - start) / 1e9);
}

/** Physical limit: raw node:crypto RSA-2048 PKCS#1 v1.5 signatures per second on one core. */
export async function measureRawRsa2048(ms = 2000): Promise<{ perSecond: number; key: KeyObject }> {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const data = Buffer.alloc(100, 7);
  const perSecond = await opsPerSecond(() => rsaSign('sha256', data, privateKey), ms);
  return { perSecond, key: privateKey };
}

/** Physical limit: raw node:crypto SHA-256 throughput in MB/s over a 64 MiB buffer. */
export async function measureRawSha256(): Promise<number> {
  const buf = Buffer.alloc(64 * 1024 * 1024, 1);
  createHash('sha256').update(buf.subarray(0, 1 << 20)).digest();
  const rounds = 4;
  const start = process.hrtime.bigint();
  for (let i = 0; i < rounds; i++) createHash('sha256').update(buf).digest();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return (buf.length * rounds) / (1024 * 1024) / seconds;
}

/** The PostgreSQL server to measure on, when one answers. */
export async function reachablePostgres(): Promise<string | undefined> {
  // DATABASE_URL_TEST: the test server named by the brief; bench code may read the environment
  const url = process.env.DATABASE_URL_TEST ?? 'postgres://postgres@127.0.0.1:5432/test';
  const pool = new Pool({ connectionString: url, max: 1, connectionTimeoutMillis: 1000 });
  try {
    await pool.query('select 1');
    return url;
  } catch {
    return undefined;
  } finally {
    await pool.end().catch(() => undefined);
  }
}
