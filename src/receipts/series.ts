/**
 * Receipt symbols and gapless numbering (Circular 32/2025 Appendix II.B; Decree 123 Art. 32.2.c).
 * Template symbol EBL01/EBL02, receipt symbol = 2-digit year + "T" (an e-document the organisation
 * registered with the tax authority), number 1..9 999 999 restarting each 1 January per
 * (collector MST, template, symbol). The number is taken with a row lock in the caller's
 * transaction, the same one that inserts the receipt: a failed issue rolls the number back.
 * Two ways to take numbers, both gapless: under the lock first ({@link allocateReceiptNumbers}), or
 * optimistically ({@link peekNextReceiptNumber} without a lock, then {@link claimReceiptNumbers}
 * in the inserting transaction, which succeeds only if nobody numbered in between).
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import { AppError } from '../errors';
import type { Tables } from '../registry/tables';
import type { TemplateSymbol } from './receipt-tables';

/** Receipt numbers have at most 7 digits (Decree 123 Art. 32.2.c). */
export const MAX_RECEIPT_NUMBER = 9_999_999;

/** The uniqueness key of a numbering series. */
export interface SeriesKey {
  collectorTaxCode: string;
  templateSymbol: TemplateSymbol;
  symbol: string;
}

/** Vietnam has no daylight saving: local time is always UTC+07:00 (QĐ 1271 dates are GMT+7). */
const VIETNAM_OFFSET_MS = 7 * 3600 * 1000;

/** The year in Vietnam at `at` (a receipt issued at 23:30 UTC on 31 Dec belongs to the next year). */
export function vietnamYear(at: Date): number {
  return new Date(at.getTime() + VIETNAM_OFFSET_MS).getUTCFullYear();
}

/**
 * The receipt symbol for an issue time: last two digits of the year of issue + "T"
 * (Circular 32/2025 Appendix II.B: `25T`). "T" marks an e-document registered by the
 * organisation; printed receipts use "T"/"P" after a dash and two series letters instead.
 */
export function receiptSymbolFor(at: Date): string {
  return `${String(vietnamYear(at) % 100).padStart(2, '0')}T`;
}

/** EBL01 when the receipt has no face value, EBL02 when it has one (Circular 32/2025 II.B). */
export function templateSymbolFor(hasFaceValue: boolean): TemplateSymbol {
  return hasFaceValue ? 'EBL02' : 'EBL01';
}

/** The number as printed: 7 digits with leading zeros (printed receipts start at 0000001). */
export function formatReceiptNumber(n: number): string {
  return String(n).padStart(7, '0');
}

/** Refuses keys that do not follow the formats above. */
export function assertSeriesKey(key: SeriesKey): void {
  if (!/^\d{10}(-\d{3})?$/.test(key.collectorTaxCode)) {
    throw new AppError('RECEIPT_INVALID', 'A collector tax code (MST) is 10 digits, or 10-3.', {
      collectorTaxCode: key.collectorTaxCode,
    });
  }
  if (key.templateSymbol !== 'EBL01' && key.templateSymbol !== 'EBL02') {
    throw new AppError('RECEIPT_INVALID', 'The template symbol of an e-receipt is EBL01 or EBL02.');
  }
  if (!/^\d{2}T$/.test(key.symbol)) {
    throw new AppError('RECEIPT_INVALID', 'The receipt symbol is two digits of the year and T.', {
      symbol: key.symbol,
    });
  }
}

/**
 * Takes the next number of a series inside `trx`:
 *
 *   insert ... on conflict do nothing;                      -- a new year starts at 1
 *   update receipt_series set next_number = next_number + 1
 *    where key and next_number <= 9999999 returning next_number - 1;  -- row lock until commit
 *
 * Concurrent issuers on the same series wait on the row lock, so numbers come out 1, 2, 3...
 * and a rollback returns the number. Throws RECEIPT_SERIES_EXHAUSTED after 9 999 999.
 */
export async function allocateReceiptNumber(trx: Transaction<Tables>, key: SeriesKey): Promise<number> {
  return allocateReceiptNumbers(trx, key, 1);
}

