/**
 * Issuing a document into the registry. The QR code that points at the registry entry must be
 * drawn into the PDF *before* it is signed (issue 4 item 2), so the id and the token come first:
 *
 * - in one process ({@link reserveDocumentInMemory} -> sign with the QR -> {@link issueDocument}):
 *   the id and the token are random values made without the database, and the complete row and
 *   its audit event are written once, in one statement, after signing; a failed signing leaves
 *   nothing behind;
 * - across HTTP calls ({@link reserveDocument} -> sign elsewhere -> {@link completeDocument}): a
 *   `pending` row holds the reservation between the calls (the API's contract);
 * - {@link registerDocument}: a file already signed (no QR pointing back), issued at once.
 *
 * Every write carries its audit event in the same transaction or statement; the audit sealer is
 * asked to link the events right after commit.
 */
import type { Kysely, Selectable } from 'kysely';
import { z } from 'zod';
import { AppError } from '../errors';
import type { DocumentsTable, Tables } from '../registry/tables';
import { parseAgencyCode } from '../agencies/agency-code';
import { appendAuditEvent, auditEventRow, scheduleAuditSeal } from '../audit/audit-log';
import { contentKey } from '../storage/document-store';
import { insertIssuedDocument } from './insert-issued-documents';
import { hashAccessToken, newAccessToken, newDocumentId, verificationUrl } from './document-ids';
import { actorName, assertIssuerOrAdmin, documentFromRow, type Actor, type DocumentsDeps, type RegisteredDocument } from './document';

/** A reservation: the id and URL to print, and the token shown only now. */
export interface ReservedDocument {
  id: string;
  token: string;
  verificationUrl: string;
}

/** What is known about a signed document (shown on the citizen page). */
export const ZDocumentMetadata = z.object({
  numberAndNotation: z.string().trim().min(1).max(200),
  title: z.string().trim().min(1).max(2000),
  documentType: z.string().trim().min(1).max(200).optional(),
  signers: z
    .array(
      z.object({
        name: z.string().max(500),
        subject: z.string().max(2000),
        issuer: z.string().max(2000),
        serial: z.string().max(200),
        signingTime: z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'signingTime must be an ISO 8601 date-time'),
      }),
    )
    .max(50)
    .default([]),
});
export type DocumentMetadata = z.input<typeof ZDocumentMetadata>;

/** A reservation made in memory: what to print, and who issues. */
export interface DocumentReservation extends ReservedDocument {
  issuingAgencyCode: string;
}

/**
 * Reserves an id and token without touching the database: 80 and 144 random bits
 * (document-ids.ts), so collisions are not a practical concern and the insert in
 * {@link issueDocument} would refuse one anyway (primary key). Throws VALIDATION_FAILED for a
 * bad agency code and FORBIDDEN when the actor may not issue in that agency's name.
 */
export function reserveDocumentInMemory(
  deps: Pick<DocumentsDeps, 'publicBaseUrl'>,
  input: { issuingAgencyCode: string; actor: Actor },
): DocumentReservation {
  parseAgencyCode(input.issuingAgencyCode);
  assertIssuerOrAdmin(input.actor, input.issuingAgencyCode, 'issue documents in its name');
  const id = newDocumentId();
  const token = newAccessToken();
  return { id, token, verificationUrl: verificationUrl(deps.publicBaseUrl, id, token), issuingAgencyCode: input.issuingAgencyCode };
}

/**
 * Issues a reserved document in one write: stores the signed bytes, then inserts the `valid` row
 * and its `document.register` audit event in a single statement (atomic without a transaction
 * round trip; shared with the documents issued at the same moment, see insertIssuedDocument),
 * then schedules the audit seal.
 */
export async function issueDocument(
  deps: DocumentsDeps,
  input: { reservation: DocumentReservation; signedBytes: Uint8Array; metadata: DocumentMetadata; actor: Actor },
): Promise<RegisteredDocument> {
  const metadata = parseMetadata(input.metadata);
  const { reservation, actor } = input;
  assertIssuerOrAdmin(actor, reservation.issuingAgencyCode, 'issue documents in its name');
  const storageKey = await deps.store.put(input.signedBytes);
  const now = new Date();
  const row: Selectable<DocumentsTable> = {
    id: reservation.id,
    number_and_notation: metadata.numberAndNotation,
    title: metadata.title,
    document_type: metadata.documentType ?? null,
    issuing_agency_code: reservation.issuingAgencyCode,
    signers: metadata.signers,
    sha256: contentKey(input.signedBytes),
    storage_key: storageKey,
    status: 'valid',
    status_reason: null,
    replaced_by: null,
    access_token_hash: hashAccessToken(reservation.token),
    created_by: actorName(actor),
    created_at: now,
    updated_at: now,
  };
  const event = auditEventRow({
    actor: actorName(actor),
    action: 'document.register',
    subjectType: 'document',
    subjectId: reservation.id,
    at: now,
    details: { sha256: row.sha256, numberAndNotation: metadata.numberAndNotation, bytes: input.signedBytes.length, issuingAgencyCode: reservation.issuingAgencyCode },
  });
  await insertIssuedDocument(deps.db, { document: { ...row, signers: JSON.stringify(metadata.signers) }, event });
  scheduleAuditSeal(deps.db);
  return documentFromRow(row);
}

