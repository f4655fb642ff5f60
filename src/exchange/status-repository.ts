/**
 * Business statuses in the registry, deduplicated by the partial unique index on
 * (from, to, document, code) where code <> '05' (Bkav UpdateTraces), and re-readable by time
 * range: unlike the Bkav GetTraces ("disable once read"), reading never consumes a status, so a
 * lost response never loses one.
 */
import { sql, type Kysely } from 'kysely';
import type { Tables } from '../registry/tables';
import type { BusinessStatusCode } from './business-codes';
import './exchange-tables';

/** A status as stored and answered. */
export interface StatusRecord {
  id: string;
  messageId: string | null;
  from: string;
  to: string;
  documentId: string;
  code: BusinessStatusCode;
  description: string;
  staffInfo: unknown;
  at: Date;
  receivedAt: Date;
}

/** Inserts a status; false when it repeats an earlier one (ignored, except code 05). */
export async function insertStatus(db: Kysely<Tables>, s: Omit<StatusRecord, 'receivedAt' | 'staffInfo'> & { staffInfo?: unknown }, relay: boolean): Promise<boolean> {
  const rows = await db.insertInto('exchange_statuses').values({
    id: s.id, message_id: s.messageId, from_code: s.from, to_code: s.to, document_id: s.documentId, code: s.code,
    description: s.description, staff_info: s.staffInfo === undefined ? null : JSON.stringify(s.staffInfo), at: s.at,
    relay_status: relay ? 'queued' : null,
  })
    .onConflict((oc) => oc.columns(['from_code', 'to_code', 'document_id', 'code']).where('code', '<>', '05').doNothing())
    .returning('id').execute();
  return rows.length > 0;
}

/** Statuses sent to or by `agency`, received in [since, until), oldest first. */
export async function listStatuses(db: Kysely<Tables>, agency: string | null, since: Date, until: Date, limit = 1000): Promise<StatusRecord[]> {
  let q = db.selectFrom('exchange_statuses').selectAll()
    .where('received_at', '>=', since).where('received_at', '<', until);
  if (agency) q = q.where((eb) => eb.or([eb('to_code', '=', agency), eb('from_code', '=', agency)]));
  const rows = await q.orderBy('received_at').orderBy('id').limit(limit).execute();
  return rows.map((r) => ({
    id: r.id, messageId: r.message_id, from: r.from_code, to: r.to_code, documentId: r.document_id,
    code: r.code as BusinessStatusCode, description: r.description, staffInfo: r.staff_info ?? undefined,
    at: new Date(r.at), receivedAt: new Date(r.received_at),
  }));
}

/** Statuses about one message, oldest first. */
export async function listMessageStatuses(db: Kysely<Tables>, messageId: string): Promise<StatusRecord[]> {
  const rows = await db.selectFrom('exchange_statuses').selectAll().where('message_id', '=', messageId).orderBy('at').orderBy('received_at').execute();
  return rows.map((r) => ({
    id: r.id, messageId: r.message_id, from: r.from_code, to: r.to_code, documentId: r.document_id,
    code: r.code as BusinessStatusCode, description: r.description, staffInfo: r.staff_info ?? undefined,
    at: new Date(r.at), receivedAt: new Date(r.received_at),
  }));
}

/** Status relay bookkeeping (push or federated senders). */
export async function markStatusRelay(db: Kysely<Tables>, id: string, outcome: 'delivered' | 'failed' | 'dead', error?: string): Promise<void> {
  await db.updateTable('exchange_statuses')
    .set({
      relay_status: outcome === 'failed' ? 'queued' : outcome,
      relay_attempts: sql`relay_attempts + 1`,
      relay_error: error?.slice(0, 2000) ?? null,
    })
    .where('id', '=', id).where('relay_status', '=', 'queued').execute();
}
