/**
 * The registry row of a newly issued receipt, twice: as inserted (the receipt JSON as text) and
 * as it reads back (the JSON parsed), so that issuing answers without reading its rows back; and
 * the one-statement claim-and-insert of a batch.
 */
import { sql, type Insertable, type Kysely } from 'kysely';
import { hashAccessToken } from '../documents/document-ids';
import { AppError } from '../errors';
import type { Tables } from '../registry/tables';
import type { PreparedIssue } from './issue-batch';
import type { Receipt } from './receipt-model';
import type { ReceiptsTable } from './receipt-tables';
import type { IssuedRow } from './receipts-deps';
import { MAX_RECEIPT_NUMBER, type SeriesKey } from './series';

/** A numbered, signed, stored receipt ready to be inserted. */
export interface RecordedReceipt {
  insert: Insertable<ReceiptsTable>;
  row: IssuedRow;
}

/** The files of a receipt in the store. */
export interface ReceiptFiles {
  xmlFileName: string;
  xmlSha256: string;
  pdfSha256: string;
}

export function recordOf(receipt: Receipt, job: PreparedIssue, files: ReceiptFiles): RecordedReceipt {
  const data = JSON.stringify({ receipt, lookupToken: job.token, xmlFileName: files.xmlFileName });
  const row: IssuedRow = {
    id: receipt.id,
    collector_tax_code: receipt.collector.taxCode,
    template_symbol: receipt.templateSymbol,
    symbol: receipt.symbol,
    number: receipt.number,
    idempotency_key: job.idempotencyKey,
    request_sha256: job.fingerprint,
    agency_code: receipt.agencyCode,
    dossier_code: receipt.dossierCode ?? null,
    issued_at: receipt.issuedAt,
    total: receipt.total,
    payment_method: receipt.paymentMethod,
    kind: job.kind,
    original_id: job.originalId ?? null,
    status: 'issued',
    replaced_by: null,
    data: JSON.parse(data) as Record<string, unknown>, // what jsonb gives back (dates as ISO strings)
    xml_sha256: files.xmlSha256,
    pdf_sha256: files.pdfSha256,
    access_token_hash: hashAccessToken(job.token),
    created_by: job.actor,
  };
  return { insert: { ...row, total: receipt.total, data }, row };
}

/** The columns issuing writes (created_at is the database's default). */
const COLUMNS = [
  'id', 'collector_tax_code', 'template_symbol', 'symbol', 'number', 'idempotency_key', 'request_sha256', 'agency_code', 'dossier_code',
  'issued_at', 'total', 'payment_method', 'kind', 'original_id', 'status', 'replaced_by', 'data', 'xml_sha256', 'pdf_sha256',
  'access_token_hash', 'created_by',
] as const satisfies readonly (keyof IssuedRow)[];

/**
 * Claims `first`..`first + n - 1` of `series` (compare-and-set, as claimReceiptNumbers) and
 * inserts the n receipts in ONE statement, so one round trip instead of four (begin, claim,
 * insert, commit): a statement is atomic, so the numbers are taken together with their rows or
 * not at all (Decree 123 Art. 32.2.c), and nothing is inserted when the claim fails. False when
 * another issuer numbered in between. For a series that already has a row (first > 1).
 */
export async function insertClaimed(db: Kysely<Tables>, series: SeriesKey, first: number, records: RecordedReceipt[]): Promise<boolean> {
  if (first < 2 || first + records.length - 1 > MAX_RECEIPT_NUMBER) throw new AppError('INTERNAL', 'A one-statement claim needs an existing series with room.');
  const rows = JSON.stringify(records.map((r) => r.row)); // jsonb_populate_recordset maps each key to its column's type
  const columns = sql.join(COLUMNS.map((c) => sql.ref(c)));
  const inserted = await sql<{ id: string }>`
    with claim as (
      update receipt_series set next_number = ${first + records.length}
       where collector_tax_code = ${series.collectorTaxCode} and template_symbol = ${series.templateSymbol}
         and symbol = ${series.symbol} and next_number = ${first}
      returning next_number)
    insert into receipts (${columns})
    select ${columns} from jsonb_populate_recordset(null::receipts, ${rows}::jsonb)
     where exists (select 1 from claim)
    returning id`.execute(db);
  if (inserted.rows.length === records.length) return true;
  if (inserted.rows.length === 0) return false;
  throw new AppError('INTERNAL', `Only ${inserted.rows.length} of ${records.length} receipts were recorded.`);
}
