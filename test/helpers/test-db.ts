/**
 * Registry tests run on both engines (issue 4: "Registry tests run on PGlite and on the local
 * PostgreSQL"). `describe.each(TEST_DATABASE_KINDS)` + `openTestDatabase(kind)`: PGlite is a
 * fresh in-memory database; PostgreSQL gets a unique schema on
 * postgres://postgres@127.0.0.1:5432/test (override with KYSO_TEST_DATABASE_URL), put on the
 * search_path and dropped by close().
 */
import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { openDatabase, type Database } from '../../src/registry/database';
import type { Migration } from '../../src/registry/migrate';

/** The two engines every registry test runs on. */
export const TEST_DATABASE_KINDS = ['pglite', 'postgres'] as const;
export type TestDatabaseKind = (typeof TEST_DATABASE_KINDS)[number];

/** The test PostgreSQL server. */
export const TEST_DATABASE_URL = process.env.KYSO_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Opens a fresh, migrated database of the given kind; close() also drops the test schema. */
export async function openTestDatabase(kind: TestDatabaseKind, migrations?: readonly Migration[]): Promise<Database> {
  if (kind === 'pglite') return openDatabase({ dataDir: ':memory:', migrations });
  const schema = `kyso_t_${process.pid}_${randomBytes(4).toString('hex')}`;
  const database = await openDatabase({ databaseUrl: TEST_DATABASE_URL, dataDir: ':memory:', schema, migrations, poolSize: 4 });
  return {
    ...database,
    db: database.db,
    async close() {
      await database.close();
      await dropSchema(schema);
    },
  };
}

/** Opens one of each kind (the brief's `openTestDatabases()`). */
export async function openTestDatabases(): Promise<{ kind: TestDatabaseKind; database: Database }[]> {
  return Promise.all(TEST_DATABASE_KINDS.map(async (kind) => ({ kind, database: await openTestDatabase(kind) })));
}

/** Drops a test schema and everything in it. */
export async function dropSchema(schema: string): Promise<void> {
  const pool = new Pool({ connectionString: TEST_DATABASE_URL, max: 1 });
  try {
    await pool.query(`drop schema if exists "${schema}" cascade`);
  } finally {
    await pool.end();
  }
}
