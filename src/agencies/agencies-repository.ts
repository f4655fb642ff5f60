/**
 * Reads of the agency directory over the registry. Writes go through {@link createAgency}, which
 * audits them.
 */
import type { Kysely } from 'kysely';
import { AppError } from '../errors';
import type { Tables } from '../registry/tables';
import { agencyFromRow, type Agency } from './agency';

/** One agency, or null. */
export async function findAgency(db: Kysely<Tables>, code: string): Promise<Agency | null> {
  const row = await db.selectFrom('agencies').selectAll().where('code', '=', code).executeTakeFirst();
  return row ? agencyFromRow(row) : null;
}

/** One agency, or AGENCY_NOT_FOUND. */
export async function getAgency(db: Kysely<Tables>, code: string): Promise<Agency> {
  const a = await findAgency(db, code);
  if (!a) throw new AppError('AGENCY_NOT_FOUND', `No agency with code ${code} is registered.`, { code });
  return a;
}

/** Every agency, ordered by code; `parentCode` filters to the children of one agency. */
export async function listAgencies(db: Kysely<Tables>, filter: { parentCode?: string } = {}): Promise<Agency[]> {
  let q = db.selectFrom('agencies').selectAll().orderBy('code');
  if (filter.parentCode) q = q.where('parent_code', '=', filter.parentCode);
  return (await q.execute()).map(agencyFromRow);
}
