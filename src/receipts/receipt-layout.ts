/**
 * The receipt page as content-stream operators (ISO 32000-1 §9.4 text, §8.5 paths), written
 * directly with the cached Tinos subsets (glyph ids as 2-byte codes, Identity-H): Circular
 * 32/2025 Appendix III, Mẫu tham khảo số 6 (collector, payer, items, total and total in words,
 * payment method, template symbol / symbol / number, a QR to the lookup page with the
 * identifier beside it, Decree 45/2020 Art. 18.2). Same layout as the pdf-lib rendering in
 * receipt-pdf.ts (kept for text the subsets cannot draw). `/F1` is regular, `/F2` bold.
 *
 * The page is laid out in two parts so that the series lock is held for as little as possible:
 * the body (everything that does not depend on the number or the time of issue, QR included) is
 * laid out BEFORE the number is taken; the header's symbol, number and date and the footer note
 * naming the XML file are four text runs written at the slots the body recorded.
 */
import type { SubsetFont } from '../stamp';
import { qrContent } from '../stamp/qr-vector';
import type { Receipt } from './receipt-model';
import { A4, drawItemsTable, drawParties, drawTotals, MARGIN } from './receipt-body';

export { A4, formatDong } from './receipt-body';
import { relatedNote, vietnamDate } from './receipt-xml';
import { formatReceiptNumber } from './series';

const QR_SIZE = 110;


/** A receipt before numbering: what the body may read. */
export type UnnumberedReceipt = Omit<Receipt, 'number' | 'issuedAt' | 'symbol'>;

/** What the body shows besides the receipt. */
export interface ReceiptPageText {
  receipt: UnnumberedReceipt;
  /** The lookup URL the QR encodes. */
  lookupUrl: string;
}

/** Where the number-dependent text runs go (baselines, points from the page bottom). */
export interface ReceiptSlots {
  symbolY: number;
  numberY: number;
  dateY: number;
  noteY: number;
}

/** The body's operators and the slots of the variable runs. */
export interface ReceiptLayout {
  body: string;
  slots: ReceiptSlots;
}

const f = (v: number): string => (Math.round(v * 1000) / 1000).toString();

/**
 * A face's encodings and widths by text, remembered: most runs of a page (labels, column titles,
 * the collector's lines, fee names, amounts in words) are the same on every receipt of a
 * collector, and encoding allocates per character. Widths are kept in 1/1000 em (whole numbers,
 * subset-font.ts), so `units * size / 1000` is exactly what widthOf computes. Bounded: cleared
 * when full, since per-receipt texts (payer, ids) never repeat.
 */
class MemoFont {
  private readonly hex = new Map<string, string>();
  private readonly units = new Map<string, number>();
  constructor(private readonly font: SubsetFont) {}

  encode(text: string): string {
    let h = this.hex.get(text);
    if (h === undefined) {
      h = this.font.encode(text);
      if (this.hex.size >= MEMO_LIMIT) this.hex.clear();
      this.hex.set(text, h);
    }
    return h;
  }
  /** Advance of `text` in 1/1000 em. */
  unitsOf(text: string): number {
    let u = this.units.get(text);
    if (u === undefined) {
      u = this.font.widthOf(text, 1000);
      if (this.units.size >= MEMO_LIMIT) this.units.clear();
      this.units.set(text, u);
    }
    return u;
  }
  widthOf(text: string, size: number): number {
    return (this.unitsOf(text) * size) / 1000;
  }
}

const MEMO_LIMIT = 4096;
const memos = new WeakMap<SubsetFont, MemoFont>();

function memoOf(font: SubsetFont): MemoFont {
  let memo = memos.get(font);
  if (!memo) memos.set(font, (memo = new MemoFont(font)));
  return memo;
}

/** A cursor that writes lines downwards from the top margin, collecting operators. */
class Pen {
  y = A4[1] - MARGIN;
  readonly ops: string[] = [];
  readonly slots: ReceiptSlots = { symbolY: 0, numberY: 0, dateY: 0, noteY: 0 };
  private readonly regular: MemoFont;
  private readonly bold: MemoFont;
  constructor(regular: SubsetFont, bold: SubsetFont) {
    this.regular = memoOf(regular);
    this.bold = memoOf(bold);
  }

