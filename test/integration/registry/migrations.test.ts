import { mkdtemp, rm, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { openDatabase } from '../../../src/registry/database';
import { runMigrations, type Migration } from '../../../src/registry/migrate';
import { MIGRATIONS } from '../../../src/registry/migrations';
import { isAppError } from '../../../src/errors';
import { TEST_DATABASE_KINDS, TEST_DATABASE_URL, dropSchema, openTestDatabase } from '../../helpers/test-db';

describe.each(TEST_DATABASE_KINDS)('migrations on %s', (kind) => {
  test('when a database is opened, then every migration is recorded once and the core tables exist', async () => {
    const database = await openTestDatabase(kind);
    try {
      const rows = await database.db.selectFrom('kyso_migrations').select('id').orderBy('id').execute();
      expect(rows.map((r) => r.id)).toEqual(MIGRATIONS.map((m) => m.id));
      for (const t of ['agencies', 'api_keys', 'documents', 'audit_events'] as const) {
        await expect(database.db.selectFrom(t).selectAll().execute()).resolves.toEqual([]);
      }
      // Running again applies nothing.
      await expect(runMigrations(database.db, MIGRATIONS, database.schema)).resolves.toEqual([]);
    } finally {
      await database.close();
    }
  });

  test('when a migration fails, then nothing of that run is kept and the error names it', async () => {
    const good: Migration = { id: '900-good', up: async (db) => void (await sql`create table t_good (x int)`.execute(db)) };
    const bad: Migration = { id: '901-bad', up: async (db) => void (await sql`select * from no_such_table`.execute(db)) };
    const database = await openTestDatabase(kind);
    try {
      const err = await runMigrations(database.db, [...MIGRATIONS, good, bad], database.schema).catch((e) => e);
      expect(isAppError(err, 'SERVICE_UNAVAILABLE')).toBe(true);
      expect(err.message).toContain('901-bad');
      const ids = (await database.db.selectFrom('kyso_migrations').select('id').execute()).map((r) => r.id);
      expect(ids).not.toContain('900-good');
      await expect(sql`select * from t_good`.execute(database.db)).rejects.toBeTruthy();
    } finally {
      await database.close();
    }
  });
});

describe('migrations on postgres with concurrent runners', () => {
  test('when three processes open the same schema at once, then each migration runs exactly once', async () => {
    const schema = `kyso_t_conc_${process.pid}`;
    let runs = 0;
    const counting: Migration = { id: '999-count', up: async (db) => { runs += 1; await sql`create table counted (x int)`.execute(db); } };
    const migrations = [...MIGRATIONS, counting];
    try {
      const dbs = await Promise.all([1, 2, 3].map(() => openDatabase({ databaseUrl: TEST_DATABASE_URL, dataDir: ':memory:', schema, migrations, poolSize: 2 })));
      expect(runs).toBe(1);
      await Promise.all(dbs.map((d) => d.close()));
    } finally {
      await dropSchema(schema);
    }
  });
});

describe('embedded PGlite on disk', () => {
  test('when the database is reopened from DATA_DIR, then the data is still there and no migration runs again', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'kyso-pglite-'));
    try {
      const first = await openDatabase({ dataDir });
      await first.db.insertInto('agencies').values({ code: '000.00.00.G22', name: 'Văn phòng Chính phủ', parent_code: null, axis: 'local', delivery_mode: 'pull', webhook_url: null, hmac_secret: null }).execute();
      await first.close();
      expect(await readdir(path.join(dataDir, 'pglite'))).toContain('PG_VERSION');
      const second = await openDatabase({ dataDir });
      try {
        expect((await second.db.selectFrom('agencies').select('name').execute()).map((r) => r.name)).toEqual(['Văn phòng Chính phủ']);
        await expect(runMigrations(second.db, MIGRATIONS)).resolves.toEqual([]);
      } finally {
        await second.close();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
