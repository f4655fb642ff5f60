/**
 * The audit sealer: writers append events with no chain position inside their own transaction
 * (no global lock on the write path); the sealer then takes the audit advisory lock once per
 * batch, gives the committed unsealed events consecutive chain positions (`seq`) in id order and
 * computes their links `hash = sha256(prev_hash || canonical event)`. Events are sealed in the
 * order the sealer sees them committed, so a transaction that commits late is sealed in a later
 * batch; the chain never forks because only the lock holder extends it. Sealing is idempotent
 * and safe from several processes at once (each re-reads the head under the lock).
 */
import { sql, type Kysely } from 'kysely';
import type { Tables } from '../registry/tables';
import { auditEventHash, GENESIS_HASH, hashedEventOfRow } from './audit-event-hash';

/** pg_advisory_xact_lock key of the chain head (one writer of the chain at a time). */
const AUDIT_SEAL_LOCK_KEY = '7305612783650191873';

/** Options of {@link sealAuditEvents}. */
export interface SealOptions {
  /** Events sealed per transaction. @defaultValue 500 */
  batchSize?: number;
}

/** How long a scheduled seal waits for more commits to join its batch. */
const SCHEDULED_SEAL_DELAY_MS = 100;

interface SealerState {
  running?: Promise<number>;
  /** A scheduled seal not started yet. */
  timer?: NodeJS.Timeout;
  again: boolean;
  /** The last failure of a scheduled seal (the events stay unsealed until the next seal). */
  lastError?: unknown;
}

const sealers = new WeakMap<Kysely<Tables>, SealerState>();

function stateOf(db: Kysely<Tables>): SealerState {
  let s = sealers.get(db);
  if (!s) sealers.set(db, (s = { again: false }));
  return s;
}

/** Seals one batch under the lock; returns how many events it sealed. */
async function sealBatch(db: Kysely<Tables>, batchSize: number): Promise<number> {
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(${AUDIT_SEAL_LOCK_KEY}::bigint)`.execute(trx);
    const rows = await trx
      .selectFrom('audit_events')
      .selectAll()
      .select((eb) => [
        eb.selectFrom('audit_events as h').select('h.seq').where('h.seq', 'is not', null).orderBy('h.seq', 'desc').limit(1).as('head_seq'),
        eb.selectFrom('audit_events as h').select('h.hash').where('h.seq', 'is not', null).orderBy('h.seq', 'desc').limit(1).as('head_hash'),
      ])
      .where('seq', 'is', null)
      .orderBy('id')
      .limit(batchSize)
      .execute();
    if (rows.length === 0) return 0;
    let seq = rows[0].head_seq === null ? 0 : Number(rows[0].head_seq);
    let prev = rows[0].head_hash ?? GENESIS_HASH;
    const links = rows.map((r) => {
      const hash = auditEventHash(prev, hashedEventOfRow(r));
      const link = sql`(${String(r.id)}::bigint, ${String(++seq)}::bigint, ${prev}::text, ${hash}::text)`;
      prev = hash;
      return link;
    });
    await sql`update audit_events as a
      set seq = v.seq, prev_hash = v.prev_hash, hash = v.hash
      from (values ${sql.join(links)}) as v(id, seq, prev_hash, hash)
      where a.id = v.id and a.seq is null`.execute(trx);
    return rows.length;
  });
}

async function sealAll(db: Kysely<Tables>, batchSize: number): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await sealBatch(db, batchSize);
    total += n;
    if (n < batchSize) return total;
  }
}

/** Starts a sealing pass, or asks the running one for one more pass; resolves when done. */
function kick(db: Kysely<Tables>, batchSize: number): Promise<number> {
  const state = stateOf(db);
  if (state.timer) {
    clearTimeout(state.timer);
    state.timer = undefined;
  }
  if (state.running) {
    state.again = true;
    return state.running;
  }
  const run = (async () => {
    await new Promise<void>((resolve) => setImmediate(resolve));
    let total = 0;
    try {
      do {
        state.again = false;
        total += await sealAll(db, batchSize);
      } while (state.again);
      state.lastError = undefined;
      return total;
    } catch (e) {
      state.lastError = e;
      throw e;
    } finally {
      state.running = undefined;
    }
  })();
  state.running = run;
  return run;
}

/**
 * Seals every event committed before the call (joining a pass already running, batched with
 * other callers) and returns how many events that pass sealed. Call it with the root database
 * handle, never a transaction: the events of an open transaction are invisible until it commits.
 */
export function sealAuditEvents(db: Kysely<Tables>, opts: SealOptions = {}): Promise<number> {
  return kick(db, opts.batchSize ?? 500);
}

/**
 * Asks for a seal right after a commit, without waiting for it: the seal starts within
 * SCHEDULED_SEAL_DELAY_MS (100 ms), so that the commits of that window are sealed in one batch
 * (one lock, one update) rather than one transaction each. Never rejects: a failure is kept in
 * {@link lastAuditSealError} and the events stay unsealed (seen by {@link sealAuditEvents} and
 * by the verifier) until the next seal.
 */
export function scheduleAuditSeal(db: Kysely<Tables>): void {
  const state = stateOf(db);
  if (state.running) {
    state.again = true;
    return;
  }
  if (state.timer) return;
  state.timer = setTimeout(() => {
    state.timer = undefined;
    kick(db, 500).catch(() => undefined);
  }, SCHEDULED_SEAL_DELAY_MS);
  state.timer.unref();
}

/** The error of the last sealing pass, when the latest pass failed. */
export function lastAuditSealError(db: Kysely<Tables>): unknown {
  return sealers.get(db)?.lastError;
}

/** Starts a scheduled seal now and waits for any seal to finish; never rejects. */
export async function flushAuditSeals(db: Kysely<Tables>): Promise<void> {
  const state = sealers.get(db);
  if (state?.timer) kick(db, 500).catch(() => undefined);
  while (state?.running) await state.running.catch(() => 0);
}
