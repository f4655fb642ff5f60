/**
 * The registered document's domain shape, the dependencies of the document use cases, and who
 * may act on a document. Use cases take an {@link Actor} (structurally the same as the HTTP
 * layer's Principal) so that this module does not depend on the HTTP edge.
 */
import type { Kysely, Selectable } from 'kysely';
import { AppError } from '../errors';
import type { DocumentsTable, DocumentStatus, SignerRecord, Tables } from '../registry/tables';
import type { DocumentStore } from '../storage/document-store';

export type { DocumentStatus, SignerRecord };

/** Who acts: the administrator or an agency's key. */
export type Actor = { kind: 'admin' } | { kind: 'agency'; agencyCode: string; keyId?: string };

/** What the document use cases need. */
export interface DocumentsDeps {
  db: Kysely<Tables>;
  store: DocumentStore;
  /** PUBLIC_BASE_URL, printed into verification URLs. */
  publicBaseUrl: string;
}

/** A registered document as use cases and the API return it (never the token or its hash). */
export interface RegisteredDocument {
  id: string;
  numberAndNotation: string | null;
  title: string | null;
  documentType: string | null;
  issuingAgencyCode: string;
  signers: SignerRecord[];
  sha256: string | null;
  status: DocumentStatus;
  statusReason: string | null;
  replacedBy: string | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

/** The audit/log name of an actor. */
export function actorName(actor: Actor): string {
  return actor.kind === 'admin' ? 'admin' : `agency:${actor.agencyCode}${actor.keyId ? `:${actor.keyId}` : ''}`;
}

/** Throws FORBIDDEN unless the actor is the administrator or the issuing agency. */
export function assertIssuerOrAdmin(actor: Actor, issuingAgencyCode: string, what: string): void {
  if (actor.kind === 'admin') return;
  if (actor.agencyCode === issuingAgencyCode) return;
  throw new AppError('FORBIDDEN', `Only the issuing agency (${issuingAgencyCode}) or the administrator may ${what}.`);
}

/** Maps a row to the domain shape. */
export function documentFromRow(row: Selectable<DocumentsTable>): RegisteredDocument {
  return {
    id: row.id,
    numberAndNotation: row.number_and_notation,
    title: row.title,
    documentType: row.document_type,
    issuingAgencyCode: row.issuing_agency_code,
    signers: Array.isArray(row.signers) ? row.signers : [],
    sha256: row.sha256,
    status: row.status,
    statusReason: row.status_reason,
    replacedBy: row.replaced_by,
    createdBy: row.created_by,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}
