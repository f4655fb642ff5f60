/**
 * Issuer operations (issue 4 item 5): revoking a document, or marking it replaced by another
 * registered document. Allowed to the issuing agency's keys and the administrator; a document
 * that is already revoked or replaced is final (DOCUMENT_ALREADY_FINAL). The change and its audit
 * event commit together, and this process's citizen-view cache forgets the document before the
 * call returns (citizen-view-cache.ts), so the citizen page shows it from the next request on.
 */
import type { Kysely } from 'kysely';
import { AppError } from '../errors';
import type { Tables } from '../registry/tables';
import { appendAuditEvent } from '../audit/audit-log';
import { citizenViewCacheOf } from './citizen-view-cache';
import { actorName, assertIssuerOrAdmin, documentFromRow, type Actor, type DocumentsDeps, type RegisteredDocument } from './document';

/** Revokes a valid document with a reason. */
export async function revokeDocument(
  deps: Pick<DocumentsDeps, 'db'>,
  input: { id: string; reason: string; actor: Actor },
): Promise<RegisteredDocument> {
  try {
    return await deps.db.transaction().execute(async (trx) => {
      await lockChangeable(trx, input.id, input.actor, 'revoke this document');
      return finish(trx, input, { status: 'revoked', replacedBy: null });
    });
  } finally {
    citizenViewCacheOf(deps.db).invalidate(input.id);
  }
}

/** Marks a valid document as replaced by another valid document of the same issuer. */
export async function replaceDocument(
  deps: Pick<DocumentsDeps, 'db'>,
  input: { id: string; reason: string; replacementId: string; actor: Actor },
): Promise<RegisteredDocument> {
  if (input.replacementId === input.id) throw new AppError('VALIDATION_FAILED', 'A document cannot replace itself.');
  try {
    return await replaceInTransaction(deps, input);
  } finally {
    citizenViewCacheOf(deps.db).invalidate(input.id);
  }
}

function replaceInTransaction(
  deps: Pick<DocumentsDeps, 'db'>,
  input: { id: string; reason: string; replacementId: string; actor: Actor },
): Promise<RegisteredDocument> {
  return deps.db.transaction().execute(async (trx) => {
    const issuer = await lockChangeable(trx, input.id, input.actor, 'replace this document');
    const replacement = await trx.selectFrom('documents').select(['issuing_agency_code', 'status']).where('id', '=', input.replacementId).executeTakeFirst();
    if (!replacement || replacement.status === 'pending') {
      throw new AppError('DOCUMENT_NOT_FOUND', `The replacement document ${input.replacementId} is not registered.`, { id: input.replacementId });
    }
    if (replacement.status !== 'valid') {
      throw new AppError('VALIDATION_FAILED', `The replacement document ${input.replacementId} is ${replacement.status}; it must be valid.`);
    }
    if (replacement.issuing_agency_code !== issuer) {
      throw new AppError('FORBIDDEN', `The replacement must be issued by the same agency (${issuer}).`);
    }
    return finish(trx, input, { status: 'replaced', replacedBy: input.replacementId });
  });
}

/** Locks the row, checks the actor and that the document is still valid; returns the issuer. */
async function lockChangeable(trx: Kysely<Tables>, id: string, actor: Actor, what: string): Promise<string> {
  const row = await trx.selectFrom('documents').select(['issuing_agency_code', 'status']).where('id', '=', id).forUpdate().executeTakeFirst();
  if (!row) throw new AppError('DOCUMENT_NOT_FOUND', `No document ${id} is registered.`, { id });
  assertIssuerOrAdmin(actor, row.issuing_agency_code, what);
  if (row.status === 'revoked' || row.status === 'replaced') {
    throw new AppError('DOCUMENT_ALREADY_FINAL', `Document ${id} is already ${row.status}; that is final.`, { id, status: row.status });
  }
  if (row.status === 'pending') {
    throw new AppError('CONFLICT', `Document ${id} was reserved but never completed with a signed file.`, { id });
  }
  return row.issuing_agency_code;
}

async function finish(
  trx: Kysely<Tables>,
  input: { id: string; reason: string; actor: Actor },
  change: { status: 'revoked' | 'replaced'; replacedBy: string | null },
): Promise<RegisteredDocument> {
  const reason = input.reason.trim();
  if (!reason || reason.length > 2000) throw new AppError('VALIDATION_FAILED', 'A reason of 1 to 2000 characters is required.');
  const row = await trx
    .updateTable('documents')
    .set({ status: change.status, status_reason: reason, replaced_by: change.replacedBy, updated_at: new Date() })
    .where('id', '=', input.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await appendAuditEvent(trx, {
    actor: actorName(input.actor),
    action: change.status === 'revoked' ? 'document.revoke' : 'document.replace',
    subjectType: 'document',
    subjectId: input.id,
    details: change.replacedBy ? { reason, replacedBy: change.replacedBy } : { reason },
  });
  return documentFromRow(row);
}
