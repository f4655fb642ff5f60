/**
 * The receipt rendered as a Vietnamese PDF (Circular 32/2025 Appendix III, Mẫu tham khảo số 6):
 * collector, payer, items, total and total in words, payment method, template symbol / symbol /
 * number, a QR to the lookup page with the identifier in clear beside it (Decree 45/2020 Art.
 * 18.2), and the signed XML embedded as an associated file (AFRelationship /Source, in the
 * catalog's /AF and in /EmbeddedFiles: the PDF is rendered from the XML, domain notes §6).
 * The PAdES signature is applied afterwards, over these bytes. This pdf-lib rendering is the
 * fallback for text the cached subsets cannot draw; receipt-pdf-kit.ts renders everything else.
 */
import { cachedFontkit } from './cached-fontkit';
import { AFRelationship, PDFDocument, type PDFFont, type PDFPage, rgb } from 'pdf-lib';
import type { StampFonts } from '../stamp/appearance-spec';
import { qrOperators } from '../stamp/qr-vector';
import { FEE_KIND_LABELS, PAYMENT_METHOD_LABELS, type Receipt } from './receipt-model';
import { relatedNote, vietnamDate } from './receipt-xml';
import { formatReceiptNumber } from './series';
import { formatDong } from './receipt-layout';

/** What the rendering needs besides the receipt. */
export interface ReceiptPdfInput {
  receipt: Receipt;
  /** The signed receipt XML, embedded byte for byte. */
  signedXml: Buffer;
  /** File name of the embedded XML. */
  xmlFileName: string;
  /** The lookup URL the QR encodes. */
  lookupUrl: string;
  fonts: StampFonts;
}

export { formatDong };

const A4: [number, number] = [595.28, 841.89];
const MARGIN = 50;

/** Renders the unsigned receipt PDF. */
export async function renderReceiptPdf(input: ReceiptPdfInput): Promise<Uint8Array> {
  const { receipt } = input;
  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.registerFontkit(cachedFontkit);
  const regular = await doc.embedFont(input.fonts.regular, { subset: true });
  const bold = await doc.embedFont(input.fonts.bold, { subset: true });
  const page = doc.addPage(A4);
  const pen = new Pen(page, regular, bold);

  header(pen, receipt);
  parties(pen, receipt);
  itemsTable(pen, receipt);
  totals(pen, receipt);
  footer(pen, receipt, input);

  const issued = receipt.issuedAt;
  doc.setTitle(`Biên lai ${receipt.templateSymbol}-${receipt.symbol}-${formatReceiptNumber(receipt.number)}`);
  doc.setAuthor(receipt.collector.name);
  doc.setProducer('kyso');
  doc.setCreationDate(issued);
  doc.setModificationDate(issued);
  doc.setLanguage('vi-VN');
  await doc.attach(input.signedXml, input.xmlFileName, {
    mimeType: 'text/xml',
    description: 'Dữ liệu biên lai điện tử (XML đã ký số)',
    creationDate: issued,
    modificationDate: issued,
    afRelationship: AFRelationship.Source,
  });
  return doc.save({ useObjectStreams: false });
}

function header(pen: Pen, r: Receipt): void {
  pen.at(`Mẫu số: ${r.templateSymbol}`, 430, 10);
  pen.line(r.collector.name.toUpperCase(), 11, true);
  pen.at(`Ký hiệu: ${r.symbol}`, 430, 10);
  pen.line(`Mã số thuế: ${r.collector.taxCode}`, 10);
  pen.at(`Số: ${formatReceiptNumber(r.number)}`, 430, 11, true);
  pen.wrap(`Địa chỉ: ${r.collector.address}`, MARGIN, 360, 10);
  if (r.collector.phone) pen.line(`Điện thoại: ${r.collector.phone}`, 10);
  if (r.collector.bankAccount) {
    pen.line(`Số tài khoản: ${r.collector.bankAccount}${r.collector.bankName ? ` tại ${r.collector.bankName}` : ''}`, 10);
  }
  pen.newline(12);
  pen.centered('BIÊN LAI THU PHÍ, LỆ PHÍ', 16, true);
  pen.centered(`(${r.title})`, 10);
  const [y, m, d] = vietnamDate(r.issuedAt).split('-');
  pen.centered(`Ngày ${d} tháng ${m} năm ${y}`, 10);
  if (r.related) pen.centered(relatedNote(r.related), 10, true);
  pen.newline(10);
}

