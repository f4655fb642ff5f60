/**
 * The parts of a receipt page that both renderers draw the same way (the fast cached-font page
 * and the pdf-lib fallback for characters outside the cached subset): payer, items table and
 * totals. Each renderer brings its own pen.
 */
import { FEE_KIND_LABELS, PAYMENT_METHOD_LABELS, type Receipt } from './receipt-model';

/** A4 in points. */
export const A4: readonly [number, number] = [595.28, 841.89];
/** Left and right margin in points. */
export const MARGIN = 50;

/** What a renderer's pen can do: text at a position or flowing down the page, and rules. */
export interface ReceiptPen {
  at(text: string, x: number, size: number, isBold?: boolean): void;
  right(text: string, xRight: number, size: number, isBold?: boolean): void;
  centered(text: string, size: number, isBold?: boolean): void;
  line(text: string, size: number, isBold?: boolean): void;
  newline(dy: number): void;
  rule(): void;
  wrap(text: string, x: number, width: number, size: number): void;
}

/** The fields of a receipt the body shows (the number, date and symbol are drawn elsewhere). */
export type ReceiptBodyFields = Pick<Receipt, 'payer' | 'dossierCode' | 'items' | 'total' | 'totalInWords' | 'paymentMethod'>;

/** Thousands with dots, as Vietnamese documents write amounts (83.000). */
export function formatDong(amount: number): string {
  return String(amount).replace(/\B(?=(\d{3})+(?!\d))/g, '.');
}

const COLUMNS = [
  { title: 'STT', x: MARGIN, width: 28 },
  { title: 'Tên loại phí, lệ phí', x: MARGIN + 28, width: 245 },
  { title: 'Loại', x: MARGIN + 273, width: 45 },
  { title: 'SL', x: MARGIN + 318, width: 30 },
  { title: 'Đơn giá', x: MARGIN + 348, width: 70 },
  { title: 'Thành tiền', x: MARGIN + 418, width: 77 },
];

/** The payer block. */
export function drawParties(pen: ReceiptPen, r: ReceiptBodyFields): void {
  pen.line(`Tên người nộp: ${r.payer.name}`, 11, true);
  if (r.payer.taxCode) pen.line(`Mã số thuế: ${r.payer.taxCode}`, 10);
  if (r.payer.personalId) pen.line(`Số định danh cá nhân: ${r.payer.personalId}`, 10);
  if (r.payer.address) pen.wrap(`Địa chỉ: ${r.payer.address}`, MARGIN, A4[0] - 2 * MARGIN, 10);
  if (r.payer.bankAccount) pen.line(`Số tài khoản: ${r.payer.bankAccount}`, 10);
  if (r.dossierCode) pen.line(`Mã hồ sơ: ${r.dossierCode}`, 10);
  pen.newline(6);
}

/** The items table: number, fee, kind (phí / lệ phí), quantity, unit price, amount. */
export function drawItemsTable(pen: ReceiptPen, r: ReceiptBodyFields): void {
  pen.rule();
  COLUMNS.forEach((c, i) => (i >= 3 ? pen.right(c.title, c.x + c.width - 2, 10, true) : pen.at(c.title, c.x + 2, 10, true)));
  pen.newline(10);
  pen.rule();
  r.items.forEach((item, i) => {
    const cells = [String(i + 1), '', FEE_KIND_LABELS[item.kind], String(item.quantity), formatDong(item.unitPrice), formatDong(item.amount)];
    cells.forEach((text, c) => {
      const col = COLUMNS[c]!;
      if (c === 1) return;
      if (c >= 3) pen.right(text, col.x + col.width - 2, 10);
      else pen.at(text, col.x + 2, 10);
    });
    const name = item.procedureName ? `${item.name} (${item.procedureName})` : item.name;
    pen.wrap(name, COLUMNS[1]!.x + 2, COLUMNS[1]!.width - 4, 10);
  });
  pen.rule();
}

/** The total in figures and in words (Circular 32/2025), and the payment method. */
export function drawTotals(pen: ReceiptPen, r: ReceiptBodyFields): void {
  pen.right(`${formatDong(r.total)} đồng`, A4[0] - MARGIN, 11, true);
  pen.line('Tổng số tiền:', 11, true);
  pen.wrap(`(Viết bằng chữ): ${r.totalInWords}`, MARGIN, A4[0] - 2 * MARGIN, 11);
  pen.line(`Hình thức thanh toán: ${PAYMENT_METHOD_LABELS[r.paymentMethod]}`, 11);
  pen.newline(14);
}
