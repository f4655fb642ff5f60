import type { Database } from '../../../src/registry/database';
import { MemoryDocumentStore } from '../../../src/storage/document-store';
import { createAgency } from '../../../src/agencies/create-agency';
import { completeDocument, registerDocument, reserveDocument } from '../../../src/documents/register-document';
import { replaceDocument, revokeDocument } from '../../../src/documents/change-document-status';
import { checkAccessToken, getDocument, lookupDocumentForCitizen, readDocumentFile } from '../../../src/documents/get-document';
import type { DocumentsDeps, Actor } from '../../../src/documents/document';
import { listAuditEvents, verifyAuditChain } from '../../../src/audit/audit-log';
import { isAppError } from '../../../src/errors';
import { TEST_DATABASE_KINDS, openTestDatabase } from '../../helpers/test-db';

const ISSUER = '000.00.14.H20';
const OTHER = '000.00.15.H20';
const issuer: Actor = { kind: 'agency', agencyCode: ISSUER, keyId: 'k1' };
const other: Actor = { kind: 'agency', agencyCode: OTHER };
const admin: Actor = { kind: 'admin' };
const metadata = {
  numberAndNotation: '123/QĐ-STTTT',
  title: 'Quyết định về việc phê duyệt kế hoạch chuyển đổi số',
  documentType: 'Quyết định',
  signers: [{ name: 'Nguyễn Văn A', subject: 'CN=Nguyễn Văn A', issuer: 'CN=Kyso Dev CA', serial: '0a1b', signingTime: '2025-03-01T02:00:00Z' }],
};

async function errorOf(p: Promise<unknown>): Promise<unknown> {
  return p.then(() => undefined, (e) => e);
}

