/**
 * API keys for agencies (issue 5 item 1: "API keys scoped to the agency"). A key is 32 random
 * bytes in base64url, shown once; the registry keeps only its SHA-256, so a database leak does
 * not leak usable keys. SHA-256 without salt is enough here: the keys carry 256 bits of entropy.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Tables } from '../registry/tables';
import { appendAuditEvent } from '../audit/audit-log';

/** A fresh API key (43 base64url characters). */
export function newApiKey(): string {
  return randomBytes(32).toString('base64url');
}

/** The stored form of a key: lowercase hex SHA-256. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** A newly issued key: `key` is returned once and never stored. */
export interface IssuedApiKey {
  id: string;
  key: string;
  agencyCode: string | null;
  label: string;
}

/**
 * Issues a key for an agency (or an operator key when `agencyCode` is null) and audits it.
 * Pass a transaction to make it atomic with the agency's creation.
 */
export async function issueApiKey(
  db: Kysely<Tables>,
  input: { agencyCode: string | null; label: string; actor: string },
): Promise<IssuedApiKey> {
  const key = newApiKey();
  const id = `key_${randomBytes(9).toString('base64url')}`;
  await db.insertInto('api_keys').values({ id, agency_code: input.agencyCode, key_hash: hashApiKey(key), label: input.label, revoked_at: null }).execute();
  await appendAuditEvent(db, {
    actor: input.actor,
    action: 'api_key.issue',
    subjectType: 'api_key',
    subjectId: id,
    details: { agencyCode: input.agencyCode, label: input.label },
  });
  return { id, key, agencyCode: input.agencyCode, label: input.label };
}

/** Revokes a key; true when it was active. Authenticators forget it within their cache TTL. */
export async function revokeApiKey(db: Kysely<Tables>, input: { id: string; actor: string }): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const r = await trx.updateTable('api_keys').set({ revoked_at: new Date() }).where('id', '=', input.id).where('revoked_at', 'is', null).executeTakeFirst();
    const changed = Number(r.numUpdatedRows) > 0;
    if (changed) await appendAuditEvent(trx, { actor: input.actor, action: 'api_key.revoke', subjectType: 'api_key', subjectId: input.id });
    return changed;
  });
}
