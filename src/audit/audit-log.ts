/**
 * The audit trail of who did what (issue 4 item 3): append-only and hash-chained. Each event's
 * `hash = sha256(prev_hash || canonicalJson(event))`, the first `prev_hash` being 64 zeros, so
 * deleting, reordering or editing any row breaks every later link ({@link verifyAuditChain}).
 * Appends take a transaction-scoped advisory lock so concurrent writers never fork the chain;
 * call {@link appendAuditEvent} inside the transaction that makes the change it records.
 */
import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Tables } from '../registry/tables';
import { canonicalJson } from './canonical-json';

/** The `prev_hash` of the first event. */
export const GENESIS_HASH = '0'.repeat(64);

const AUDIT_LOCK_KEY = '7305612783650191873';

/** What is recorded. `at` defaults to now. */
export interface AuditEventInput {
  actor: string;
  action: string;
  subjectType: string;
  subjectId: string;
  details?: Record<string, unknown>;
  at?: Date;
}

/** A stored event. */
export interface AuditEvent extends Required<AuditEventInput> {
  id: number;
  prevHash: string;
  hash: string;
}

/** The hashed content of an event (ids are not hashed: the chain itself orders the events). */
export function auditEventHash(prevHash: string, e: Required<AuditEventInput>): string {
  const body = canonicalJson({
    at: e.at.toISOString(),
    actor: e.actor,
    action: e.action,
    subjectType: e.subjectType,
    subjectId: e.subjectId,
    details: e.details,
  });
  return createHash('sha256').update(prevHash).update(body).digest('hex');
}

/** Appends one event to the chain. Use a transaction handle to make it atomic with the change. */
export async function appendAuditEvent(db: Kysely<Tables>, input: AuditEventInput): Promise<AuditEvent> {
  const event: Required<AuditEventInput> = {
    ...input,
    details: input.details ?? {},
    at: new Date(Math.floor((input.at ?? new Date()).getTime())),
  };
  const run = async (trx: Kysely<Tables>): Promise<AuditEvent> => {
    await sql`select pg_advisory_xact_lock(${AUDIT_LOCK_KEY}::bigint)`.execute(trx);
    const last = await trx.selectFrom('audit_events').select('hash').orderBy('id', 'desc').limit(1).executeTakeFirst();
    const prevHash = last?.hash ?? GENESIS_HASH;
    const hash = auditEventHash(prevHash, event);
    const row = await trx
      .insertInto('audit_events')
      .values({
        at: event.at,
        actor: event.actor,
        action: event.action,
        subject_type: event.subjectType,
        subject_id: event.subjectId,
        details: JSON.stringify(event.details),
        prev_hash: prevHash,
        hash,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { ...event, id: Number(row.id), prevHash, hash };
  };
  return db.isTransaction ? run(db) : db.transaction().execute(run);
}

/** The result of walking the chain. */
export interface AuditChainReport {
  ok: boolean;
  /** How many events were checked. */
  checked: number;
  /** The first broken event, with why. */
  brokenAt?: { id: number; reason: 'prev_hash_mismatch' | 'hash_mismatch' };
}

/** Recomputes every link in id order; reports the first event whose hash or link is wrong. */
export async function verifyAuditChain(db: Kysely<Tables>, batchSize = 1000): Promise<AuditChainReport> {
  let prev = GENESIS_HASH;
  let checked = 0;
  let afterId = 0;
  for (;;) {
    const rows = await db
      .selectFrom('audit_events')
      .selectAll()
      .where('id', '>', afterId)
      .orderBy('id')
      .limit(batchSize)
      .execute();
    if (rows.length === 0) return { ok: true, checked };
    for (const r of rows) {
      const id = Number(r.id);
      if (r.prev_hash !== prev) return { ok: false, checked, brokenAt: { id, reason: 'prev_hash_mismatch' } };
      const expected = auditEventHash(prev, {
        at: r.at,
        actor: r.actor,
        action: r.action,
        subjectType: r.subject_type,
        subjectId: r.subject_id,
        details: r.details,
      });
      if (expected !== r.hash) return { ok: false, checked, brokenAt: { id, reason: 'hash_mismatch' } };
      prev = r.hash;
      checked += 1;
      afterId = id;
    }
  }
}

/** Events about one subject, oldest first (for issuer views and tests). */
export async function listAuditEvents(db: Kysely<Tables>, subjectType: string, subjectId: string): Promise<AuditEvent[]> {
  const rows = await db
    .selectFrom('audit_events')
    .selectAll()
    .where('subject_type', '=', subjectType)
    .where('subject_id', '=', subjectId)
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
    prevHash: r.prev_hash,
    hash: r.hash,
  }));
}
