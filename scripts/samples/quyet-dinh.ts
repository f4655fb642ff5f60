/**
 * The sample Quyết định: one A4 page in the Decree 30/2020 Appendix I layout (Part I.I: A4
 * portrait, margins top 20 mm / left 30 mm / right 15 mm, Times New Roman, national motto 12-13
 * bold, motto line 13 bold underlined, "Số" 13, place and date 13 italic, body 13-14 justified
 * with a 1.27 cm first-line indent, signer block 13 bold, "Nơi nhận" 12 bold italic, list 11).
 * The signature area under "CHỦ TỊCH" is left empty: signatures are drawn when signing.
 */
import { PDFDocument, PDFPage } from 'pdf-lib';
import { centred, embedFaces, Faces, mm, paragraph, rule } from './typeset';

/** A4 in points. */
export const A4: [number, number] = [595.28, 841.89];

const LEFT = mm(30);
const RIGHT = A4[0] - mm(15);
const TEXT_W = RIGHT - LEFT;

/** Header: issuing body (left), national motto (right), number and date. Returns the next baseline. */
function header(page: PDFPage, f: Faces, top: number): number {
  const lcx = LEFT + mm(35);
  const rcx = RIGHT - mm(56);
  centred(page, 'ỦY BAN NHÂN DÂN', lcx, top, f.bold, 13);
  centred(page, 'HUYỆN CẦN GIUỘC', lcx, top - 15, f.bold, 13);
  rule(page, lcx, top - 21, 45);
  centred(page, 'Số: 125/QĐ-UBND', lcx, top - 40, f.regular, 13);

  centred(page, 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', rcx, top, f.bold, 12);
  const w = centred(page, 'Độc lập - Tự do - Hạnh phúc', rcx, top - 15, f.bold, 13);
  rule(page, rcx, top - 20.5, w);
  centred(page, 'Cần Giuộc, ngày 20 tháng 11 năm 2026', rcx, top - 40, f.italic, 13);
  return top - 78;
}

/** Body: title, legal bases, decision articles. Returns the next baseline. */
function body(page: PDFPage, f: Faces, y: number): number {
  centred(page, 'QUYẾT ĐỊNH', A4[0] / 2 + mm(7.5), y, f.bold, 14);
  centred(page, 'Về việc cấp giấy phép xây dựng', A4[0] / 2 + mm(7.5), y - 17, f.bold, 14);
  rule(page, A4[0] / 2 + mm(7.5), y - 23, 60);
  y -= 46;
  centred(page, 'CHỦ TỊCH ỦY BAN NHÂN DÂN HUYỆN CẦN GIUỘC', A4[0] / 2 + mm(7.5), y, f.bold, 14);
  y -= 26;
  const p = (runs: Parameters<typeof paragraph>[1], gap = 6) => {
    y = paragraph(page, runs, y, { x: LEFT, width: TEXT_W, size: 13, leading: 16 }) - gap;
  };
  p([{ text: 'Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015; Luật sửa đổi, bổ sung một số điều của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương ngày 22 tháng 11 năm 2019;', font: f.italic }]);
  p([{ text: 'Căn cứ Luật Xây dựng ngày 18 tháng 6 năm 2014; Luật sửa đổi, bổ sung một số điều của Luật Xây dựng ngày 17 tháng 6 năm 2020;', font: f.italic }]);
  p([{ text: 'Căn cứ Nghị định số 15/2021/NĐ-CP ngày 03 tháng 3 năm 2021 của Chính phủ quy định chi tiết một số nội dung về quản lý dự án đầu tư xây dựng;', font: f.italic }]);
  p([{ text: 'Xét đề nghị của Trưởng phòng Kinh tế và Hạ tầng huyện tại Tờ trình số 318/TTr-KTHT ngày 15 tháng 11 năm 2026.', font: f.italic }], 10);
  centred(page, 'QUYẾT ĐỊNH:', A4[0] / 2 + mm(7.5), y, f.bold, 14);
  y -= 22;
  p([
    { text: 'Điều 1.', font: f.bold },
    { text: 'Cấp giấy phép xây dựng nhà ở riêng lẻ cho ông Trần Văn Bình, số định danh cá nhân 080090001234, thường trú tại ấp Tân Hòa, xã Phước Lý, huyện Cần Giuộc, tỉnh Long An; công trình xây dựng trên thửa đất số 412, tờ bản đồ số 7, diện tích xây dựng 96 m², tổng diện tích sàn 288 m², chiều cao 11,5 m, 3 tầng.', font: f.regular },
  ]);
  p([
    { text: 'Điều 2.', font: f.bold },
    { text: 'Chủ đầu tư có trách nhiệm thực hiện đúng nội dung giấy phép được cấp, thông báo khởi công cho Ủy ban nhân dân xã Phước Lý trước 07 ngày và chịu sự kiểm tra của cơ quan có thẩm quyền. Quyết định này có hiệu lực kể từ ngày ký.', font: f.regular },
  ]);
  p([
    { text: 'Điều 3.', font: f.bold },
    { text: 'Chánh Văn phòng Hội đồng nhân dân và Ủy ban nhân dân huyện, Trưởng phòng Kinh tế và Hạ tầng, Chủ tịch Ủy ban nhân dân xã Phước Lý và ông Trần Văn Bình chịu trách nhiệm thi hành Quyết định này./.', font: f.regular },
  ]);
  return y;
}

/** Recipients (left) and the signer block (right) with an empty signature area. */
function footer(page: PDFPage, f: Faces, y: number): void {
  const top = y - 10;
  page.drawText('Nơi nhận:', { x: LEFT, y: top, font: f.boldItalic, size: 12 });
  ['- Như Điều 3;', '- UBND tỉnh Long An (b/c);', '- CT, các PCT UBND huyện;', '- Lưu: VT, KTHT.'].forEach((t, i) =>
    page.drawText(t, { x: LEFT, y: top - 14 - i * 13, font: f.regular, size: 11 }),
  );
  const cx = RIGHT - mm(40);
  centred(page, 'TM. ỦY BAN NHÂN DÂN', cx, top, f.bold, 13);
  centred(page, 'CHỦ TỊCH', cx, top - 16, f.bold, 13);
  // about 30 mm left empty for the personal signature image and the seal
  centred(page, 'Nguyễn Văn An', cx, top - 16 - mm(32), f.bold, 13);
}

/** Builds the one-page Quyết định (classic xref table, no object streams). */
export async function makeQuyetDinh(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.setTitle('Quyết định 125/QĐ-UBND về việc cấp giấy phép xây dựng');
  doc.setAuthor('Ủy ban nhân dân huyện Cần Giuộc');
  doc.setCreator('kyso scripts/make-samples.ts');
  doc.setProducer('pdf-lib');
  doc.setLanguage('vi-VN');
  const fixed = new Date('2026-11-20T08:00:00+07:00');
  doc.setCreationDate(fixed);
  doc.setModificationDate(fixed);
  const f = await embedFaces(doc);
  const page = doc.addPage(A4);
  const y = body(page, f, header(page, f, A4[1] - mm(20) - 12));
  footer(page, f, y);
  return doc.save({ useObjectStreams: false });
}