  at(text: string, x: number, size: number, isBold = false): void {
    const font = isBold ? this.bold : this.regular;
    this.ops.push(`BT /F${isBold ? 2 : 1} ${size} Tf 1 0 0 1 ${f(x)} ${f(this.y)} Tm <${font.encode(text)}> Tj ET`);
  }
  right(text: string, xRight: number, size: number, isBold = false): void {
    this.at(text, xRight - (isBold ? this.bold : this.regular).widthOf(text, size), size, isBold);
  }
  centered(text: string, size: number, isBold = false): void {
    this.at(text, (A4[0] - (isBold ? this.bold : this.regular).widthOf(text, size)) / 2, size, isBold);
    this.y -= size + 5;
  }
  line(text: string, size: number, isBold = false): void {
    this.at(text, MARGIN, size, isBold);
    this.y -= size + 5;
  }
  newline(dy: number): void {
    this.y -= dy;
  }
  rule(): void {
    this.y += 6;
    this.ops.push(`0.5 w ${MARGIN} ${f(this.y)} m ${f(A4[0] - MARGIN)} ${f(this.y)} l S`);
    this.y -= 14;
  }
  /** Writes `text` wrapped to `width` from the current line, leaving the cursor below its last line. */
  wrap(text: string, x: number, width: number, size: number): void {
    // Advances are whole 1/1000 em per glyph (subset-font.ts), so a line's width is the sum of its
    // words' and spaces' and is kept as it grows, instead of measuring the line again for every
    // word (quadratic in the line's length; it was a tenth of the page's allocations).
    const units = (t: string) => this.regular.unitsOf(t);
    const space = units(' ');
    const lines: string[] = [];
    let line = '';
    let lineUnits = 0;
    for (const w of text.split(/\s+/)) {
      const wordUnits = units(w);
      if (line && ((lineUnits + space + wordUnits) * size) / 1000 > width) {
        lines.push(line);
        line = w;
        lineUnits = wordUnits;
      } else if (line) {
        line = `${line} ${w}`;
        lineUnits += space + wordUnits;
      } else {
        line = w;
        lineUnits = wordUnits;
      }
    }
    if (line) lines.push(line);
    lines.forEach((l, i) => {
      if (i > 0) this.y -= size + 3;
      this.at(l, x, size);
    });
    this.y -= size + 5;
  }
}

/**
 * Lays out the body (no number, no date). Throws STAMP_SPEC_INVALID when a text holds a
 * character outside the subsets (STAMP_CHARSET); the caller then falls back to pdf-lib.
 */
export function layoutReceiptBody(page: ReceiptPageText, regular: SubsetFont, bold: SubsetFont): ReceiptLayout {
  const pen = new Pen(regular, bold);
  const r = page.receipt;
  header(pen, r);
  drawParties(pen, r);
  drawItemsTable(pen, r);
  drawTotals(pen, r);
  footer(pen, page);
  return { body: pen.ops.join('\n'), slots: pen.slots };
}

/** The four number- and time-dependent runs: symbol, number, date, footer note. */
export function layoutReceiptNumber(receipt: Receipt, xmlFileName: string, slots: ReceiptSlots, regular: SubsetFont, bold: SubsetFont): string {
  const pen = new Pen(regular, bold);
  pen.y = slots.symbolY;
  pen.at(`Ký hiệu: ${receipt.symbol}`, 430, 10);
  pen.y = slots.numberY;
  pen.at(`Số: ${formatReceiptNumber(receipt.number)}`, 430, 11, true);
  pen.y = slots.dateY;
  const [y, m, d] = vietnamDate(receipt.issuedAt).split('-');
  pen.centered(`Ngày ${d} tháng ${m} năm ${y}`, 10);
  pen.y = slots.noteY;
  pen.wrap(`Biên lai điện tử. Dữ liệu gốc là tệp ${xmlFileName} đính kèm, đã ký số bởi ${receipt.collector.name}.`, MARGIN, A4[0] - 2 * MARGIN, 8);
  return pen.ops.join('\n');
}

function header(pen: Pen, r: UnnumberedReceipt): void {
  pen.at(`Mẫu số: ${r.templateSymbol}`, 430, 10);
  pen.line(r.collector.name.toUpperCase(), 11, true);
  pen.slots.symbolY = pen.y;
  pen.line(`Mã số thuế: ${r.collector.taxCode}`, 10);
  pen.slots.numberY = pen.y;
  pen.wrap(`Địa chỉ: ${r.collector.address}`, MARGIN, 360, 10);
  if (r.collector.phone) pen.line(`Điện thoại: ${r.collector.phone}`, 10);
  if (r.collector.bankAccount) {
    pen.line(`Số tài khoản: ${r.collector.bankAccount}${r.collector.bankName ? ` tại ${r.collector.bankName}` : ''}`, 10);
  }
  pen.newline(12);
  pen.centered('BIÊN LAI THU PHÍ, LỆ PHÍ', 16, true);
  pen.centered(`(${r.title})`, 10);
  pen.slots.dateY = pen.y;
  pen.newline(15);
  if (r.related) pen.centered(relatedNote(r.related), 10, true);
  pen.newline(10);
}





function footer(pen: Pen, page: ReceiptPageText): void {
  const r = page.receipt;
  const top = pen.y + 10;
  pen.ops.push(`q ${qrContent(page.lookupUrl, MARGIN - 8, top - QR_SIZE, QR_SIZE)} Q`);
  const textX = MARGIN + QR_SIZE;
  pen.at('Tổ chức thu tiền', 400, 11, true);
  pen.at('Tra cứu biên lai:', textX, 10, true);
  pen.newline(15);
  pen.at('(Chữ ký số)', 418, 10);
  pen.at(`Mã tra cứu: ${r.id}`, textX, 10);
  pen.newline(14);
  pen.at('Quét mã QR để kiểm tra biên lai và chữ ký số.', textX, 9);
  pen.slots.noteY = top - QR_SIZE - 14;
}
