/**
 * The audit trail of who did what (issue 4 item 3): append-only and hash-chained. A writer
 * inserts its event inside the transaction that makes the change it records, with no chain
 * position and no lock, so concurrent writers never wait for each other; the sealer
 * ({@link sealAuditEvents}, scheduled right after commits) then links committed events into the
 * chain `hash = sha256(prev_hash || canonicalJson(event))` in batches under one lock, and
 * {@link verifyAuditChain} walks the sealed chain and reports the events not yet sealed.
 */
import type { Insertable, Kysely } from 'kysely';
import type { AuditEventsTable, Tables } from '../registry/tables';
import { scheduleAuditSeal } from './seal-audit-events';

export { GENESIS_HASH, auditEventHash } from './audit-event-hash';
export { sealAuditEvents, scheduleAuditSeal, flushAuditSeals, lastAuditSealError } from './seal-audit-events';
export { verifyAuditChain, type AuditChainReport } from './verify-audit-chain';

/** What is recorded. `at` defaults to now. */
export interface AuditEventInput {
  actor: string;
  action: string;
  subjectType: string;
  subjectId: string;
  details?: Record<string, unknown>;
  at?: Date;
}

/** A stored event; `seq`, `prevHash` and `hash` stay null until the sealer links it. */
export interface AuditEvent extends Required<AuditEventInput> {
  id: number;
  /** 1-based position in the chain, or null while unsealed. */
  seq: number | null;
  prevHash: string | null;
  hash: string | null;
}

/**
 * The row to insert for `input` (unsealed). For use cases that write their change and its event
 * in one statement (`with d as (insert …) insert into audit_events …`); otherwise use
 * {@link appendAuditEvent}. Timestamps keep millisecond precision, as the chain hashes them.
 */
export function auditEventRow(input: AuditEventInput): Insertable<AuditEventsTable> {
  return {
    at: new Date(Math.floor((input.at ?? new Date()).getTime())),
    actor: input.actor,
    action: input.action,
    subject_type: input.subjectType,
    subject_id: input.subjectId,
    details: JSON.stringify(input.details ?? {}),
    seq: null,
    prev_hash: null,
    hash: null,
  };
}

/**
 * Appends one event, unsealed. Pass the transaction handle to make it atomic with the change,
 * and call {@link scheduleAuditSeal} with the root handle after commit; with the root handle the
 * seal is scheduled here.
 */
export async function appendAuditEvent(db: Kysely<Tables>, input: AuditEventInput): Promise<AuditEvent> {
  const values = auditEventRow(input);
  const row = await db.insertInto('audit_events').values(values).returning('id').executeTakeFirstOrThrow();
  if (!db.isTransaction) scheduleAuditSeal(db);
  return {
    id: Number(row.id),
    at: values.at as Date,
    actor: input.actor,
    action: input.action,
    subjectType: input.subjectType,
    subjectId: input.subjectId,
    details: input.details ?? {},
    seq: null,
    prevHash: null,
    hash: null,
  };
}

/** Events about one subject, in chain order then unsealed in id order (for issuer views and tests). */
export async function listAuditEvents(db: Kysely<Tables>, subjectType: string, subjectId: string): Promise<AuditEvent[]> {
  const rows = await db
    .selectFrom('audit_events')
    .selectAll()
    .where('subject_type', '=', subjectType)
    .where('subject_id', '=', subjectId)
    .orderBy((eb) => eb.ref('seq'), (ob) => ob.asc().nullsLast())
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    id: Number(r.id),
    at: r.at,
    actor: r.actor,
    action: r.action,
    subjectType: r.subject_type,
    subjectId: r.subject_id,
    details: r.details,
    seq: r.seq === null ? null : Number(r.seq),
    prevHash: r.prev_hash,
    hash: r.hash,
  }));
}
