/**
 * The receipt as issued: the one typed shape that is rendered as XML (receipt-xml.ts), as PDF
 * (receipt-pdf.ts), as JSON (API, CLI) and as the lookup page. Fields follow Circular 32/2025
 * Appendix III "Mẫu tham khảo số 6" (domain notes §2.3).
 */
import type { FeeKind, ReceiptKind, TemplateSymbol } from './receipt-tables';

/** Payment methods shown under "Hình thức thanh toán". */
export type PaymentMethod = 'cash' | 'transfer' | 'card' | 'qr';

/** Vietnamese labels of the payment methods. */
export const PAYMENT_METHOD_LABELS: Record<PaymentMethod, string> = {
  cash: 'Tiền mặt',
  transfer: 'Chuyển khoản',
  card: 'Thẻ',
  qr: 'QR',
};

/** Vietnamese labels of phí / lệ phí. */
export const FEE_KIND_LABELS: Record<FeeKind, string> = { phi: 'Phí', le_phi: 'Lệ phí' };

/** The collecting organisation ("Tổ chức thu"). */
export interface Collector {
  name: string;
  /** Mã số thuế, 10 digits or 10-3. */
  taxCode: string;
  address: string;
  phone?: string;
  bankAccount?: string;
  bankName?: string;
}

/** The payer ("Người nộp"). Both CCCD and tax code are kept (domain notes §2.3, assumption). */
export interface Payer {
  name: string;
  taxCode?: string;
  /** Số định danh cá nhân (CCCD), 12 digits. */
  personalId?: string;
  address?: string;
  bankAccount?: string;
}

/** One fee or charge collected. `amount = quantity × unitPrice`, whole đồng. */
export interface ReceiptItem {
  procedureCode?: string;
  procedureName?: string;
  feeCode?: string;
  name: string;
  kind: FeeKind;
  quantity: number;
  unitPrice: number;
  amount: number;
}

/** The receipt a correction refers to (Decree 123 Art. 19 "Thay thế / Điều chỉnh cho …"). */
export interface RelatedReceipt {
  kind: Exclude<ReceiptKind, 'original'>;
  templateSymbol: TemplateSymbol;
  symbol: string;
  number: number;
  issuedAt: Date;
  reason: string;
}

/** A numbered receipt, ready to be rendered and signed. */
export interface Receipt {
  id: string;
  /** The name of the receipt (Decree 123 Art. 30.1.b). */
  title: string;
  templateSymbol: TemplateSymbol;
  symbol: string;
  number: number;
  issuedAt: Date;
  agencyCode: string;
  dossierCode?: string;
  collector: Collector;
  payer: Payer;
  items: ReceiptItem[];
  total: number;
  totalInWords: string;
  paymentMethod: PaymentMethod;
  related?: RelatedReceipt;
}

/** The names of receipts (Decree 123 Art. 30.1.b): EBL01 has no face value, EBL02 has one. */
export function receiptTitleFor(template: TemplateSymbol): string {
  return template === 'EBL02'
    ? 'Biên lai thu phí, lệ phí in sẵn mệnh giá'
    : 'Biên lai thu phí, lệ phí không in sẵn mệnh giá';
}
