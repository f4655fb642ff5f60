/**
 * The receipts area's registry tables (migration 002-receipts), added to the registry's `Tables`
 * by declaration merging so that the registry module never imports the receipts area.
 */
import type { ColumnType, Generated } from 'kysely';
import type { Timestamp } from '../registry/tables';

/** Circular 32/2025 Appendix II.B: EBL01 = no face value, EBL02 = face value. */
export type TemplateSymbol = 'EBL01' | 'EBL02';

/** Phí (fee) or lệ phí (charge): the Law on Fees and Charges 2015 keeps them apart. */
export type FeeKind = 'phi' | 'le_phi';

/** Original, adjustments (VNPT Type 2/3/4: increase, decrease, information) and replacement. */
export type ReceiptKind =
  | 'original'
  | 'adjust_increase'
  | 'adjust_decrease'
  | 'adjust_information'
  | 'replacement';

/** issued; adjusted (at least one adjustment references it); replaced (final). */
export type ReceiptStatus = 'issued' | 'adjusted' | 'replaced';

/** fee_procedures: the administrative procedures an agency collects for. */
export interface FeeProceduresTable {
  agency_code: string;
  code: string;
  name: string;
  created_at: Generated<Date>;
}

/** fees: the fees and charges of a procedure, amounts in whole đồng. */
export interface FeesTable {
  agency_code: string;
  procedure_code: string;
  code: string;
  name: string;
  kind: FeeKind;
  amount: ColumnType<number | string, number, number>;
  legal_basis: string | null;
  created_at: Generated<Date>;
}

/** receipt_series: the next number per (collector MST, template, symbol); the row lock serialises. */
export interface ReceiptSeriesTable {
  collector_tax_code: string;
  template_symbol: TemplateSymbol;
  symbol: string;
  next_number: Generated<number>;
  created_at: Generated<Date>;
}

/** receipts: one row per issued receipt; the original row is never edited except its status. */
export interface ReceiptsTable {
  id: string;
  collector_tax_code: string;
  template_symbol: TemplateSymbol;
  symbol: string;
  number: number;
  idempotency_key: string;
  request_sha256: string;
  agency_code: string;
  dossier_code: string | null;
  issued_at: Timestamp;
  total: ColumnType<number | string, number, number>;
  payment_method: string;
  kind: ReceiptKind;
  original_id: string | null;
  status: ReceiptStatus;
  replaced_by: string | null;
  /** The receipt as issued (collector, payer, items...), JSON. */
  data: ColumnType<Record<string, unknown>, string, string>;
  xml_sha256: string;
  pdf_sha256: string;
  access_token_hash: string;
  created_by: string;
  created_at: Generated<Date>;
}

/** receipt_notices: the 04/SS-CTĐT-style record kept for every adjustment or replacement. */
export interface ReceiptNoticesTable {
  id: string;
  receipt_id: string;
  new_receipt_id: string;
  kind: ReceiptKind;
  reason: string;
  created_at: Generated<Date>;
}

/** payment_requests: a VietQR request for a dossier; confirming it issues the receipt. */
export interface PaymentRequestsTable {
  id: string;
  agency_code: string;
  total: ColumnType<number | string, number, number>;
  vietqr: string;
  request: ColumnType<Record<string, unknown>, string, string>;
  status: 'pending' | 'paid';
  receipt_id: string | null;
  created_at: Generated<Date>;
  paid_at: Date | null;
}

declare module '../registry/tables' {
  interface Tables {
    fee_procedures: FeeProceduresTable;
    fees: FeesTable;
    receipt_series: ReceiptSeriesTable;
    receipts: ReceiptsTable;
    receipt_notices: ReceiptNoticesTable;
    payment_requests: PaymentRequestsTable;
  }
}
