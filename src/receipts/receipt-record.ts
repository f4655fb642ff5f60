/**
 * The registry row of a newly issued receipt, twice: as inserted (the receipt JSON as text) and
 * as it reads back (the JSON parsed), so that issuing answers without reading its rows back.
 */
import type { Insertable } from 'kysely';
import { hashAccessToken } from '../documents/document-ids';
import type { PreparedIssue } from './issue-batch';
import type { Receipt } from './receipt-model';
import type { ReceiptsTable } from './receipt-tables';
import type { IssuedRow } from './receipts-deps';

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
