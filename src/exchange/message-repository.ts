/**
 * Messages in the registry: the accepted message with its attachments, deliveries and first
 * hop is written in ONE statement (issue 5: the 202 is given only once all of it is durable).
 */
import { sql, type Kysely } from 'kysely';
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

/**
 * Inserts messages, their attachments, one queued delivery per receiver and the first hop, in
 * ONE statement (one round trip, one commit, atomic like a transaction) for a whole batch.
 * Answers, per message, `true` when stored and `false` when it is a NEW document whose
 * (sender, DocumentId) is already taken (edXML M.Exist; the partial unique index decides, so
 * two racing copies cannot both get in).
 */
export async function insertAcceptedMessages(db: Kysely<Tables>, ms: readonly AcceptedMessage[]): Promise<boolean[]> {
  if (ms.length === 0) return [];
  // the batch travels as ONE json parameter: pg would otherwise escape every element of ~20
  // text/jsonb arrays (each envelope twice over), the largest allocation of a relayed message
  const batch = JSON.stringify(ms.map((m) => ({
    id: m.id, document_id: m.envelope.documentId, from_code: m.envelope.from.organId, envelope: m.envelope,
    business_doc_type: m.envelope.business.docType, refers_to: m.refersTo, due_date: m.envelope.dueDate ?? null,
    origin_axis: m.originAxis, created_at: m.at.toISOString(), receivers: m.receivers,
    // an absent report (undefined, left out by JSON.stringify) is stored as SQL NULL
    attachments: m.attachments.map((a) => ({ ordinal: a.ordinal, name: a.name, content_type: a.contentType, size: a.size, sha256: a.sha256, storage_key: a.storageKey, verdict: a.verdict, report: a.report })),
  })));
  const { rows } = await sql<{ id: string }>`
    with v as (
      select * from jsonb_to_recordset(${batch}::jsonb) as v(
        id text, document_id text, from_code text, envelope jsonb, business_doc_type smallint, refers_to text, due_date date,
        origin_axis text, created_at timestamptz, receivers jsonb, attachments jsonb)),
    m as (
      insert into exchange_messages (id, document_id, from_code, envelope, business_doc_type, refers_to, due_date, origin_axis, created_at)
      select id, document_id, from_code, envelope, business_doc_type, refers_to, due_date, origin_axis, created_at from v
      on conflict (from_code, document_id) where business_doc_type = 0 do nothing
      returning id, from_code, created_at),
    a as (
      insert into exchange_attachments (message_id, ordinal, name, content_type, size, sha256, storage_key, verdict, report)
      select m.id, a.ordinal, a.name, a.content_type, a.size, a.sha256, a.storage_key, a.verdict, a.report
      from v join m on m.id = v.id
      cross join jsonb_to_recordset(v.attachments) as a(ordinal int, name text, content_type text, size bigint, sha256 text, storage_key text, verdict text, report jsonb)),
    d as (
      insert into exchange_deliveries (message_id, receiver_code, status, created_at, updated_at)
      select m.id, r.code, 'queued', m.created_at, m.created_at
      from v join m on m.id = v.id cross join jsonb_array_elements_text(v.receivers) as r(code)),
    t as (
      insert into exchange_trace (message_id, agency_code, event, at)
      select id, from_code, 'accepted', created_at from m)
    select id from m`.execute(db);
  const stored = new Set(rows.map((r) => r.id));
  return ms.map((m) => stored.has(m.id));
}

/** Inserts one accepted message (see {@link insertAcceptedMessages}); EXCHANGE_DUPLICATE_DOCUMENT when taken. */
export async function insertAcceptedMessage(db: Kysely<Tables>, m: AcceptedMessage): Promise<void> {
  const [stored] = await insertAcceptedMessages(db, [m]);
  if (!stored) await throwDuplicate(db, m.envelope);
}

/** Throws EXCHANGE_DUPLICATE_DOCUMENT naming the earlier message. */
export async function throwDuplicate(db: Kysely<Tables>, e: Envelope): Promise<never> {
  const earlier = await findNewDocument(db, e.from.organId, e.documentId);
  throw new AppError('EXCHANGE_DUPLICATE_DOCUMENT', `A new document with DocumentId "${e.documentId}" was already sent by ${e.from.organId} (edXML M.Exist).`, { documentId: e.documentId, ...(earlier ? { messageId: earlier.id } : {}) });
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
