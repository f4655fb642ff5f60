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

/** One delivery to mark delivered, with the hop to append. */
export interface DeliveredMark {
  messageId: string;
  receiverCode: string;
  hopAgency: string;
  /** @defaultValue 'delivered' */
  event?: string;
  /** Also count the attempt (pull delivery has no separate start). @defaultValue false */
  countsAttempt?: boolean;
}

/**
 * Marks deliveries delivered and appends their hops, once each, in ONE statement (atomic, one
 * round trip) for a batch: per mark, false when another run got there first (or the delivery is
 * dead). The same delivery twice in one batch is changed once (the other mark answers false).
 */
export async function markDeliveredMany(db: Kysely<Tables>, marks: readonly DeliveredMark[]): Promise<boolean[]> {
  if (marks.length === 0) return [];
  const r = await sql<{ message_id: string; receiver_code: string; n: number }>`
    with v as (
      select * from unnest(
        ${marks.map((m) => m.messageId)}::text[], ${marks.map((m) => m.receiverCode)}::text[], ${marks.map((m) => m.hopAgency)}::text[],
        ${marks.map((m) => m.event ?? 'delivered')}::text[], ${marks.map((m) => (m.countsAttempt ? 1 : 0))}::int[],
        ${marks.map((_, i) => i)}::int[]
      ) as v(message_id, receiver_code, hop, event, counts, n)),
    d as (
      update exchange_deliveries e
      set status = 'delivered', delivered_at = now(), last_error = null, updated_at = now(), attempts = e.attempts + v.counts
      from v
      where e.message_id = v.message_id and e.receiver_code = v.receiver_code
        and e.status in ('queued', 'delivering', 'failed')
      returning e.message_id, e.receiver_code, v.hop, v.event, v.n),
    t as (
      insert into exchange_trace (message_id, agency_code, event, receiver_code)
      select message_id, hop, event, receiver_code from d)
    select message_id, receiver_code, n from d`.execute(db);
  const changed = new Set(r.rows.map((x) => Number(x.n)));
  return marks.map((_, i) => changed.has(i));
}

/**
 * Marks delivered and appends the hop, once: false when another run got there first (or the
 * delivery is dead). `countsAttempt` also counts the attempt (pull delivery has no separate start).
 */
export async function markDelivered(db: Kysely<Tables>, messageId: string, receiverCode: string, hopAgency: string, event = 'delivered', countsAttempt = false): Promise<boolean> {
  const [changed] = await markDeliveredMany(db, [{ messageId, receiverCode, hopAgency, event, countsAttempt }]);
  return changed;
}

/** Records a failed attempt: `failed` (will retry) or `dead` (retry budget spent, or permanent). */
export async function recordFailure(db: Kysely<Tables>, messageId: string, receiverCode: string, error: string, isDead: boolean): Promise<void> {
  await db.updateTable('exchange_deliveries')
    .set({ status: isDead ? 'dead' : 'failed', last_error: error.slice(0, 2000), updated_at: sql`now()` })
    .where('message_id', '=', messageId).where('receiver_code', '=', receiverCode).where('status', 'in', OPEN)
    .execute();
}

/** What {@link acknowledgeDeliveries} found and did, per acknowledgement. */
export interface Acknowledgement {
  /** The delivery's status before this call; null when there is no such delivery. */
  status: TransportStatus | null;
  /** True when this call moved it delivered → acknowledged (and wrote the hop and status 01). */
  acknowledged: boolean;
  /** True when the status 01 it wrote waits for a relay to the sender (push or peer sender). */
  relayStatus: boolean;
  /** The message's sender (the addressee of status 01); null when there is no such delivery. */
  sender: string | null;
}

/** One acknowledgement to write, with the id and text of its status 01. */
export interface AckRequest {
  messageId: string;
  receiverCode: string;
  statusId: string;
  description: string;
  at: Date;
}

/**
 * Receiver acknowledgements (pull inbox), ONE statement for a batch: delivered → acknowledged,
 * the hop, and business status 01 to the sender (deduplicated like every status; relay_status
 * 'queued' when the sender is pushed to or hosted by a peer axis, exactly as recordStatus
 * decides). Atomic: an acknowledgement never exists without its status 01. A delivery seen as
 * `delivered` but not changed by this call was acknowledged by a concurrent call.
 */
export async function acknowledgeDeliveries(db: Kysely<Tables>, acks: readonly AckRequest[]): Promise<Acknowledgement[]> {
  if (acks.length === 0) return [];
  // one json parameter rather than six arrays that pg would escape element by element
  const batch = JSON.stringify(acks.map((a, n) => ({ message_id: a.messageId, receiver_code: a.receiverCode, status_id: a.statusId, description: a.description, at: a.at.toISOString(), n })));
  const r = await sql<{ n: number; status: TransportStatus | null; acked: boolean; relay: boolean | null; from_code: string | null }>`
    with v as (
      select * from jsonb_to_recordset(${batch}::jsonb)
        as v(message_id text, receiver_code text, status_id text, description text, at timestamptz, n int)),
    u as (
      update exchange_deliveries e
      set status = 'acknowledged', acknowledged_at = now(), updated_at = now()
      from v
      where e.message_id = v.message_id and e.receiver_code = v.receiver_code and e.status = 'delivered'
      returning e.message_id, e.receiver_code, v.status_id, v.description, v.at, v.n),
    t as (
      insert into exchange_trace (message_id, agency_code, event, receiver_code)
      select message_id, receiver_code, 'acknowledged', receiver_code from u),
    s as (
      insert into exchange_statuses (id, message_id, from_code, to_code, document_id, code, description, at, relay_status)
      select u.status_id, m.id, u.receiver_code, m.from_code, m.document_id, '01', u.description, u.at,
        case when a.axis <> 'local' or (a.delivery_mode = 'push' and a.webhook_url is not null) then 'queued' end
      from u join exchange_messages m on m.id = u.message_id left join agencies a on a.code = m.from_code
      on conflict (from_code, to_code, document_id, code) where code <> '05' do nothing
      returning id, relay_status)
    select v.n, d.status, (u.n is not null) as acked, (s.relay_status = 'queued') as relay, m.from_code
    from v
    left join exchange_deliveries d on d.message_id = v.message_id and d.receiver_code = v.receiver_code
    left join exchange_messages m on m.id = d.message_id
    left join u on u.n = v.n
    left join s on s.id = v.status_id`.execute(db);
  const byN = new Map(r.rows.map((x) => [Number(x.n), x]));
  return acks.map((_, i) => {
    const row = byN.get(i);
    if (!row?.status) return { status: null, acknowledged: false, relayStatus: false, sender: null };
    return { status: row.status, acknowledged: row.acked === true, relayStatus: row.relay === true, sender: row.from_code };
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
