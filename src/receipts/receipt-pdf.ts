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
import type { Receipt } from './receipt-model';
import { relatedNote, vietnamDate } from './receipt-xml';
import { formatReceiptNumber } from './series';
import { A4, drawItemsTable, drawParties, drawTotals, formatDong, MARGIN } from './receipt-body';

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


/** Renders the unsigned receipt PDF. */
export async function renderReceiptPdf(input: ReceiptPdfInput): Promise<Uint8Array> {
  const { receipt } = input;
  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.registerFontkit(cachedFontkit);
  const regular = await doc.embedFont(input.fonts.regular, { subset: true });
  const bold = await doc.embedFont(input.fonts.bold, { subset: true });
  const page = doc.addPage([A4[0], A4[1]]);
  const pen = new Pen(page, regular, bold);

  header(pen, receipt);
  drawParties(pen, receipt);
  drawItemsTable(pen, receipt);
  drawTotals(pen, receipt);
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
