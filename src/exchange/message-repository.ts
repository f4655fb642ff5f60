/**
 * Messages in the registry: the accepted message with its attachments, deliveries and first
 * hop is written in ONE transaction (issue 5: the 202 is given only once all of it is durable).
 */
import type { Kysely } from 'kysely';
import { AppError } from '../errors';
import type { Tables } from '../registry/tables';
import type { Envelope } from './envelope';
import './exchange-tables';

/** An attachment as stored. */
export interface StoredAttachment {
  ordinal: number;
  name: string;
  contentType: string;
  size: number;
  sha256: string;
  storageKey: string;
  verdict: string;
  report?: unknown;
}

/** What sendMessage persists. */
export interface AcceptedMessage {
  id: string;
  envelope: Envelope;
  refersTo: string | null;
  receivers: string[];
  attachments: StoredAttachment[];
  /** The axis that accepted it first ('local' or a peer URL for federated arrivals). */
  originAxis: string;
  at: Date;
}

/** A message row as read back. */
export interface MessageRecord {
  id: string;
  documentId: string;
  fromCode: string;
  envelope: Envelope;
  businessDocType: number;
  refersTo: string | null;
  createdAt: Date;
}

const isUniqueViolation = (e: unknown) => (e as { code?: string } | null)?.code === '23505';

/** Inserts message, attachments, one queued delivery per receiver and the hop trail. */
export async function insertAcceptedMessage(db: Kysely<Tables>, m: AcceptedMessage): Promise<void> {
  const e = m.envelope;
  try {
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('exchange_messages').values({
        id: m.id, document_id: e.documentId, from_code: e.from.organId, envelope: JSON.stringify(e),
        business_doc_type: e.business.docType, refers_to: m.refersTo, due_date: e.dueDate ?? null,
        origin_axis: m.originAxis, created_at: m.at,
      }).execute();
      if (m.attachments.length > 0) {
        await trx.insertInto('exchange_attachments').values(m.attachments.map((a) => ({
          message_id: m.id, ordinal: a.ordinal, name: a.name, content_type: a.contentType, size: a.size,
          sha256: a.sha256, storage_key: a.storageKey, verdict: a.verdict,
          report: a.report === undefined ? null : JSON.stringify(a.report),
        }))).execute();
      }
      await trx.insertInto('exchange_deliveries').values(m.receivers.map((r) => ({
        message_id: m.id, receiver_code: r, status: 'queued' as const, created_at: m.at, updated_at: m.at,
      }))).execute();
      await trx.insertInto('exchange_trace').values({ message_id: m.id, agency_code: e.from.organId, event: 'accepted', at: m.at }).execute();
    });
  } catch (err) {
    if (isUniqueViolation(err)) {
      throw new AppError('EXCHANGE_DUPLICATE_DOCUMENT', `A new document with DocumentId "${e.documentId}" was already sent by ${e.from.organId} (edXML M.Exist).`, { documentId: e.documentId });
    }
    throw err;
  }
}

function toRecord(r: { id: string; document_id: string; from_code: string; envelope: unknown; business_doc_type: number; refers_to: string | null; created_at: Date }): MessageRecord {
  const envelope = (typeof r.envelope === 'string' ? JSON.parse(r.envelope) : r.envelope) as Envelope;
  return { id: r.id, documentId: r.document_id, fromCode: r.from_code, envelope, businessDocType: Number(r.business_doc_type), refersTo: r.refers_to, createdAt: new Date(r.created_at) };
}

const messageColumns = ['id', 'document_id', 'from_code', 'envelope', 'business_doc_type', 'refers_to', 'created_at'] as const;

/** The message with this id, or EXCHANGE_MESSAGE_NOT_FOUND. */
export async function getMessage(db: Kysely<Tables>, id: string): Promise<MessageRecord> {
  const row = await db.selectFrom('exchange_messages').select(messageColumns).where('id', '=', id).executeTakeFirst();
  if (!row) throw new AppError('EXCHANGE_MESSAGE_NOT_FOUND', `No exchanged message has id ${id}.`);
  return toRecord(row);
}

/** The NEW document (BussinessDocType 0) a sender sent under this DocumentId, if any. */
export async function findNewDocument(db: Kysely<Tables>, fromCode: string, documentId: string): Promise<MessageRecord | null> {
  const row = await db.selectFrom('exchange_messages').select(messageColumns)
    .where('from_code', '=', fromCode).where('document_id', '=', documentId).where('business_doc_type', '=', 0)
    .executeTakeFirst();
  return row ? toRecord(row) : null;
}

/** Attachments of a message, in order. */
export async function listAttachments(db: Kysely<Tables>, messageId: string): Promise<StoredAttachment[]> {
  const rows = await db.selectFrom('exchange_attachments').selectAll().where('message_id', '=', messageId).orderBy('ordinal').execute();
  return rows.map((a) => ({ ordinal: a.ordinal, name: a.name, contentType: a.content_type, size: Number(a.size), sha256: a.sha256, storageKey: a.storage_key, verdict: a.verdict }));
}

/** Appends one hop to the trail. */
export async function appendTrace(db: Kysely<Tables>, messageId: string, agencyCode: string, event: string, receiverCode: string | null = null): Promise<void> {
  await db.insertInto('exchange_trace').values({ message_id: messageId, agency_code: agencyCode, event, receiver_code: receiverCode }).execute();
}
