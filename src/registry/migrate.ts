/**
 * Versioned migrations: an ordered list of `{ id, up }` applied once each, inside one
 * transaction, recorded in `kyso_migrations`. Concurrent runners (several API processes starting
 * together) are serialised by a transaction-scoped PostgreSQL advisory lock, so each migration
 * runs exactly once; the lock is released by commit or rollback, never leaked.
 */
import { createHash } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import { AppError } from '../errors';

/** One migration. `up` runs inside the migration transaction; it must not commit. */
export interface Migration {
  /** Stable id, ordered by its numeric prefix: '001-core', '002-receipts', ... */
  id: string;
  up(db: Transaction<any>): Promise<void>;
}

/** Advisory lock key of a schema (one lock per schema: separate test schemas do not wait). */
export function migrationLockKey(schema: string): bigint {
  const h = createHash('sha256').update(`kyso-migrations:${schema}`).digest();
  return h.readBigInt64BE(0);
}

/**
 * Applies the pending migrations in list order and returns the ids it applied. A failing
 * migration rolls back every migration of this run and throws SERVICE_UNAVAILABLE naming it.
 */
export async function runMigrations(db: Kysely<any>, migrations: readonly Migration[], schema = 'public'): Promise<string[]> {
  assertOrdered(migrations);
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(${migrationLockKey(schema).toString()}::bigint)`.execute(trx);
    await sql`create table if not exists kyso_migrations (
      id text primary key,
      applied_at timestamptz not null default now()
    )`.execute(trx);
    const rows = await trx.selectFrom('kyso_migrations').select('id').execute();
    const done = new Set(rows.map((r: { id: string }) => r.id));
    const applied: string[] = [];
    for (const m of migrations) {
      if (done.has(m.id)) continue;
      try {
        await m.up(trx);
      } catch (e) {
        throw new AppError('SERVICE_UNAVAILABLE', `Migration ${m.id} failed: ${(e as Error).message}`, { migration: m.id }, { cause: e });
      }
      await trx.insertInto('kyso_migrations').values({ id: m.id }).execute();
      applied.push(m.id);
    }
    return applied;
  });
}

function assertOrdered(migrations: readonly Migration[]): void {
  const ids = migrations.map((m) => m.id);
  if (new Set(ids).size !== ids.length) {
    throw new AppError('CONFIG_INVALID', `Migration ids must be unique: ${ids.join(', ')}`);
  }
  const sorted = [...ids].sort();
  if (sorted.join() !== ids.join()) {
    throw new AppError('CONFIG_INVALID', `Migrations must be listed in id order: ${ids.join(', ')}`);
  }
}
