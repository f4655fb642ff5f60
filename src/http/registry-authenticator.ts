/**
 * Authenticator over the registry's `api_keys` (hashes only). Lookups are cached for a short
 * TTL so that a busy client does not cost a query per request; a revoked key therefore stops
 * working within `cacheTtlMs`. Unknown keys are not cached (junk keys cannot fill the cache).
 * Chain it after the admin key: `adminAuthenticator(config.ADMIN_API_KEY, registryAuthenticator(db))`.
 */
import type { Kysely } from 'kysely';
import type { Tables } from '../registry/tables';
import { hashApiKey } from '../agencies/api-keys';
import type { Authenticator, Principal } from './auth';

/** Options. */
export interface RegistryAuthenticatorOptions {
  /** How long a resolved key is trusted without asking the database. @defaultValue 5000 */
  cacheTtlMs?: number;
  /** Most keys kept in the cache. @defaultValue 10000 */
  maxEntries?: number;
  /** Clock, for tests. @defaultValue Date.now */
  now?: () => number;
}

/** Resolves agency keys (agency principal) and operator keys with no agency (admin principal). */
export function registryAuthenticator(db: Kysely<Tables>, opts: RegistryAuthenticatorOptions = {}): Authenticator {
  const ttl = opts.cacheTtlMs ?? 5000;
  const max = opts.maxEntries ?? 10_000;
  const now = opts.now ?? Date.now;
  const cache = new Map<string, { principal: Principal; until: number }>();
  return {
    async authenticate(token: string): Promise<Principal | null> {
      const hash = hashApiKey(token);
      const hit = cache.get(hash);
      const t = now();
      if (hit && hit.until > t) return hit.principal;
      const row = await db
        .selectFrom('api_keys')
        .select(['id', 'agency_code'])
        .where('key_hash', '=', hash)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      if (!row) {
        cache.delete(hash);
        return null;
      }
      const principal: Principal = row.agency_code ? { kind: 'agency', agencyCode: row.agency_code, keyId: row.id } : { kind: 'admin' };
      if (cache.size >= max) cache.clear();
      cache.set(hash, { principal, until: t + ttl });
      return principal;
    },
  };
}
