/**
 * Reading registered documents: the issuer's view (`GET /api/v1/documents/:id`) and the
 * citizen's view behind the QR code. The citizen view has three shapes and nothing else:
 * `none` (unknown id, reservation not completed, or a token that is present but wrong: all
 * indistinguishable), `status` (no token: existence and status only, so the identifier printed in
 * clear can be looked up, Decree 45/2020 art. 18.2), and `full` (right token).
 */
import { AppError } from '../errors';
import type { DocumentStatus } from '../registry/tables';
import { isDocumentId, tokenMatches } from './document-ids';
import { assertIssuerOrAdmin, documentFromRow, type Actor, type DocumentsDeps, type RegisteredDocument } from './document';

/** The issuer's (or administrator's) view of a document. */
export async function getDocument(deps: Pick<DocumentsDeps, 'db'>, input: { id: string; actor: Actor }): Promise<RegisteredDocument> {
  const row = isDocumentId(input.id) ? await deps.db.selectFrom('documents').selectAll().where('id', '=', input.id).executeTakeFirst() : undefined;
  if (!row) throw new AppError('DOCUMENT_NOT_FOUND', `No document ${input.id} is registered.`, { id: input.id });
  assertIssuerOrAdmin(input.actor, row.issuing_agency_code, 'read this document');
  return documentFromRow(row);
}

/** What a citizen may see. */
export type CitizenView =
  | { kind: 'none' }
  | { kind: 'status'; id: string; status: Exclude<DocumentStatus, 'pending'>; replacedBy: string | null }
  | {
      kind: 'full';
      document: RegisteredDocument;
      issuingAgencyName: string | null;
      /** Number and notation of the replacement, when replaced. */
      replacementNumber: string | null;
    };

/** Resolves the citizen's view of `id` given the URL's token (constant-time comparison). */
export async function lookupDocumentForCitizen(
  deps: Pick<DocumentsDeps, 'db'>,
  input: { id: string; token?: string },
): Promise<CitizenView> {
  const row = isDocumentId(input.id)
    ? await deps.db
        .selectFrom('documents')
        .leftJoin('agencies', 'agencies.code', 'documents.issuing_agency_code')
        .selectAll('documents')
        .select('agencies.name as agency_name')
        .where('documents.id', '=', input.id)
        .executeTakeFirst()
    : undefined;
  const usable = row && row.status !== 'pending' ? row : undefined;
  const tokenGiven = input.token !== undefined && input.token !== '';
  const ok = tokenMatches(input.token, usable?.access_token_hash ?? null);
  if (!usable || usable.status === 'pending') return { kind: 'none' };
  if (!tokenGiven) return { kind: 'status', id: usable.id, status: usable.status, replacedBy: usable.replaced_by };
  if (!ok) return { kind: 'none' };
  let replacementNumber: string | null = null;
  if (usable.replaced_by) {
    const rep = await deps.db.selectFrom('documents').select('number_and_notation').where('id', '=', usable.replaced_by).executeTakeFirst();
    replacementNumber = rep?.number_and_notation ?? null;
  }
  return { kind: 'full', document: documentFromRow(usable), issuingAgencyName: usable.agency_name ?? null, replacementNumber };
}

/** True only when `token` is the access token of the completed document `id`. */
export async function checkAccessToken(deps: Pick<DocumentsDeps, 'db'>, id: string, token: string): Promise<boolean> {
  const row = isDocumentId(id)
    ? await deps.db.selectFrom('documents').select(['access_token_hash', 'status']).where('id', '=', id).executeTakeFirst()
    : undefined;
  const hash = row && row.status !== 'pending' ? row.access_token_hash : null;
  return tokenMatches(token, hash);
}

/** The authentic signed file, only with the right token; null otherwise (no enumeration). */
export async function readDocumentFile(
  deps: Pick<DocumentsDeps, 'db' | 'store'>,
  input: { id: string; token?: string },
): Promise<{ document: RegisteredDocument; bytes: Buffer } | null> {
  const view = await lookupDocumentForCitizen(deps, input);
  if (view.kind !== 'full' || !view.document.sha256) return null;
  const bytes = await deps.store.get(view.document.sha256);
  if (!bytes) throw new AppError('SERVICE_UNAVAILABLE', `The signed file of ${input.id} is missing from the file store.`, { id: input.id });
  return { document: view.document, bytes };
}