/** Reserves an id and token as a `pending` row, for a document signed between two API calls. */
export async function reserveDocument(
  deps: DocumentsDeps,
  input: { issuingAgencyCode: string; actor: Actor },
): Promise<ReservedDocument> {
  const reserved = await deps.db.transaction().execute((trx) => insertPending(trx, deps.publicBaseUrl, input));
  scheduleAuditSeal(deps.db);
  return reserved;
}

/** Stores the signed bytes and metadata of a reserved document; it becomes `valid`. */
export async function completeDocument(
  deps: DocumentsDeps,
  input: { id: string; signedBytes: Uint8Array; metadata: DocumentMetadata; actor: Actor },
): Promise<RegisteredDocument> {
  const metadata = parseMetadata(input.metadata);
  const storageKey = await deps.store.put(input.signedBytes);
  const done = await deps.db.transaction().execute((trx) => markComplete(trx, { ...input, metadata, storageKey }));
  scheduleAuditSeal(deps.db);
  return done;
}

/** Issues a file that is already signed at once (one write, no pending row). */
export async function registerDocument(
  deps: DocumentsDeps,
  input: { issuingAgencyCode: string; signedBytes: Uint8Array; metadata: DocumentMetadata; actor: Actor },
): Promise<ReservedDocument & { document: RegisteredDocument }> {
  parseMetadata(input.metadata);
  const reservation = reserveDocumentInMemory(deps, input);
  const document = await issueDocument(deps, { reservation, signedBytes: input.signedBytes, metadata: input.metadata, actor: input.actor });
  return { id: reservation.id, token: reservation.token, verificationUrl: reservation.verificationUrl, document };
}

function parseMetadata(m: DocumentMetadata): z.output<typeof ZDocumentMetadata> {
  const r = ZDocumentMetadata.safeParse(m);
  if (!r.success) {
    const problems = r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new AppError('VALIDATION_FAILED', `The document metadata is invalid: ${problems.join('; ')}`, { problems });
  }
  return r.data;
}

async function insertPending(
  trx: Kysely<Tables>,
  publicBaseUrl: string,
  input: { issuingAgencyCode: string; actor: Actor },
): Promise<ReservedDocument> {
  parseAgencyCode(input.issuingAgencyCode);
  assertIssuerOrAdmin(input.actor, input.issuingAgencyCode, 'issue documents in its name');
  const id = newDocumentId();
  const token = newAccessToken();
  await trx
    .insertInto('documents')
    .values({
      id,
      issuing_agency_code: input.issuingAgencyCode,
      signers: '[]',
      status: 'pending',
      access_token_hash: hashAccessToken(token),
      created_by: actorName(input.actor),
      number_and_notation: null,
      title: null,
      document_type: null,
      sha256: null,
      storage_key: null,
      status_reason: null,
      replaced_by: null,
    })
    .execute();
  await appendAuditEvent(trx, {
    actor: actorName(input.actor),
    action: 'document.reserve',
    subjectType: 'document',
    subjectId: id,
    details: { issuingAgencyCode: input.issuingAgencyCode },
  });
  return { id, token, verificationUrl: verificationUrl(publicBaseUrl, id, token) };
}

async function markComplete(
  trx: Kysely<Tables>,
  input: { id: string; signedBytes: Uint8Array; metadata: z.output<typeof ZDocumentMetadata>; storageKey: string; actor: Actor },
): Promise<RegisteredDocument> {
  const row = await trx.selectFrom('documents').selectAll().where('id', '=', input.id).forUpdate().executeTakeFirst();
  if (!row) throw new AppError('DOCUMENT_NOT_FOUND', `No document ${input.id} is registered.`, { id: input.id });
  assertIssuerOrAdmin(input.actor, row.issuing_agency_code, 'complete this document');
  if (row.status !== 'pending') {
    throw new AppError('DOCUMENT_ALREADY_FINAL', `Document ${input.id} is already ${row.status}; its signed file cannot be set again.`, { id: input.id, status: row.status });
  }
  const sha256 = contentKey(input.signedBytes);
  const { metadata } = input;
  const updated = await trx
    .updateTable('documents')
    .set({
      number_and_notation: metadata.numberAndNotation,
      title: metadata.title,
      document_type: metadata.documentType ?? null,
      signers: JSON.stringify(metadata.signers),
      sha256,
      storage_key: input.storageKey,
      status: 'valid',
      updated_at: new Date(),
    })
    .where('id', '=', input.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await appendAuditEvent(trx, {
    actor: actorName(input.actor),
    action: 'document.register',
    subjectType: 'document',
    subjectId: input.id,
    details: { sha256, numberAndNotation: metadata.numberAndNotation, bytes: input.signedBytes.length },
  });
  return documentFromRow(updated);
}
