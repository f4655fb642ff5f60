/**
 * The audit chain verifier: recomputes every sealed link in chain order
 * (`hash = sha256(prev_hash || canonical event)`, positions 1, 2, 3 … without gaps) and reports
 * the first event whose link, hash or position is wrong, plus the events not sealed yet. The
 * head (last position and hash) is returned so that it can be published or compared later:
 * cutting events off the end of a chain is only visible against a head recorded elsewhere.
 */
import type { Kysely } from 'kysely';
import type { Tables } from '../registry/tables';
import { auditEventHash, GENESIS_HASH, hashedEventOfRow } from './audit-event-hash';
import { sealAuditEvents } from './seal-audit-events';

/** The result of walking the chain. */
export interface AuditChainReport {
  /** True when every sealed link is intact. */
  ok: boolean;
  /** How many sealed events were checked. */
  checked: number;
  /** Committed events without a chain position (written after the seal this check ran). */
  unsealed: number;
  /** The last sealed event: position and hash (GENESIS_HASH at position 0 for an empty chain). */
  head: { seq: number; hash: string };
  /** The first broken event, with why. */
  brokenAt?: { id: number; reason: 'prev_hash_mismatch' | 'hash_mismatch' | 'sequence_gap' };
}

/** Options of {@link verifyAuditChain}. */
export interface VerifyAuditChainOptions {
  /** Seal the committed events first. @defaultValue true */
  seal?: boolean;
}

/** Seals what is committed (unless told not to), then walks the sealed chain in `batchSize` pages. */
export async function verifyAuditChain(
  db: Kysely<Tables>,
  batchSize = 1000,
  opts: VerifyAuditChainOptions = {},
): Promise<AuditChainReport> {
  if (opts.seal ?? true) await sealAuditEvents(db);
  let prev = GENESIS_HASH;
  let seq = 0;
  let checked = 0;
  const done = async (brokenAt?: AuditChainReport['brokenAt']): Promise<AuditChainReport> => {
    const unsealed = await db
      .selectFrom('audit_events')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .where('seq', 'is', null)
      .executeTakeFirstOrThrow();
    return { ok: !brokenAt, checked, unsealed: Number(unsealed.n), head: { seq, hash: prev }, ...(brokenAt ? { brokenAt } : {}) };
  };
  for (;;) {
    const rows = await db
      .selectFrom('audit_events')
      .selectAll()
      .where('seq', '>', seq)
      .orderBy('seq')
      .limit(batchSize)
      .execute();
    if (rows.length === 0) return done();
    for (const r of rows) {
      const id = Number(r.id);
      if (r.prev_hash !== prev) return done({ id, reason: 'prev_hash_mismatch' });
      if (auditEventHash(prev, hashedEventOfRow(r)) !== r.hash) return done({ id, reason: 'hash_mismatch' });
      if (Number(r.seq) !== seq + 1) return done({ id, reason: 'sequence_gap' });
      prev = r.hash;
      seq += 1;
      checked += 1;
    }
  }
}