/**
 * Takes the next `count` consecutive numbers in one statement (a batch of receipts committed
 * together, group commit): returns the first. All or none: RECEIPT_SERIES_EXHAUSTED when fewer
 * than `count` numbers remain.
 */
export async function allocateReceiptNumbers(trx: Transaction<Tables>, key: SeriesKey, count: number): Promise<number> {
  assertSeriesKey(key);
  if (!Number.isInteger(count) || count < 1) throw new AppError('INTERNAL', 'A number allocation takes at least one number.');
  await trx
    .insertInto('receipt_series')
    .values({
      collector_tax_code: key.collectorTaxCode,
      template_symbol: key.templateSymbol,
      symbol: key.symbol,
    })
    .onConflict((oc) => oc.columns(['collector_tax_code', 'template_symbol', 'symbol']).doNothing())
    .execute();
  const row = await trx
    .updateTable('receipt_series')
    .set((eb) => ({ next_number: eb('next_number', '+', count) }))
    .where('collector_tax_code', '=', key.collectorTaxCode)
    .where('template_symbol', '=', key.templateSymbol)
    .where('symbol', '=', key.symbol)
    .where('next_number', '<=', MAX_RECEIPT_NUMBER + 1 - count)
    .returning(sql<number>`next_number - ${sql.lit(count)}`.as('number'))
    .executeTakeFirst();
  if (!row) {
    throw new AppError('RECEIPT_SERIES_EXHAUSTED', count === 1 ? 'The series has used all 9 999 999 numbers.' : `The series has fewer than ${count} of its 9 999 999 numbers left.`, {
      ...key,
    });
  }
  return Number(row.number);
}

/**
 * The next free number of a series as last committed, without a lock (1 for a series not yet
 * used). Only a guess: {@link claimReceiptNumbers} checks it in the transaction that inserts.
 */
export async function peekNextReceiptNumber(db: Kysely<Tables>, key: SeriesKey): Promise<number> {
  assertSeriesKey(key);
  const row = await db
    .selectFrom('receipt_series')
    .select('next_number')
    .where('collector_tax_code', '=', key.collectorTaxCode)
    .where('template_symbol', '=', key.templateSymbol)
    .where('symbol', '=', key.symbol)
    .executeTakeFirst();
  return row ? Number(row.next_number) : 1;
}

/**
 * Takes the numbers `first`..`first + count - 1` inside `trx` if they are still the next ones
 * (compare-and-set on next_number, one statement that also takes the row lock until commit);
 * false when another issuer numbered in between or fewer than `count` numbers remain. Numbers are
 * taken in the transaction that inserts their receipts, so gapless as with
 * {@link allocateReceiptNumbers} (Decree 123 Art. 32.2.c).
 */
export async function claimReceiptNumbers(trx: Transaction<Tables>, key: SeriesKey, first: number, count: number): Promise<boolean> {
  assertSeriesKey(key);
  if (!Number.isInteger(first) || first < 1 || !Number.isInteger(count) || count < 1) {
    throw new AppError('INTERNAL', 'A number claim takes at least one number from 1.');
  }
  if (first + count - 1 > MAX_RECEIPT_NUMBER) return false;
  const next = first + count;
  const row =
    first === 1
      ? // a series nobody used yet has no row: create it already advanced, or advance it if it is still at 1
        await trx
          .insertInto('receipt_series')
          .values({ collector_tax_code: key.collectorTaxCode, template_symbol: key.templateSymbol, symbol: key.symbol, next_number: next })
          .onConflict((oc) => oc.columns(['collector_tax_code', 'template_symbol', 'symbol']).doUpdateSet({ next_number: next }).where('receipt_series.next_number', '=', 1))
          .returning('next_number')
          .executeTakeFirst()
      : await trx
          .updateTable('receipt_series')
          .set({ next_number: next })
          .where('collector_tax_code', '=', key.collectorTaxCode)
          .where('template_symbol', '=', key.templateSymbol)
          .where('symbol', '=', key.symbol)
          .where('next_number', '=', first)
          .returning('next_number')
          .executeTakeFirst();
  return row !== undefined;
}
