/**
 * 004-audit-sealing: audit events are written without a chain position and sealed later in
 * batches (src/audit/seal-audit-events.ts), so that writers take no global lock. Adds `seq` (the
 * chain position), lets `prev_hash`/`hash` be null until sealed, and numbers the existing chain
 * in id order (the order 001's lock-taking appends chained them), so old hashes stay valid.
 */
import { sql } from 'kysely';
import type { Migration } from '../migrate';

/** Chain positions and unsealed events. */
export const migration: Migration = {
  id: '004-audit-sealing',
  async up(db) {
    await sql`alter table audit_events add column seq bigint`.execute(db);
    await sql`alter table audit_events alter column prev_hash drop not null, alter column hash drop not null`.execute(db);
    await sql`update audit_events set seq = r.n
      from (select id, row_number() over (order by id) as n from audit_events) r
      where audit_events.id = r.id`.execute(db);
    await sql`create unique index audit_seq_idx on audit_events (seq)`.execute(db);
    await sql`create index audit_unsealed_idx on audit_events (id) where seq is null`.execute(db);
    await sql`alter table audit_events add constraint audit_sealed_whole
      check ((seq is null) = (hash is null) and (seq is null) = (prev_hash is null))`.execute(db);
  },
};