describe.each(TEST_DATABASE_KINDS)('document lifecycle on %s', (kind) => {
  let database: Database;
  let deps: DocumentsDeps;
  beforeAll(async () => {
    database = await openTestDatabase(kind);
    deps = { db: database.db, store: new MemoryDocumentStore(), publicBaseUrl: 'https://kyso.example.vn/' };
    await createAgency(database.db, { code: ISSUER, name: 'Sở Thông tin và Truyền thông', actor: 'admin' });
    await createAgency(database.db, { code: OTHER, name: 'Sở Tư pháp', actor: 'admin' });
  });
  afterAll(async () => {
    await database?.close();
  });

  test('when a document is reserved then completed, then it is valid, its file is stored and the token opens it', async () => {
    const r = await reserveDocument(deps, { issuingAgencyCode: ISSUER, actor: issuer });
    expect(r.id).toMatch(/^VB-[0-9A-Z]{16}$/);
    expect(r.verificationUrl).toBe(`https://kyso.example.vn/v/${r.id}?t=${r.token}`);
    expect(await lookupDocumentForCitizen(deps, { id: r.id, token: r.token })).toEqual({ kind: 'none' }); // pending is invisible
    const bytes = Buffer.from('%PDF-1.7 signed with QR');
    const doc = await completeDocument(deps, { id: r.id, signedBytes: bytes, metadata, actor: issuer });
    expect(doc).toMatchObject({ status: 'valid', numberAndNotation: '123/QĐ-STTTT', createdBy: 'agency:000.00.14.H20:k1' });
    expect(doc.signers).toEqual(metadata.signers);
    expect(await checkAccessToken(deps, r.id, r.token)).toBe(true);
    expect(await checkAccessToken(deps, r.id, r.token + 'x')).toBe(false);
    expect((await readDocumentFile(deps, { id: r.id, token: r.token }))?.bytes.equals(bytes)).toBe(true);
    expect(await readDocumentFile(deps, { id: r.id, token: 'wrong' })).toBeNull();
    const full = await lookupDocumentForCitizen(deps, { id: r.id, token: r.token });
    expect(full).toMatchObject({ kind: 'full', issuingAgencyName: 'Sở Thông tin và Truyền thông' });
    expect(await lookupDocumentForCitizen(deps, { id: r.id })).toEqual({ kind: 'status', id: r.id, status: 'valid', replacedBy: null });
    expect(await lookupDocumentForCitizen(deps, { id: r.id, token: 'bad' })).toEqual({ kind: 'none' });
    expect(await lookupDocumentForCitizen(deps, { id: 'VB-0000000000000000', token: 'bad' })).toEqual({ kind: 'none' });
    const completeAgain = await errorOf(completeDocument(deps, { id: r.id, signedBytes: bytes, metadata, actor: issuer }));
    expect(isAppError(completeAgain, 'DOCUMENT_ALREADY_FINAL')).toBe(true);
    expect((await listAuditEvents(database.db, 'document', r.id)).map((e) => e.action)).toEqual(['document.reserve', 'document.register']);
  });

  test('when another agency reserves, completes, reads or revokes in the issuer\'s name, then FORBIDDEN', async () => {
    expect(isAppError(await errorOf(reserveDocument(deps, { issuingAgencyCode: ISSUER, actor: other })), 'FORBIDDEN')).toBe(true);
    const { id } = await registerDocument(deps, { issuingAgencyCode: ISSUER, signedBytes: Buffer.from('a'), metadata, actor: issuer });
    expect(isAppError(await errorOf(getDocument(deps, { id, actor: other })), 'FORBIDDEN')).toBe(true);
    expect(isAppError(await errorOf(revokeDocument(deps, { id, reason: 'x', actor: other })), 'FORBIDDEN')).toBe(true);
    expect((await getDocument(deps, { id, actor: admin })).status).toBe('valid');
    expect(isAppError(await errorOf(getDocument(deps, { id: 'VB-0000000000000000', actor: admin })), 'DOCUMENT_NOT_FOUND')).toBe(true);
  });

  test('when a document is revoked, then it is final and the citizen sees it at once', async () => {
    const { id, token } = await registerDocument(deps, { issuingAgencyCode: ISSUER, signedBytes: Buffer.from('b'), metadata, actor: issuer });
    const revoked = await revokeDocument(deps, { id, reason: 'Ban hành sai thẩm quyền', actor: issuer });
    expect(revoked).toMatchObject({ status: 'revoked', statusReason: 'Ban hành sai thẩm quyền' });
    expect(await lookupDocumentForCitizen(deps, { id, token })).toMatchObject({ kind: 'full', document: { status: 'revoked' } });
    expect(isAppError(await errorOf(revokeDocument(deps, { id, reason: 'again', actor: admin })), 'DOCUMENT_ALREADY_FINAL')).toBe(true);
    expect(isAppError(await errorOf(revokeDocument(deps, { id: 'VB-0000000000000000', reason: 'x', actor: admin })), 'DOCUMENT_NOT_FOUND')).toBe(true);
  });

  test('when a document is replaced, then it names its replacement, which must be valid and from the same issuer', async () => {
    const old = await registerDocument(deps, { issuingAgencyCode: ISSUER, signedBytes: Buffer.from('c'), metadata, actor: issuer });
    const repl = await registerDocument(deps, { issuingAgencyCode: ISSUER, signedBytes: Buffer.from('d'), metadata: { ...metadata, numberAndNotation: '124/QĐ-STTTT' }, actor: issuer });
    const foreign = await registerDocument(deps, { issuingAgencyCode: OTHER, signedBytes: Buffer.from('e'), metadata, actor: other });
    expect(isAppError(await errorOf(replaceDocument(deps, { id: old.id, reason: 'r', replacementId: foreign.id, actor: admin })), 'FORBIDDEN')).toBe(true);
    expect(isAppError(await errorOf(replaceDocument(deps, { id: old.id, reason: 'r', replacementId: 'VB-0000000000000000', actor: issuer })), 'DOCUMENT_NOT_FOUND')).toBe(true);
    expect(isAppError(await errorOf(replaceDocument(deps, { id: old.id, reason: 'r', replacementId: old.id, actor: issuer })), 'VALIDATION_FAILED')).toBe(true);
    const replaced = await replaceDocument(deps, { id: old.id, reason: 'Sửa lỗi chính tả', replacementId: repl.id, actor: issuer });
    expect(replaced).toMatchObject({ status: 'replaced', replacedBy: repl.id });
    expect(await lookupDocumentForCitizen(deps, { id: old.id, token: old.token })).toMatchObject({ kind: 'full', replacementNumber: '124/QĐ-STTTT' });
    expect(isAppError(await errorOf(replaceDocument(deps, { id: old.id, reason: 'r', replacementId: repl.id, actor: issuer })), 'DOCUMENT_ALREADY_FINAL')).toBe(true);
    expect(await verifyAuditChain(database.db)).toMatchObject({ ok: true });
  });

  test('when metadata is invalid, then VALIDATION_FAILED lists the problem and nothing is registered', async () => {
    const err = await errorOf(registerDocument(deps, { issuingAgencyCode: ISSUER, signedBytes: Buffer.from('f'), metadata: { ...metadata, numberAndNotation: '' }, actor: issuer }));
    expect(isAppError(err, 'VALIDATION_FAILED')).toBe(true);
    expect((err as Error).message).toContain('numberAndNotation');
  });
});
