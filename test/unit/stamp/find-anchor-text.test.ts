import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isAppError } from '../../../src/errors';
import { openPdf, PdfDict, PdfName } from '../../../src/pdf';
import { lexContent, Operand } from '../../../src/stamp/content-lexer';
import { findAnchorText, placeGlyphs } from '../../../src/stamp/find-anchor-text';
import { nfc, parseToUnicode, ShownCode, TextFont, textFontOf } from '../../../src/stamp/text-font';

const samples = join(__dirname, '..', '..', '..', 'samples');
const qd = () => openPdf(readFileSync(join(samples, 'quyet-dinh.pdf')));

describe('findAnchorText', () => {
  it('when the anchor is the signer title, then the standalone signer-block line wins over the heading containing it', () => {
    const m = findAnchorText(qd(), 'CHỦ TỊCH');
    expect(m.chunkText).toBe('CHỦ TỊCH');
    expect(m.page).toBe(0);
    // the signer block is in the right half and below the body
    expect(m.box.x).toBeGreaterThan(595 / 2);
    expect(m.box.y).toBeLessThan(300);
    // the signature rectangle is centred under the anchor
    expect(m.signatureRect.x + m.signatureRect.width / 2).toBeCloseTo(m.box.x + m.box.width / 2, 3);
    expect(m.signatureRect.y + m.signatureRect.height).toBeLessThan(m.box.y);
  });

  it('when two chunks share a baseline, then they stay apart ("Nơi nhận:" is not glued to "TM. ỦY BAN NHÂN DÂN")', () => {
    const m = findAnchorText(qd(), 'TM. ỦY BAN NHÂN DÂN');
    expect(m.chunkText).toBe('TM. ỦY BAN NHÂN DÂN');
    expect(findAnchorText(qd(), 'Nơi nhận:').box.x).toBeLessThan(100);
  });

  it('when the anchor is on a later page of a dossier, then that page is reported', () => {
    const m = findAnchorText(openPdf(readFileSync(join(samples, 'ho-so-nhieu-trang.pdf'))), 'MỤC LỤC');
    expect(m.page).toBe(1);
  });

  it('when the file uses object streams, then the anchor is still found', () => {
    expect(findAnchorText(openPdf(readFileSync(join(samples, 'xref-stream.pdf'))), 'GIÁM ĐỐC').chunkText).toBe('GIÁM ĐỐC');
  });

  it('when the text is absent, then PDF_ANCHOR_NOT_FOUND', () => {
    let err: unknown;
    try { findAnchorText(qd(), 'PHÓ CHỦ TỊCH THƯỜNG TRỰC'); } catch (e) { err = e; }
    expect(isAppError(err, 'PDF_ANCHOR_NOT_FOUND')).toBe(true);
  });
});

describe('content text interpretation', () => {
  const latin: TextFont = {
    decode: (b, from, to, out) => {
      for (let k = from; k < to; k++) out[k - from] = { code: b[k], bytes: 1, text: String.fromCharCode(b[k]), width: 500 };
      return to - from;
    },
  };

  it('when strings use escapes and TJ kerning, then the text and positions follow the operators', () => {
    const content = Buffer.from('BT /F1 10 Tf 1 0 0 1 100 700 Tm (A\\102\\(C\\)) Tj [(D) -2000 (E)] TJ ET', 'latin1');
    const g = placeGlyphs(content, new Map([['F1', latin]]));
    expect(g.map((x) => x.text).join('')).toBe('AB(C)DE');
    expect(g[0].x).toBe(100);
    expect(g[1].x).toBe(105);
    // -2000 thousandths at size 10 moves 20 units right
    expect(g[6].x - (g[5].x + g[5].w)).toBeCloseTo(20, 6);
  });

  it('when an inline image holds operator-like bytes, then they are not read as operators', () => {
    const ops: string[] = [];
    lexContent(Buffer.from('q BI /W 2 /H 1 /BPC 8 /CS /G ID \x00Tj(Tj EI Q', 'latin1'), (op: string, _a: Operand[]) => ops.push(op));
    expect(ops).toEqual(['q', 'BI', 'Q']);
  });

  it('when a ToUnicode CMap uses bfrange arrays and bases, then codes map to Vietnamese text', () => {
    const cmap = parseToUnicode('1 begincodespacerange <0000> <FFFF> endcodespacerange 2 beginbfrange <0001> <0002> [<1EE6> <0110>] <0010> <0012> <0041> endbfrange');
    expect(cmap.map.get(1)).toBe('Ủ');
    expect(cmap.map.get(2)).toBe('Đ');
    expect(cmap.spans[0]).toMatchObject({ lo: 0x10, hi: 0x12 });
    expect(cmap.ranges[0].bytes).toBe(2);
  });

  it('when a page shows more glyphs than its first estimate, then the glyph list grows and keeps positions', () => {
    const g = placeGlyphs(Buffer.from(`BT /F1 10 Tf (${'x'.repeat(300)}) Tj ET`, 'latin1'), new Map([['F1', latin]]));
    expect(g).toHaveLength(300);
    expect(g[299].x).toBeCloseTo(299 * 5, 9);
  });

  it('when a TJ operand is not an array (malformed), then it shows nothing instead of failing', () => {
    expect(placeGlyphs(Buffer.from('BT /F1 10 Tf 5 TJ /N TJ (ab) TJ ET', 'latin1'), new Map([['F1', latin]]))).toEqual([]);
  });

  it('when a CID font has /W entries, then the last entry naming a code gives its width and a 0-65535 range is one entry', () => {
    const doc = qd();
    const desc = PdfDict.from({ DW: 700, W: [0, 65535, 400, 3, [600, 650], 4, 4, 900] });
    const font = textFontOf(doc, PdfDict.from({ Subtype: PdfName.of('Type0'), DescendantFonts: [desc] }));
    const out: ShownCode[] = [];
    const n = font.decode(Uint8Array.from([0, 3, 0, 4, 0, 9, 1]), 0, 7, out);
    expect(out.slice(0, n).map((c) => [c.code, c.width])).toEqual([[3, 600], [4, 900], [9, 400], [1, 400]]);
  });
});

describe('text normalisation shortcuts', () => {
  it('when a mapped text is one unit below U+0300, then NFC leaves it unchanged (what nfc() skips)', () => {
    for (let c = 0; c < 0x300; c++) expect(String.fromCharCode(c).normalize('NFC')).toBe(String.fromCharCode(c));
    expect(nfc('e\u0301')).toBe('\u00e9');
  });

  it('when text is upper-cased, then toUpperCase() equals toLocaleUpperCase("vi") for every code point (no Vietnamese special casing)', () => {
    const differ: number[] = [];
    for (let c = 0; c < 0x110000; c++) {
      if (c >= 0xd800 && c < 0xe000) continue;
      const s = String.fromCodePoint(c);
      if (s.toUpperCase() !== s.toLocaleUpperCase('vi')) differ.push(c);
    }
    expect(differ).toEqual([]);
    expect('chủ tịch ủy ban'.toUpperCase()).toBe('chủ tịch ủy ban'.toLocaleUpperCase('vi'));
  });
});
