/**
 * The link of the audit chain: `hash = sha256(prev_hash || canonicalJson(event))`, the first
 * `prev_hash` being 64 zeros. The row id and the chain position are not hashed: the chain itself
 * orders the events, so deleting, reordering or editing any sealed event breaks every later link.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json';

/** The `prev_hash` of the first event. */
export const GENESIS_HASH = '0'.repeat(64);

/** The hashed content of an event. */
export interface HashedAuditEvent {
  at: Date;
  actor: string;
  action: string;
  subjectType: string;
  subjectId: string;
  details: Record<string, unknown>;
}

/** The hash of `e` chained after `prevHash` (hex). */
export function auditEventHash(prevHash: string, e: HashedAuditEvent): string {
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

/** The hashed content of a stored row (what the sealer and the verifier hash). */
export function hashedEventOfRow(r: {
  at: Date;
  actor: string;
  action: string;
  subject_type: string;
  subject_id: string;
  details: Record<string, unknown>;
}): HashedAuditEvent {
  return {
    at: new Date(r.at),
    actor: r.actor,
    action: r.action,
    subjectType: r.subject_type,
    subjectId: r.subject_id,
    details: r.details,
  };
}
