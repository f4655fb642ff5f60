/**
 * The multi-page dossier (hồ sơ) sample and the xref-stream sample. The dossier has a cover, a
 * table of contents and sections with tables, page numbers centred in the top margin from page 2
 * (Decree 30/2020 Appendix I Part I.I: page 1 is not numbered). The xref-stream sample is an
 * official letter saved with a cross-reference stream and object streams (PDF 1.5), the shape many
 * modern producers emit and the reader must handle.
 */
import { PDFDocument, PDFPage, rgb } from 'pdf-lib';
import { A4 } from './quyet-dinh';
import { centred, embedFaces, Faces, mm, paragraph } from './typeset';

const LEFT = mm(30);
const RIGHT = A4[0] - mm(15);

const SECTIONS = [
  'Đơn đề nghị cấp giấy phép xây dựng',
  'Bản sao giấy chứng nhận quyền sử dụng đất',
  'Bản vẽ thiết kế mặt bằng công trình',
  'Bản vẽ mặt cắt và mặt đứng',
  'Bản vẽ móng và đấu nối hạ tầng kỹ thuật',
  'Cam kết bảo đảm an toàn công trình liền kề',
  'Biên bản kiểm tra hiện trạng',
  'Phiếu thu phí, lệ phí',
  'Ý kiến của Ủy ban nhân dân xã Phước Lý',
  'Tờ trình của phòng Kinh tế và Hạ tầng',
];

const FILLER =
  'Hồ sơ được tiếp nhận tại Bộ phận Một cửa huyện Cần Giuộc, kiểm tra đầy đủ thành phần theo quy định của thủ tục hành chính. Người nộp hồ sơ cam kết các thông tin kê khai là đúng sự thật và chịu trách nhiệm trước pháp luật về nội dung đã kê khai. Cán bộ tiếp nhận ghi nhận ý kiến, đối chiếu bản chính với bản sao và chuyển hồ sơ đến phòng chuyên môn giải quyết đúng hạn.';

function table(page: PDFPage, f: Faces, y: number, rows: string[][]): number {
  const cols = [LEFT, LEFT + 40, LEFT + 300, RIGHT];
  const h = 20;
  rows.forEach((row, r) => {
    row.forEach((cell, i) => page.drawText(cell, { x: cols[i] + 4, y: y - 14 - r * h, font: r === 0 ? f.bold : f.regular, size: 12 }));
  });
  for (let r = 0; r <= rows.length; r++) page.drawLine({ start: { x: LEFT, y: y - r * h }, end: { x: RIGHT, y: y - r * h }, thickness: 0.5 });
  for (const x of cols) page.drawLine({ start: { x, y }, end: { x, y: y - rows.length * h }, thickness: 0.5 });
  return y - rows.length * h - 20;
}

