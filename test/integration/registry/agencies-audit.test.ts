import { sql } from 'kysely';
import type { Database } from '../../../src/registry/database';
import { createAgency } from '../../../src/agencies/create-agency';
import { findAgency, listAgencies } from '../../../src/agencies/agencies-repository';
import { issueApiKey, revokeApiKey, hashApiKey } from '../../../src/agencies/api-keys';
import { registryAuthenticator } from '../../../src/http/registry-authenticator';
import { appendAuditEvent, verifyAuditChain, listAuditEvents } from '../../../src/audit/audit-log';
import { isAppError } from '../../../src/errors';
import { TEST_DATABASE_KINDS, openTestDatabase } from '../../helpers/test-db';

describe.each(TEST_DATABASE_KINDS)('agencies, API keys and audit on %s', (kind) => {
  let database: Database;
  beforeAll(async () => {
    database = await openTestDatabase(kind);
  });
  afterAll(async () => {
    await database?.close();
  });

  test('when an agency is created, then its first API key is returned once and only its hash is stored', async () => {
    const created = await createAgency(database.db, { code: '000.00.00.H20', name: 'UBND tỉnh Đồng Tháp', actor: 'admin' });
    expect(created.apiKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(created.parentCode).toBeNull();
    expect(created.delivery).toEqual({ mode: 'pull' });
    const keys = await database.db.selectFrom('api_keys').selectAll().where('agency_code', '=', '000.00.00.H20').execute();
    expect(keys).toHaveLength(1);
    expect(keys[0].key_hash).toBe(hashApiKey(created.apiKey));
    expect(JSON.stringify(keys)).not.toContain(created.apiKey);
    expect((await findAgency(database.db, '000.00.00.H20'))?.name).toBe('UBND tỉnh Đồng Tháp');
  });

  test('when a department is created without a parent, then the structural parent is recorded; push delivery gets a secret', async () => {
    const created = await createAgency(database.db, {
      code: '000.00.14.H20',
      name: 'Sở Thông tin và Truyền thông Đồng Tháp',
      delivery: { mode: 'push', webhookUrl: 'https://example.test/hook' },
      actor: 'admin',
    });
    expect(created.parentCode).toBe('000.00.00.H20');
    expect(created.delivery).toEqual({ mode: 'push', webhookUrl: 'https://example.test/hook' });
    expect(created.hmacSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await findAgency(database.db, created.code)) as object).not.toHaveProperty('hmacSecret');
    expect((await listAgencies(database.db, { parentCode: '000.00.00.H20' })).map((a) => a.code)).toEqual(['000.00.14.H20']);
  });

  test('when the code is taken or malformed, then AGENCY_EXISTS or AGENCY_CODE_INVALID and nothing is written', async () => {
    const before = await database.db.selectFrom('api_keys').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
    const dup = await createAgency(database.db, { code: '000.00.00.H20', name: 'x', actor: 'admin' }).catch((e) => e);
    expect(isAppError(dup, 'AGENCY_EXISTS')).toBe(true);
    const bad = await createAgency(database.db, { code: '000.05.00.H20', name: 'x', actor: 'admin' }).catch((e) => e);
    expect(isAppError(bad, 'AGENCY_CODE_INVALID')).toBe(true);
    const badHook = await createAgency(database.db, { code: '000.00.15.H20', name: 'x', delivery: { mode: 'push', webhookUrl: 'ftp://x' }, actor: 'admin' }).catch((e) => e);
    expect(isAppError(badHook, 'VALIDATION_FAILED')).toBe(true);
    const after = await database.db.selectFrom('api_keys').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });

  test('when a key is presented, then the authenticator names its agency; a revoked key stops after the cache TTL', async () => {
    let clock = 1_000;
    const auth = registryAuthenticator(database.db, { cacheTtlMs: 100, now: () => clock });
    const issued = await issueApiKey(database.db, { agencyCode: '000.00.14.H20', label: 'second', actor: 'admin' });
    expect(await auth.authenticate(issued.key)).toEqual({ kind: 'agency', agencyCode: '000.00.14.H20', keyId: issued.id });
    expect(await auth.authenticate('not-a-key')).toBeNull();
    expect(await revokeApiKey(database.db, { id: issued.id, actor: 'admin' })).toBe(true);
    expect(await auth.authenticate(issued.key)).not.toBeNull(); // still cached
    clock += 101;
    expect(await auth.authenticate(issued.key)).toBeNull();
    const operator = await issueApiKey(database.db, { agencyCode: null, label: 'ops', actor: 'admin' });
    expect(await auth.authenticate(operator.key)).toEqual({ kind: 'admin' });
  });

  test('when events are appended concurrently, then the chain stays linear and verifies', async () => {
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        appendAuditEvent(database.db, { actor: 'test', action: 'test.event', subjectType: 'test', subjectId: `s${i % 3}`, details: { i, nested: { b: 1, a: [1, 'ễ'] } } }),
      ),
    );
    const report = await verifyAuditChain(database.db, 7);
    expect(report).toMatchObject({ ok: true });
    expect(report.checked).toBeGreaterThanOrEqual(20);
    expect((await listAuditEvents(database.db, 'agency', '000.00.00.H20')).map((e) => e.action)).toEqual(['agency.create']);
  });

  test('when an audit row is edited or deleted, then the verifier names the first broken event', async () => {
    const events = await database.db.selectFrom('audit_events').select(['id']).orderBy('id').execute();
    const victim = Number(events[3].id);
    await database.db.updateTable('audit_events').set({ actor: 'mallory' }).where('id', '=', victim).execute();
    expect(await verifyAuditChain(database.db)).toMatchObject({ ok: false, brokenAt: { id: victim, reason: 'hash_mismatch' } });
    await database.db.deleteFrom('audit_events').where('id', '=', victim).execute();
    const next = Number(events[4].id);
    expect(await verifyAuditChain(database.db)).toMatchObject({ ok: false, brokenAt: { id: next, reason: 'prev_hash_mismatch' } });
  });
});