function parties(pen: Pen, r: Receipt): void {
  pen.line(`Tên người nộp: ${r.payer.name}`, 11, true);
  if (r.payer.taxCode) pen.line(`Mã số thuế: ${r.payer.taxCode}`, 10);
  if (r.payer.personalId) pen.line(`Số định danh cá nhân: ${r.payer.personalId}`, 10);
  if (r.payer.address) pen.wrap(`Địa chỉ: ${r.payer.address}`, MARGIN, A4[0] - 2 * MARGIN, 10);
  if (r.payer.bankAccount) pen.line(`Số tài khoản: ${r.payer.bankAccount}`, 10);
  if (r.dossierCode) pen.line(`Mã hồ sơ: ${r.dossierCode}`, 10);
  pen.newline(6);
}

const COLUMNS = [
  { title: 'STT', x: MARGIN, width: 28 },
  { title: 'Tên loại phí, lệ phí', x: MARGIN + 28, width: 245 },
  { title: 'Loại', x: MARGIN + 273, width: 45 },
  { title: 'SL', x: MARGIN + 318, width: 30 },
  { title: 'Đơn giá', x: MARGIN + 348, width: 70 },
  { title: 'Thành tiền', x: MARGIN + 418, width: 77 },
];

function itemsTable(pen: Pen, r: Receipt): void {
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

function totals(pen: Pen, r: Receipt): void {
  pen.right(`${formatDong(r.total)} đồng`, A4[0] - MARGIN, 11, true);
  pen.line('Tổng số tiền:', 11, true);
  pen.wrap(`(Viết bằng chữ): ${r.totalInWords}`, MARGIN, A4[0] - 2 * MARGIN, 11);
  pen.line(`Hình thức thanh toán: ${PAYMENT_METHOD_LABELS[r.paymentMethod]}`, 11);
  pen.newline(14);
}

function footer(pen: Pen, r: Receipt, input: ReceiptPdfInput): void {
  const top = pen.y + 10;
  const qrSize = 110;
  pen.page.pushOperators(...qrOperators(input.lookupUrl, MARGIN - 8, top - qrSize, qrSize));
  const textX = MARGIN + qrSize;
  pen.at('Tổ chức thu tiền', 400, 11, true);
  pen.at('Tra cứu biên lai:', textX, 10, true);
  pen.newline(15);
  pen.at('(Chữ ký số)', 418, 10);
  pen.at(`Mã tra cứu: ${r.id}`, textX, 10);
  pen.newline(14);
  pen.at('Quét mã QR để kiểm tra biên lai và chữ ký số.', textX, 9);
  pen.y = top - qrSize - 14;
  pen.wrap(
    `Biên lai điện tử. Dữ liệu gốc là tệp ${input.xmlFileName} đính kèm, đã ký số bởi ${r.collector.name}.`,
    MARGIN,
    A4[0] - 2 * MARGIN,
    8,
  );
}

/** A cursor that writes lines downwards from the top margin. */
class Pen {
  y = A4[1] - MARGIN;
  constructor(readonly page: PDFPage, private readonly regular: PDFFont, private readonly bold: PDFFont) {}

  /** Writes at x on the current line without moving. */
  at(text: string, x: number, size: number, isBold = false): void {
    this.page.drawText(text, { x, y: this.y, size, font: isBold ? this.bold : this.regular, color: rgb(0, 0, 0) });
  }
  right(text: string, xRight: number, size: number, isBold = false): void {
    const font = isBold ? this.bold : this.regular;
    this.page.drawText(text, { x: xRight - font.widthOfTextAtSize(text, size), y: this.y, size, font });
  }
  centered(text: string, size: number, isBold = false): void {
    const font = isBold ? this.bold : this.regular;
    this.page.drawText(text, { x: (A4[0] - font.widthOfTextAtSize(text, size)) / 2, y: this.y, size, font });
    this.y -= size + 5;
  }
  /** Writes at the left margin, then moves to the next line. */
  line(text: string, size: number, isBold = false): void {
    this.at(text, MARGIN, size, isBold);
    this.y -= size + 5;
  }
  newline(dy: number): void {
    this.y -= dy;
  }
  rule(): void {
    this.y += 6;
    this.page.drawLine({ start: { x: MARGIN, y: this.y }, end: { x: A4[0] - MARGIN, y: this.y }, thickness: 0.5 });
    this.y -= 14;
  }
  /** Writes `text` wrapped to `width` starting on the current line, leaving the cursor on its last line. */
  wrap(text: string, x: number, width: number, size: number): void {
    const words = text.split(/\s+/);
    let line = '';
    const lines: string[] = [];
    for (const w of words) {
      const next = line ? `${line} ${w}` : w;
      if (line && this.regular.widthOfTextAtSize(next, size) > width) {
        lines.push(line);
        line = w;
      } else line = next;
    }
    if (line) lines.push(line);
    lines.forEach((l, i) => {
      if (i > 0) this.y -= size + 3;
      this.page.drawText(l, { x, y: this.y, size, font: this.regular });
    });
    this.y -= size + 5;
  }
}
