/**
 * What the receipts use cases need (ports, built once in the composition root) and the shape
 * they answer with.
 */
import type { Kysely, Selectable } from 'kysely';
import type { KeyHandle } from '../keys/key-handle';
import type { Tables } from '../registry/tables';
import type { StampFonts } from '../stamp/appearance-spec';
import type { DocumentStore } from '../storage/document-store';
import type { ReceiptsTable } from './receipt-tables';
import { formatReceiptNumber } from './series';

/** The ports of the receipts area. */
export interface ReceiptsDeps {
  db: Kysely<Tables>;
  store: DocumentStore;
  /** The collecting agency's organisation key (the organisation signs receipts, not a person). */
  organisationKey(agencyCode: string): Promise<KeyHandle>;
  /** Tinos regular and bold (Vietnamese glyphs). */
  fonts: StampFonts;
  /** Base of the lookup URLs printed in QR codes. */
  publicBaseUrl: string;
  /** Clock. @defaultValue () => new Date() */
  now?: () => Date;
}

/** A receipt as the API, the CLI and the reports show it. */
export interface IssuedReceipt {
  id: string;
  templateSymbol: string;
  symbol: string;
  number: number;
  /** The number as printed, 7 digits. */
  numberText: string;
  issuedAt: string;
  agencyCode: string;
  dossierCode: string | null;
  total: number;
  paymentMethod: string;
  kind: ReceiptsTable['kind'];
  status: ReceiptsTable['status'];
  originalId: string | null;
  replacedBy: string | null;
  xmlSha256: string;
  pdfSha256: string;
  lookupUrl: string;
}

/** The lookup page URL printed in the QR (domain notes §5.3: id + unguessable token). */
export function receiptLookupUrl(publicBaseUrl: string, id: string, token: string): string {
  return `${publicBaseUrl.replace(/\/+$/, '')}/r/${encodeURIComponent(id)}?t=${encodeURIComponent(token)}`;
}

/** Row → API shape. `lookupUrl` is rebuilt from the token kept in the row's data. */
export function toIssuedReceipt(row: IssuedRow, publicBaseUrl: string): IssuedReceipt {
  const data = row.data as { lookupToken?: string };
  return {
    id: row.id,
    templateSymbol: row.template_symbol,
    symbol: row.symbol,
    number: Number(row.number),
    numberText: formatReceiptNumber(Number(row.number)),
    issuedAt: new Date(row.issued_at).toISOString(),
    agencyCode: row.agency_code,
    dossierCode: row.dossier_code,
    total: Number(row.total),
    paymentMethod: row.payment_method,
    kind: row.kind,
    status: row.status,
    originalId: row.original_id,
    replacedBy: row.replaced_by,
    xmlSha256: row.xml_sha256,
    pdfSha256: row.pdf_sha256,
    lookupUrl: receiptLookupUrl(publicBaseUrl, row.id, data.lookupToken ?? ''),
  };
}

/** A receipts row as read. */
export type ReceiptRow = Selectable<ReceiptsTable>;

/** A receipts row as issuing knows it without reading it back (created_at is the database's). */
export type IssuedRow = Omit<ReceiptRow, 'created_at'>;
