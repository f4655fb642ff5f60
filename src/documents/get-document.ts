/**
 * Reading registered documents: the issuer's view (`GET /api/v1/documents/:id`) and the
 * citizen's view behind the QR code. The citizen view has three shapes and nothing else:
 * `none` (unknown id, reservation not completed, or a token that is present but wrong: all
 * indistinguishable), `status` (no token: existence and status only, so the identifier printed in
 * clear can be looked up, Decree 45/2020 art. 18.2), and `full` (right token).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { AppError } from '../errors';
import type { DocumentStatus } from '../registry/tables';
import { isDocumentId, tokenMatches } from './document-ids';
import { citizenViewCacheOf, type CitizenRecord } from './citizen-view-cache';
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

type StatusView = Extract<CitizenView, { kind: 'status' }>;
type FullView = Extract<CitizenView, { kind: 'full' }>;

/** The one `none` answer (shared, frozen). */
const NONE: CitizenView = Object.freeze({ kind: 'none' as const });
/** Compared against when the id is unknown, so that the work done does not depend on the id. */
const DUMMY_HASH = createHash('sha256').update('kyso: no such document', 'utf8').digest();

/** Constant-time comparison of a presented token with a stored SHA-256 (null = unknown id). */
function tokenOk(token: string, stored: Buffer | null): boolean {
  const presented = createHash('sha256').update(token, 'utf8').digest();
  const same = timingSafeEqual(presented, stored ?? DUMMY_HASH);
  return same && stored !== null && token !== '';
}

/** Reads a completed document's citizen record from the registry; null when unknown or pending. */
async function loadCitizenRecord(db: DocumentsDeps['db'], id: string): Promise<CitizenRecord<StatusView, FullView> | null> {
  const row = await db
    .selectFrom('documents')
    .leftJoin('agencies', 'agencies.code', 'documents.issuing_agency_code')
    .selectAll('documents')
    .select('agencies.name as agency_name')
    .where('documents.id', '=', id)
    .executeTakeFirst();
  if (!row || row.status === 'pending') return null;
  let replacementNumber: string | null = null;
  if (row.replaced_by) {
    const rep = await db.selectFrom('documents').select('number_and_notation').where('id', '=', row.replaced_by).executeTakeFirst();
    replacementNumber = rep?.number_and_notation ?? null;
  }
  const hash = Buffer.from(row.access_token_hash, 'hex');
  const document = documentFromRow(row);
  Object.freeze(document.signers);
  return {
    // a malformed stored hash matches nothing
    tokenHash: hash.length === 32 ? hash : Buffer.alloc(32),
    status: Object.freeze({ kind: 'status' as const, id: row.id, status: row.status, replacedBy: row.replaced_by }),
    full: Object.freeze({ kind: 'full' as const, document: Object.freeze(document), issuingAgencyName: row.agency_name ?? null, replacementNumber }),
  };
}

/**
 * Resolves the citizen's view of `id` given the URL's token (constant-time comparison). Served
 * from the per-process {@link citizenViewCacheOf} cache (invalidated by revoke/replace, at most
 * its TTL behind changes made by other processes); the returned views are shared and frozen.
 */
export async function lookupDocumentForCitizen(
  deps: Pick<DocumentsDeps, 'db'>,
  input: { id: string; token?: string },
): Promise<CitizenView> {
  const record = isDocumentId(input.id) ? await citizenViewCacheOf(deps.db).read(input.id, (id) => loadCitizenRecord(deps.db, id)) : null;
  return viewOf(record, input.token ?? '');
}

/**
 * The same answer as {@link lookupDocumentForCitizen}, synchronously, when `id` is in the
 * per-process cache; undefined when it is not (then call lookupDocumentForCitizen).
 */
export function cachedCitizenView(deps: Pick<DocumentsDeps, 'db'>, input: { id: string; token?: string }): CitizenView | undefined {
  if (!isDocumentId(input.id)) return undefined;
  const record = citizenViewCacheOf(deps.db).peek<StatusView, FullView>(input.id);
  return record ? viewOf(record, input.token ?? '') : undefined;
}

function viewOf(record: CitizenRecord<StatusView, FullView> | null, token: string): CitizenView {
  const ok = tokenOk(token, record?.tokenHash ?? null);
  if (!record) return NONE;
  if (token === '') return record.status;
  return ok ? record.full : NONE;
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
