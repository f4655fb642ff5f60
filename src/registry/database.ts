/**
 * Opens the registry database: PostgreSQL through `pg` when a connection string is given,
 * otherwise embedded PGlite (real PostgreSQL compiled to WASM) under `${dataDir}/pglite`, so that
 * the same SQL and the same tests run on both (issue 4 item 3). Migrations run on open.
 */
import path from 'node:path';
import { mkdir } from 'node:fs/promises';
import { Kysely, PostgresDialect, sql, type Dialect } from 'kysely';
import { PGlite } from '@electric-sql/pglite';
import { PGliteDialect } from 'kysely-pglite-dialect';
import { Pool } from 'pg';
import { AppError } from '../errors';
import type { Tables } from './tables';
import { migrationLockKey, runMigrations, type Migration } from './migrate';
import { MIGRATIONS } from './migrations';
import { sealAuditEvents } from '../audit/seal-audit-events';

/** An open registry database. */
export interface Database {
  /** The typed query builder over every registry table. */
  readonly db: Kysely<Tables>;
  /** 'postgres' (pg server) or 'pglite' (embedded). */
  readonly driver: 'postgres' | 'pglite';
  /** The schema the tables live in ('public' unless a schema was requested). */
  readonly schema: string;
  /** Closes the pool or the embedded database. Idempotent. */
  close(): Promise<void>;
}

/** Options of {@link openDatabase}. */
export interface OpenDatabaseOptions {
  /** PostgreSQL connection string; when absent, embedded PGlite is used. */
  databaseUrl?: string;
  /** DATA_DIR; PGlite keeps its files in `${dataDir}/pglite`. ':memory:' = in-memory PGlite. */
  dataDir: string;
  /** Schema to create (if missing) and put first on the search_path. @defaultValue 'public' */
  schema?: string;
  /** Migrations to apply. @defaultValue MIGRATIONS (every registered migration) */
  migrations?: readonly Migration[];
  /** pg pool size. @defaultValue 10 */
  poolSize?: number;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Opens the database, creates the schema if needed and applies pending migrations. */
export async function openDatabase(opts: OpenDatabaseOptions): Promise<Database> {
  const schema = opts.schema ?? 'public';
  if (!SCHEMA_NAME.test(schema)) {
    throw new AppError('CONFIG_INVALID', `The schema name "${schema}" must be a lowercase SQL identifier.`);
  }
  const opened = opts.databaseUrl ? await openPostgres(opts.databaseUrl, schema, opts.poolSize ?? 10) : await openPglite(opts.dataDir, schema);
  const db = new Kysely<Tables>({ dialect: opened.dialect });
  let closed = false;
  const database: Database = {
    db,
    driver: opened.driver,
    schema,
    async close() {
      if (closed) return;
      closed = true;
      // seal what is committed: unsealed audit events are not yet protected by the chain
      await sealAuditEvents(db).catch(() => undefined);
      await db.destroy();
    },
  };
  try {
    if (opened.driver === 'pglite' && schema !== 'public') {
      await sql`set search_path to ${sql.id(schema)}`.execute(db);
    }
    await runMigrations(db, opts.migrations ?? MIGRATIONS, schema);
    return database;
  } catch (e) {
    await database.close().catch(() => undefined);
    if (e instanceof AppError) throw e;
    throw new AppError('SERVICE_UNAVAILABLE', `The registry database could not be opened: ${(e as Error).message}`, undefined, { cause: e });
  }
}

async function openPostgres(url: string, schema: string, max: number): Promise<{ dialect: Dialect; driver: 'postgres' }> {
  if (schema !== 'public') {
    const admin = new Pool({ connectionString: url, max: 1 });
    const client = await admin.connect().catch((e: Error) => {
      void admin.end();
      throw new AppError('SERVICE_UNAVAILABLE', `PostgreSQL at ${redact(url)} is not reachable: ${e.message}`, undefined, { cause: e });
    });
    try {
      // Two processes creating the same schema race in the catalog: serialise them.
      await client.query('begin');
      await client.query('select pg_advisory_xact_lock($1::bigint)', [migrationLockKey(schema).toString()]);
      await client.query(`create schema if not exists "${schema}"`);
      await client.query('commit');
    } catch (e) {
      await client.query('rollback').catch(() => undefined);
      throw new AppError('SERVICE_UNAVAILABLE', `PostgreSQL at ${redact(url)} is not reachable: ${(e as Error).message}`, undefined, { cause: e });
    } finally {
      client.release();
      await admin.end();
    }
  }
  const pool = new Pool({
    connectionString: url,
    max,
    options: schema !== 'public' ? `-c search_path=${schema}` : undefined,
  });
  return { dialect: new PostgresDialect({ pool }), driver: 'postgres' };
}

async function openPglite(dataDir: string, schema: string): Promise<{ dialect: Dialect; driver: 'pglite' }> {
  let pglite: PGlite;
  if (dataDir === ':memory:') {
    pglite = await PGlite.create();
  } else {
    const dir = path.join(dataDir, 'pglite');
    await mkdir(dir, { recursive: true });
    pglite = await PGlite.create(dir);
  }
  if (schema !== 'public') await pglite.exec(`create schema if not exists "${schema}"`);
  return { dialect: new PGliteDialect(pglite), driver: 'pglite' };
}

/** Hides the password of a connection string in messages. */
function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}