/** Builds a dossier of `pages` A4 pages (classic xref table). */
export async function makeDossier(pages = 12): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.setTitle('Hồ sơ đề nghị cấp giấy phép xây dựng - Trần Văn Bình');
  doc.setCreator('kyso scripts/make-samples.ts');
  const fixed = new Date('2026-11-15T09:00:00+07:00');
  doc.setCreationDate(fixed);
  doc.setModificationDate(fixed);
  const f = await embedFaces(doc);
  const cover = doc.addPage(A4);
  centred(cover, 'ỦY BAN NHÂN DÂN HUYỆN CẦN GIUỘC', A4[0] / 2, A4[1] - mm(30), f.bold, 13);
  centred(cover, 'BỘ PHẬN MỘT CỬA', A4[0] / 2, A4[1] - mm(30) - 16, f.bold, 13);
  centred(cover, 'HỒ SƠ ĐỀ NGHỊ CẤP GIẤY PHÉP XÂY DỰNG', A4[0] / 2, A4[1] / 2 + 40, f.bold, 18);
  centred(cover, 'Người nộp: ông Trần Văn Bình', A4[0] / 2, A4[1] / 2, f.regular, 14);
  centred(cover, 'Mã hồ sơ: 000.00.21.H43-261115-0042', A4[0] / 2, A4[1] / 2 - 20, f.regular, 14);
  centred(cover, 'Cần Giuộc, tháng 11 năm 2026', A4[0] / 2, mm(30), f.italic, 13);
  for (let n = 2; n <= pages; n++) {
    const page = doc.addPage(A4);
    centred(page, String(n), A4[0] / 2, A4[1] - mm(12), f.regular, 13);
    let y = A4[1] - mm(25);
    if (n === 2) {
      centred(page, 'MỤC LỤC', A4[0] / 2, y, f.bold, 14);
      const rows = [['STT', 'Thành phần hồ sơ', 'Trang'], ...SECTIONS.map((s, i) => [String(i + 1), s, String(i + 3)])];
      y = table(page, f, y - 20, rows);
      continue;
    }
    const title = SECTIONS[(n - 3) % SECTIONS.length];
    centred(page, title.toUpperCase(), A4[0] / 2, y, f.bold, 14);
    y -= 30;
    for (let k = 0; k < 4; k++) {
      y = paragraph(page, [{ text: FILLER, font: f.regular }], y, { x: LEFT, width: RIGHT - LEFT, size: 13, leading: 17 }) - 8;
    }
    y = table(page, f, y, [['STT', 'Nội dung', 'Ghi chú'], ['1', `Mục ${n - 2}.1 đã kiểm tra`, 'Đạt'], ['2', `Mục ${n - 2}.2 đã đối chiếu`, 'Đạt']]);
    page.drawRectangle({ x: LEFT, y: y - 120, width: RIGHT - LEFT, height: 110, borderColor: rgb(0.3, 0.3, 0.3), borderWidth: 0.5 });
    centred(page, `(Hình ${n - 2}: bản vẽ / ảnh chụp kèm theo)`, A4[0] / 2, y - 70, f.italic, 12);
  }
  return doc.save({ useObjectStreams: false });
}

/** Builds a one-page letter saved with an xref stream and object streams. */
export async function makeXrefStreamLetter(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.setTitle('Công văn 87/STTTT-BCVT');
  const fixed = new Date('2026-10-02T10:00:00+07:00');
  doc.setCreationDate(fixed);
  doc.setModificationDate(fixed);
  const f = await embedFaces(doc);
  const page = doc.addPage(A4);
  const top = A4[1] - mm(25);
  centred(page, 'UBND TỈNH LONG AN', LEFT + mm(38), top, f.regular, 12);
  centred(page, 'SỞ THÔNG TIN VÀ TRUYỀN THÔNG', LEFT + mm(38), top - 15, f.bold, 12);
  centred(page, 'Số: 87/STTTT-BCVT', LEFT + mm(38), top - 38, f.regular, 13);
  centred(page, 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', RIGHT - mm(55), top, f.bold, 12);
  centred(page, 'Độc lập - Tự do - Hạnh phúc', RIGHT - mm(55), top - 15, f.bold, 13);
  centred(page, 'Long An, ngày 02 tháng 10 năm 2026', RIGHT - mm(55), top - 38, f.italic, 13);
  let y = top - 80;
  centred(page, 'Kính gửi: Ủy ban nhân dân các huyện, thị xã, thành phố', A4[0] / 2, y, f.regular, 14);
  y -= 30;
  y = paragraph(page, [{ text: 'Thực hiện kế hoạch chuyển đổi số năm 2026, Sở Thông tin và Truyền thông đề nghị Ủy ban nhân dân các huyện, thị xã, thành phố triển khai ký số văn bản điện tử theo đúng thể thức quy định tại Nghị định số 30/2020/NĐ-CP và gửi, nhận văn bản qua trục liên thông văn bản quốc gia.', font: f.regular }], y, { x: LEFT, width: RIGHT - LEFT, size: 14, leading: 18 });
  centred(page, 'GIÁM ĐỐC', RIGHT - mm(40), y - 30, f.bold, 13);
  centred(page, 'Lê Thị Hoa', RIGHT - mm(40), y - 30 - mm(30), f.bold, 13);
  return doc.save({ useObjectStreams: true });
}
