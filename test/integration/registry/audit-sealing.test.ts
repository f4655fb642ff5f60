/**
 * The audit chain without a global writer lock: writers append unsealed events in their own
 * transactions, the sealer links committed events in batches, the verifier checks the sealed
 * chain and counts the unsealed. On PGlite and on PostgreSQL.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { openDatabase, type Database } from '../../../src/registry/database';
import { MIGRATIONS } from '../../../src/registry/migrations';
import { runMigrations } from '../../../src/registry/migrate';
import {
  appendAuditEvent, auditEventHash, GENESIS_HASH, listAuditEvents, sealAuditEvents, scheduleAuditSeal, verifyAuditChain,
} from '../../../src/audit/audit-log';
import { TEST_DATABASE_KINDS, TEST_DATABASE_URL, dropSchema, openTestDatabase, openTestDatabases } from '../../helpers/test-db';

const tick = () => new Promise<void>((r) => setImmediate(r));

async function seqs(database: Database): Promise<number[]> {
  const rows = await database.db.selectFrom('audit_events').select('seq').where('seq', 'is not', null).orderBy('seq').execute();
  return rows.map((r) => Number(r.seq));
}

describe('audit sealing on both engines', () => {
  let databases: { kind: string; database: Database }[] = [];
  beforeAll(async () => {
    databases = await openTestDatabases();
  });
  afterAll(async () => {
    await Promise.all(databases.map((d) => d.database.close()));
  });

  test('when writers append concurrently in their own transactions, some rolling back, while sealers run, then the chain is linear, gapless and verifies', async () => {
    for (const { kind, database } of databases) {
      const db = database.db;
      const writers = Array.from({ length: 40 }, async (_, i) => {
        const work = db.transaction().execute(async (trx) => {
          await appendAuditEvent(trx, { actor: `w${i}`, action: 'test.write', subjectType: 'test', subjectId: `s${i}`, details: { i, kind, text: 'Ủy ban' } });
          await tick();
          if (i % 10 === 9) throw new Error('rolled back');
          await appendAuditEvent(trx, { actor: `w${i}`, action: 'test.second', subjectType: 'test', subjectId: `s${i}` });
        });
        await work.then(() => scheduleAuditSeal(db), () => undefined);
      });
      const sealers = Array.from({ length: 5 }, async () => {
        await tick();
        await sealAuditEvents(db);
      });
      await Promise.all([...writers, ...sealers]);
      const report = await verifyAuditChain(db, 7);
      expect({ kind, ...report }).toMatchObject({ kind, ok: true, checked: 72, unsealed: 0 });
      expect(await seqs(database)).toEqual(Array.from({ length: 72 }, (_, k) => k + 1));
      expect(await listAuditEvents(db, 'test', 's9')).toEqual([]);
      const s3 = await listAuditEvents(db, 'test', 's3');
      expect(s3.map((e) => e.action)).toEqual(['test.write', 'test.second']);
      expect(s3[1].prevHash).not.toBeNull();
    }
  });

  test('when an event is written without sealing, then the verifier counts it unsealed, and a seal links it after the head', async () => {
    for (const { kind, database } of databases) {
      const db = database.db;
      const before = await verifyAuditChain(db);
      await db.transaction().execute((trx) => appendAuditEvent(trx, { actor: 'x', action: 'test.late', subjectType: 'late', subjectId: kind }));
      const unsealed = await verifyAuditChain(db, 1000, { seal: false });
      expect(unsealed).toMatchObject({ ok: true, unsealed: 1, checked: before.checked, head: before.head });
      expect(await sealAuditEvents(db)).toBe(1);
      const [late] = await listAuditEvents(db, 'late', kind);
      expect(late).toMatchObject({ seq: before.head.seq + 1, prevHash: before.head.hash });
      expect(late.hash).toBe(auditEventHash(before.head.hash, late));
      expect(await verifyAuditChain(db)).toMatchObject({ ok: true, unsealed: 0, checked: before.checked + 1 });
    }
  });

  test('when a sealed event is edited, renumbered or deleted, then the verifier names it', async () => {
    for (const { database } of databases) {
      const db = database.db;
      const rows = await db.selectFrom('audit_events').select(['id', 'seq']).orderBy('seq').execute();
      const [a, b, c] = [rows[2], rows[3], rows[4]].map((r) => Number(r.id));
      await db.updateTable('audit_events').set({ details: JSON.stringify({ i: 999 }) }).where('id', '=', a).execute();
      expect(await verifyAuditChain(db)).toMatchObject({ ok: false, brokenAt: { id: a, reason: 'hash_mismatch' } });
      await db.deleteFrom('audit_events').where('id', '=', a).execute();
      expect(await verifyAuditChain(db)).toMatchObject({ ok: false, brokenAt: { id: b, reason: 'prev_hash_mismatch' } });
      void c;
    }
  });
});

describe('audit sealing on PostgreSQL with several connections', () => {
  test('when a transaction commits after a later one was sealed, then its event is sealed later, in commit order', async () => {
    const database = await openTestDatabase('postgres');
    try {
      const db = database.db;
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      let inserted!: () => void;
      const firstInserted = new Promise<void>((r) => (inserted = r));
      const slow = db.transaction().execute(async (trx) => {
        await appendAuditEvent(trx, { actor: 'slow', action: 'test.slow', subjectType: 'order', subjectId: 'slow' });
        inserted();
        await held;
      });
      await firstInserted;
      await appendAuditEvent(db, { actor: 'fast', action: 'test.fast', subjectType: 'order', subjectId: 'fast' });
      await sealAuditEvents(db);
      release();
      await slow;
      await sealAuditEvents(db);
      const [fast] = await listAuditEvents(db, 'order', 'fast');
      const [slowEvent] = await listAuditEvents(db, 'order', 'slow');
      expect(slowEvent.id).toBeLessThan(fast.id);
      expect(slowEvent.seq).toBe((fast.seq as number) + 1);
      expect(await verifyAuditChain(db)).toMatchObject({ ok: true, checked: 2, unsealed: 0 });
    } finally {
      await database.close();
    }
  });

  test('when two processes write and seal the same chain at once, then it never forks', async () => {
    const schema = `kyso_t_${process.pid}_${randomBytes(4).toString('hex')}`;
    const open = () => openDatabase({ databaseUrl: TEST_DATABASE_URL, dataDir: ':memory:', schema, poolSize: 4 });
    const one = await open();
    const two = await open();
    try {
      await Promise.all(
        [one, two].flatMap((d, p) =>
          Array.from({ length: 30 }, (_, i) =>
            d.db.transaction().execute((trx) => appendAuditEvent(trx, { actor: `p${p}`, action: 'test.p', subjectType: 'p', subjectId: `${p}-${i}` })).then(() => sealAuditEvents(d.db)),
          ),
        ),
      );
      expect(await verifyAuditChain(one.db, 10)).toMatchObject({ ok: true, checked: 60, unsealed: 0, head: { seq: 60 } });
    } finally {
      await one.close();
      await two.close();
      await dropSchema(schema);
    }
  });
});

describe.each(TEST_DATABASE_KINDS)('audit chain migration on %s', (kind) => {
  test('when a chain written before 004-audit-sealing is migrated, then it verifies and new events extend it', async () => {
    const early = MIGRATIONS.filter((m) => m.id < '004');
    const database = await openTestDatabase(kind, early);
    try {
      const db = database.db;
      let prev = GENESIS_HASH;
      for (let i = 0; i < 5; i++) {
        const e = { at: new Date(Date.UTC(2025, 0, 1, 0, 0, i)), actor: 'old', action: 'test.old', subjectType: 'old', subjectId: `o${i}`, details: { i } };
        const hash = auditEventHash(prev, e);
        await sql`insert into audit_events (at, actor, action, subject_type, subject_id, details, prev_hash, hash)
          values (${e.at}, ${e.actor}, ${e.action}, ${e.subjectType}, ${e.subjectId}, ${JSON.stringify(e.details)}, ${prev}, ${hash})`.execute(db);
        prev = hash;
      }
      expect(await runMigrations(db, MIGRATIONS, database.schema)).toEqual(['004-audit-sealing']);
      await appendAuditEvent(db, { actor: 'new', action: 'test.new', subjectType: 'new', subjectId: 'n' });
      expect(await verifyAuditChain(db)).toMatchObject({ ok: true, checked: 6, unsealed: 0, head: { seq: 6 } });
      const [first] = await listAuditEvents(db, 'old', 'o0');
      expect(first).toMatchObject({ seq: 1, prevHash: GENESIS_HASH });
    } finally {
      await database.close();
    }
  });
});
