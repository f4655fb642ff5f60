/**
 * Issuing a document into the registry, in two steps because the QR code that points at the
 * registry entry must be drawn into the PDF *before* it is signed (issue 4 item 2):
 *
 * 1. {@link reserveDocument} → `{ id, token, verificationUrl }`: a `pending` row, token hashed;
 * 2. sign the PDF with the QR of `verificationUrl`;
 * 3. {@link completeDocument}: stores the signed bytes and the metadata; the row becomes `valid`.
 *
 * {@link registerDocument} does both at once for a file already signed (no QR pointing back).
 * Each step writes its row and its audit event in one transaction.
 */
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { AppError } from '../errors';
import type { Tables } from '../registry/tables';
import { parseAgencyCode } from '../agencies/agency-code';
import { appendAuditEvent } from '../audit/audit-log';
import { contentKey } from '../storage/document-store';
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

/** Reserves an id and token for a document the agency is about to sign. */
export async function reserveDocument(
  deps: DocumentsDeps,
  input: { issuingAgencyCode: string; actor: Actor },
): Promise<ReservedDocument> {
  return deps.db.transaction().execute((trx) => insertPending(trx, deps.publicBaseUrl, input));
}

/** Stores the signed bytes and metadata of a reserved document; it becomes `valid`. */
export async function completeDocument(
  deps: DocumentsDeps,
  input: { id: string; signedBytes: Uint8Array; metadata: DocumentMetadata; actor: Actor },
): Promise<RegisteredDocument> {
  const metadata = parseMetadata(input.metadata);
  const storageKey = await deps.store.put(input.signedBytes);
  return deps.db.transaction().execute((trx) => markComplete(trx, { ...input, metadata, storageKey }));
}

/** Reserves and completes at once, for a file that is already signed. */
export async function registerDocument(
  deps: DocumentsDeps,
  input: { issuingAgencyCode: string; signedBytes: Uint8Array; metadata: DocumentMetadata; actor: Actor },
): Promise<ReservedDocument & { document: RegisteredDocument }> {
  const metadata = parseMetadata(input.metadata);
  const storageKey = await deps.store.put(input.signedBytes);
  return deps.db.transaction().execute(async (trx) => {
    const reserved = await insertPending(trx, deps.publicBaseUrl, input);
    const document = await markComplete(trx, { id: reserved.id, signedBytes: input.signedBytes, metadata, storageKey, actor: input.actor });
    return { ...reserved, document };
  });
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
