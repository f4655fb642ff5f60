/**
 * Configuration: one schema over the environment, parsed once at start. This is the only module
 * that reads `process.env` (main.ts and the CLI pass it in). Invalid configuration stops the
 * process with every problem listed.
 */
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { AppError } from './errors';

const intFromEnv = (def: number, min = 0) =>
  z.coerce.number().int().min(min).default(def);

/** The environment variables kyso reads, with their defaults. */
export const configSchema = z.object({
  /** HTTP port; tests pass 0 for an ephemeral port. */
  PORT: intFromEnv(3000),
  /** Base URL printed into QR codes and links; defaults to http://localhost:PORT. */
  PUBLIC_BASE_URL: z.string().url().optional(),
  /** Where PGlite data, the file store and the key configuration live. */
  DATA_DIR: z.string().min(1).default('./data'),
  /** PostgreSQL connection string; when absent kyso uses embedded PGlite under DATA_DIR. */
  DATABASE_URL: z.string().url().optional(),
  /** Redis for the BullMQ queues of the exchange axis. */
  REDIS_URL: z.string().url().default('redis://127.0.0.1:6379'),
  /** Bearer key of the administrator; without it, admin endpoints refuse every call. */
  ADMIN_API_KEY: z.string().min(16, 'ADMIN_API_KEY must be at least 16 characters').optional(),
  /** Roles to start: api, worker or all. */
  ROLE: z.enum(['api', 'worker', 'all']).default('all'),
  /** Directory of trust anchors (PEM or DER); defaults to the development root. */
  TRUST_DIR: z.string().optional(),
  /** Key configuration: a JSON file listing signing keys by alias (see certs-dev/index.json). */
  KEYS_FILE: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Input limits enforced on every PDF (bytes, objects, nesting depth, milliseconds). */
  MAX_PDF_BYTES: intFromEnv(200 * 1024 * 1024, 1),
  MAX_PDF_OBJECTS: intFromEnv(2_000_000, 1),
  MAX_PDF_DEPTH: intFromEnv(64, 4),
  MAX_PDF_MILLIS: intFromEnv(30_000, 10),
  MAX_DECOMPRESSED_BYTES: intFromEnv(256 * 1024 * 1024, 1024),
  /** Requests per minute per client on public endpoints (verify, citizen pages). */
  PUBLIC_RATE_LIMIT: intFromEnv(120, 1),
  /** Accept INDETERMINATE attachments at exchange ingress. */
  EXCHANGE_ACCEPT_INDETERMINATE: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  /** Shared secret signing requests between federated exchange axes; federation is off without it. */
  EXCHANGE_FEDERATION_SECRET: z.string().min(16, 'EXCHANGE_FEDERATION_SECRET must be at least 16 characters').optional(),
  SHUTDOWN_GRACE_MS: intFromEnv(10_000, 0),
  /**
   * Citizen page cache lifetime. Revocations made through this process show on the next request;
   * changes made by another API process show within this time. 0 turns the cache off.
   */
  CITIZEN_CACHE_TTL_MS: intFromEnv(1000, 0),
  /**
   * Worker threads that make visible signatures (PDF parsing, appearance, CMS), so that signing
   * uses every core; 0 signs in the request thread. @defaultValue the number of cores
   */
  SIGN_WORKERS: z.coerce.number().int().min(0).max(64).optional(),
});

/** Parsed configuration; derived values resolved. */
export type Config = Omit<z.infer<typeof configSchema>, 'PUBLIC_BASE_URL' | 'SIGN_WORKERS'> & {
  PUBLIC_BASE_URL: string;
  /** Signing worker threads (SIGN_WORKERS, else the number of cores). */
  SIGN_WORKERS: number;
  /** Absolute DATA_DIR. */
  dataDir: string;
  /** PINs of PKCS#11 keys, from the variables named KYSO_PIN_* (the key index names which one). */
  keyPins: Readonly<Record<string, string>>;
};

/**
 * Parses the environment once. Throws CONFIG_INVALID listing every problem (never just the first).
 */
export function loadConfig(env: Record<string, string | undefined>, cwd = process.cwd()): Config {
  const cleaned = Object.fromEntries(
    Object.entries(env).filter(([, v]) => v !== undefined && v !== ''),
  );
  const parsed = configSchema.safeParse(cleaned);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new AppError('CONFIG_INVALID', `Invalid configuration:\n  - ${problems.join('\n  - ')}`, {
      problems,
    });
  }
  const c = parsed.data;
  return {
    ...c,
    PUBLIC_BASE_URL: (c.PUBLIC_BASE_URL ?? `http://localhost:${c.PORT}`).replace(/\/+$/, ''),
    SIGN_WORKERS: c.SIGN_WORKERS ?? Math.max(1, availableParallelism()),
    dataDir: path.resolve(cwd, c.DATA_DIR),
    keyPins: Object.freeze(
      Object.fromEntries(Object.entries(cleaned).filter(([k]) => k.startsWith('KYSO_PIN_'))) as Record<string, string>,
    ),
  };
}
