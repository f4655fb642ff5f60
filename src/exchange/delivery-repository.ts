/**
 * Per-receiver transport status in the registry (style §2.10: status lives in PostgreSQL, not in
 * Redis job state). Every transition is a conditional UPDATE, so a job that runs twice (BullMQ is
 * at-least-once) changes the row, and appends the hop, only once.
 */
import { sql, type Kysely, type Selectable } from 'kysely';
import type { Tables } from '../registry/tables';
import type { ExchangeDeliveriesTable, TransportStatus } from './exchange-tables';
import './exchange-tables';

/** A delivery row as read back. */
export interface DeliveryRecord {
  messageId: string;
  receiverCode: string;
  status: TransportStatus;
  attempts: number;
  lastError: string | null;
  deliveredAt: Date | null;
  acknowledgedAt: Date | null;
  updatedAt: Date;
}

/** States from which a delivery attempt may start or finish. */
const OPEN: TransportStatus[] = ['queued', 'delivering', 'failed'];

function toRecord(r: Selectable<ExchangeDeliveriesTable>): DeliveryRecord {
  return {
    messageId: r.message_id, receiverCode: r.receiver_code, status: r.status, attempts: Number(r.attempts),
    lastError: r.last_error, deliveredAt: r.delivered_at && new Date(r.delivered_at),
    acknowledgedAt: r.acknowledged_at && new Date(r.acknowledged_at), updatedAt: new Date(r.updated_at),
  };
}

/** One delivery, or null. */
export async function findDelivery(db: Kysely<Tables>, messageId: string, receiverCode: string): Promise<DeliveryRecord | null> {
  const r = await db.selectFrom('exchange_deliveries').selectAll().where('message_id', '=', messageId).where('receiver_code', '=', receiverCode).executeTakeFirst();
  return r ? toRecord(r) : null;
}

/** Every delivery of a message. */
export async function listDeliveries(db: Kysely<Tables>, messageId: string): Promise<DeliveryRecord[]> {
  const rows = await db.selectFrom('exchange_deliveries').selectAll().where('message_id', '=', messageId).orderBy('receiver_code').execute();
  return rows.map(toRecord);
}

/** Marks an attempt as started; false when the delivery is already finished (or dead). */
export async function startAttempt(db: Kysely<Tables>, messageId: string, receiverCode: string): Promise<boolean> {
  const r = await db.updateTable('exchange_deliveries')
    .set({ status: 'delivering', attempts: sql`attempts + 1`, updated_at: sql`now()` })
    .where('message_id', '=', messageId).where('receiver_code', '=', receiverCode).where('status', 'in', OPEN)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/**
 * Marks delivered and appends the hop, once: false when another run got there first (or the
 * delivery is dead). `countsAttempt` also counts the attempt (pull delivery has no separate start).
 */
export async function markDelivered(db: Kysely<Tables>, messageId: string, receiverCode: string, hopAgency: string, event = 'delivered', countsAttempt = false): Promise<boolean> {
  // One statement (atomic, one round trip): the hop is appended only if the row changed.
  const r = await sql<{ id: string }>`
    with d as (
      update exchange_deliveries
      set status = 'delivered', delivered_at = now(), last_error = null, updated_at = now(),
          attempts = attempts + ${countsAttempt ? 1 : 0}
      where message_id = ${messageId} and receiver_code = ${receiverCode}
        and status in ('queued', 'delivering', 'failed')
      returning message_id, receiver_code)
    insert into exchange_trace (message_id, agency_code, event, receiver_code)
    select message_id, ${hopAgency}, ${event}, receiver_code from d
    returning id`.execute(db);
  return r.rows.length > 0;
}

/** Records a failed attempt: `failed` (will retry) or `dead` (retry budget spent, or permanent). */
export async function recordFailure(db: Kysely<Tables>, messageId: string, receiverCode: string, error: string, isDead: boolean): Promise<void> {
  await db.updateTable('exchange_deliveries')
    .set({ status: isDead ? 'dead' : 'failed', last_error: error.slice(0, 2000), updated_at: sql`now()` })
    .where('message_id', '=', messageId).where('receiver_code', '=', receiverCode).where('status', 'in', OPEN)
    .execute();
}

/** Receiver acknowledgement (pull inbox): delivered → acknowledged; false if not delivered. */
export async function markAcknowledged(db: Kysely<Tables>, messageId: string, receiverCode: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const r = await trx.updateTable('exchange_deliveries')
      .set({ status: 'acknowledged', acknowledged_at: sql`now()`, updated_at: sql`now()` })
      .where('message_id', '=', messageId).where('receiver_code', '=', receiverCode).where('status', '=', 'delivered')
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0) return false;
    await trx.insertInto('exchange_trace').values({ message_id: messageId, agency_code: receiverCode, event: 'acknowledged', receiver_code: receiverCode }).execute();
    return true;
  });
}

/** Operator replay: dead → queued with a fresh retry budget. Returns the receivers reset. */
export async function resetDead(db: Kysely<Tables>, messageId: string, receiverCode?: string): Promise<string[]> {
  let q = db.updateTable('exchange_deliveries')
    .set({ status: 'queued', attempts: 0, updated_at: sql`now()` })
    .where('message_id', '=', messageId).where('status', '=', 'dead');
  if (receiverCode) q = q.where('receiver_code', '=', receiverCode);
  const rows = await q.returning('receiver_code').execute();
  return rows.map((r) => r.receiver_code);
}

/** Open deliveries untouched for `olderThanMs` (candidates for the sweeper). */
export async function listStaleOpen(db: Kysely<Tables>, olderThanMs: number, limit: number): Promise<{ messageId: string; receiverCode: string }[]> {
  const rows = await db.selectFrom('exchange_deliveries').select(['message_id', 'receiver_code'])
    .where('status', 'in', OPEN)
    .where('updated_at', '<', sql<Date>`now() - make_interval(secs => ${olderThanMs / 1000})`)
    .orderBy('updated_at').limit(limit).execute();
  return rows.map((r) => ({ messageId: r.message_id, receiverCode: r.receiver_code }));
}
