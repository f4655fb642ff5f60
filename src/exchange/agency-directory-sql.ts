/**
 * AgencyDirectory over the registry's `agencies` table (001-core): axis, delivery mode, webhook
 * and HMAC secret are columns there.
 */
import type { Kysely } from 'kysely';
import type { Tables } from '../registry/tables';
import type { AgencyDirectory, ExchangeAgency } from './ports';

/** Reads agencies from the registry. */
export function createSqlAgencyDirectory(db: Kysely<Tables>): AgencyDirectory {
  return {
    async findAgency(code) {
      const row = await db
        .selectFrom('agencies')
        .select(['code', 'name', 'axis', 'delivery_mode', 'webhook_url', 'hmac_secret'])
        .where('code', '=', code)
        .executeTakeFirst();
      if (!row) return null;
      const delivery: ExchangeAgency['delivery'] =
        row.delivery_mode === 'push' && row.webhook_url
          ? { mode: 'push', webhookUrl: row.webhook_url, hmacSecret: row.hmac_secret ?? '' }
          : { mode: 'pull' };
      return { code: row.code, name: row.name, axis: row.axis, delivery };
    },
  };
}
