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
  const att = ms.flatMap((m) => m.attachments.map((a) => ({ m, a })));
  const dl = ms.flatMap((m) => m.receivers.map((r) => ({ m, r })));
  const { rows } = await sql<{ id: string }>`
    with v as (
      select * from unnest(
        ${ms.map((m) => m.id)}::text[], ${ms.map((m) => m.envelope.documentId)}::text[], ${ms.map((m) => m.envelope.from.organId)}::text[],
        ${ms.map((m) => JSON.stringify(m.envelope))}::jsonb[], ${ms.map((m) => m.envelope.business.docType)}::smallint[],
        ${ms.map((m) => m.refersTo)}::text[], ${ms.map((m) => m.envelope.dueDate ?? null)}::date[], ${ms.map((m) => m.originAxis)}::text[],
        ${ms.map((m) => m.at.toISOString())}::timestamptz[]
      ) as v(id, document_id, from_code, envelope, business_doc_type, refers_to, due_date, origin_axis, created_at)),
    m as (
      insert into exchange_messages (id, document_id, from_code, envelope, business_doc_type, refers_to, due_date, origin_axis, created_at)
      select * from v
      on conflict (from_code, document_id) where business_doc_type = 0 do nothing
      returning id, from_code, created_at),
    a as (
      insert into exchange_attachments (message_id, ordinal, name, content_type, size, sha256, storage_key, verdict, report)
      select a.* from unnest(
        ${att.map((x) => x.m.id)}::text[], ${att.map((x) => x.a.ordinal)}::int[], ${att.map((x) => x.a.name)}::text[],
        ${att.map((x) => x.a.contentType)}::text[], ${att.map((x) => x.a.size)}::bigint[], ${att.map((x) => x.a.sha256)}::text[],
        ${att.map((x) => x.a.storageKey)}::text[], ${att.map((x) => x.a.verdict)}::text[],
        ${att.map((x) => (x.a.report === undefined ? null : JSON.stringify(x.a.report)))}::jsonb[]
      ) as a(message_id, ordinal, name, content_type, size, sha256, storage_key, verdict, report)
      where a.message_id in (select id from m)),
    d as (
      insert into exchange_deliveries (message_id, receiver_code, status, created_at, updated_at)
      select d.message_id, d.receiver_code, 'queued', m.created_at, m.created_at
      from unnest(${dl.map((x) => x.m.id)}::text[], ${dl.map((x) => x.r)}::text[]) as d(message_id, receiver_code)
      join m on m.id = d.message_id),
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
