/**
 * AgencyDirectory over the registry's `agencies` table (001-core): axis, delivery mode, webhook
 * and HMAC secret are columns there. Lookups are cached briefly (the directory changes rarely and
 * every send and every delivery asks), like the registry authenticator's key cache.
 */
import type { Kysely, Selectable } from 'kysely';
import type { AgenciesTable, Tables } from '../registry/tables';
import type { AgencyDirectory, ExchangeAgency } from './ports';

/** Options of {@link createSqlAgencyDirectory}. */
export interface SqlAgencyDirectoryOptions {
  /** How long a found agency is remembered, ms; 0 disables the cache. @defaultValue 5000 */
  cacheTtlMs?: number;
}

type Row = Pick<Selectable<AgenciesTable>, 'code' | 'name' | 'axis' | 'delivery_mode' | 'webhook_url' | 'hmac_secret'>;

function toAgency(row: Row): ExchangeAgency {
  const delivery: ExchangeAgency['delivery'] =
    row.delivery_mode === 'push' && row.webhook_url
      ? { mode: 'push', webhookUrl: row.webhook_url, hmacSecret: row.hmac_secret ?? '' }
      : { mode: 'pull' };
  return { code: row.code, name: row.name, axis: row.axis, delivery };
}

/** Reads agencies from the registry. */
export function createSqlAgencyDirectory(db: Kysely<Tables>, opts: SqlAgencyDirectoryOptions = {}): AgencyDirectory & { findAgencies(codes: string[]): Promise<Map<string, ExchangeAgency>> } {
  const ttl = opts.cacheTtlMs ?? 5000;
  const cache = new Map<string, { agency: ExchangeAgency; until: number }>();
  const columns = ['code', 'name', 'axis', 'delivery_mode', 'webhook_url', 'hmac_secret'] as const;

  async function findAgencies(codes: string[]): Promise<Map<string, ExchangeAgency>> {
    const now = Date.now();
    const found = new Map<string, ExchangeAgency>();
    const missing: string[] = [];
    for (const c of codes) {
      const hit = cache.get(c);
      if (hit && hit.until > now) found.set(c, hit.agency);
      else missing.push(c);
    }
    if (missing.length > 0) {
      const rows = await db.selectFrom('agencies').select(columns).where('code', 'in', missing).execute();
      for (const row of rows) {
        const agency = toAgency(row);
        found.set(row.code, agency);
        if (ttl > 0) cache.set(row.code, { agency, until: now + ttl });
      }
    }
    return found;
  }

  return {
    findAgencies,
    async findAgency(code) {
      return (await findAgencies([code])).get(code) ?? null;
    },
  };
}
