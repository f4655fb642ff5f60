/**
 * Group commit of issued documents: concurrent issues share one statement, each caller learns its
 * own outcome, a bad row fails alone, and every row keeps its audit event. PGlite and PostgreSQL.
 */
import type { Database } from '../../../src/registry/database';
import { insertIssuedDocument, type IssuedRows } from '../../../src/documents/insert-issued-documents';
import { auditEventRow, listAuditEvents, verifyAuditChain } from '../../../src/audit/audit-log';
import { TEST_DATABASE_KINDS, openTestDatabase } from '../../helpers/test-db';

function rowsOf(id: string): IssuedRows {
  return {
    document: {
      id, issuing_agency_code: '000.00.31.H40', signers: '[]', status: 'valid', access_token_hash: 'h'.repeat(64), created_by: 'test',
      number_and_notation: '1/QĐ', title: 't', document_type: null, sha256: 'a'.repeat(64), storage_key: 'a'.repeat(64), status_reason: null, replaced_by: null,
    },
    event: auditEventRow({ actor: 'test', action: 'document.register', subjectType: 'document', subjectId: id }),
  };
}

describe.each(TEST_DATABASE_KINDS)('insertIssuedDocument on %s', (kind) => {
  let database: Database;
  beforeAll(async () => {
    database = await openTestDatabase(kind);
  });
  afterAll(async () => {
    await database?.close();
  });

  test('when documents are issued at the same moment and one repeats an existing id, then only that one fails and the others are stored with their events', async () => {
    await insertIssuedDocument(database.db, rowsOf('VB-DUP'));
    const ids = Array.from({ length: 12 }, (_, i) => `VB-B${i}`);
    const outcomes = await Promise.allSettled([...ids, 'VB-DUP'].map((id) => insertIssuedDocument(database.db, rowsOf(id))));
    expect(outcomes.map((o) => o.status)).toEqual([...ids.map(() => 'fulfilled'), 'rejected']);
    const stored = await database.db.selectFrom('documents').select('id').where('id', 'in', ids).execute();
    expect(stored).toHaveLength(12);
    for (const id of ids) expect((await listAuditEvents(database.db, 'document', id)).map((e) => e.action)).toEqual(['document.register']);
    expect(await listAuditEvents(database.db, 'document', 'VB-DUP')).toHaveLength(1);
    expect(await verifyAuditChain(database.db)).toMatchObject({ ok: true, checked: 13, unsealed: 0 });
  });
});
