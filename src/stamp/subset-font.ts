/**
 * One font subset per face and per process, covering printable ASCII, every Vietnamese letter
 * (TCVN 6909:2001 precomposed forms) and the punctuation official documents use, so that every
 * appearance can draw its text without subsetting a font per document. The TrueType subset and its
 * ToUnicode CMap (ISO 32000-1 §9.10.3, keeps the text searchable) are compressed once; each
 * signature writes them as five ready objects of a Type0/CIDFontType2 font with Identity-H
 * encoding (§9.7.4, §9.7.5.2), in which a character code is the subset's glyph id.
 */
import fontkit from '@pdf-lib/fontkit';
import { deflateSync } from 'node:zlib';
import { AppError } from '../errors';
import { IncrementalWriter, name, PdfDict, PdfObject, PdfReal, PdfRef, PdfStream, PdfString } from '../pdf';

const TONES = ['', '\u0300', '\u0301', '\u0309', '\u0303', '\u0323'];
const VOWELS = 'aăâeêioôơuưy';

/** Every character the cached subsets hold: ASCII, Vietnamese letters, common punctuation. */
export const STAMP_CHARSET: string = (() => {
  let s = '';
  for (let c = 0x20; c < 0x7f; c++) s += String.fromCharCode(c);
  for (const v of VOWELS + VOWELS.toUpperCase()) for (const t of TONES) s += (v + t).normalize('NFC');
  s += 'đĐ–—‘’“”…«»°·•₫×§\u00a0';
  return [...new Set(s)].join('');
})();

/** A glyph of the subset: its character code (= subset glyph id) and advance in 1/1000 em. */
interface SubsetGlyph { cid: number; width: number }

/** A face subset, ready to measure, encode and write text. */
export interface SubsetFont {
  /** `/BaseFont`, with the six-letter subset tag (§9.6.4). */
  readonly baseFont: string;
  /** Characters of `text` (NFC) the subset lacks; empty when it can draw the text. */
  missing(text: string): string[];
  /** Advance width of `text` at `size` points. */
  widthOf(text: string, size: number): number;
  /** The hex digits of `text` as 2-byte character codes (for `<…> Tj`). */
  encode(text: string): string;
  /** Adds the font's objects to the update; returns the Type0 font dictionary's reference. */
  write(w: IncrementalWriter): PdfRef;
}

const num = (v: number): PdfObject => (Number.isInteger(v) ? v : new PdfReal(Math.round(v * 1000) / 1000));

function toUnicodeCMap(glyphs: Map<string, SubsetGlyph>): Buffer {
  const entries = [...glyphs].map(([ch, g]) => {
    const u = Buffer.from(ch, 'utf16le').swap16().toString('hex');
    return `<${g.cid.toString(16).padStart(4, '0')}> <${u}>`;
  });
  const blocks: string[] = [];
  for (let i = 0; i < entries.length; i += 100) {
    const part = entries.slice(i, i + 100);
    blocks.push(`${part.length} beginbfchar\n${part.join('\n')}\nendbfchar`);
  }
  return Buffer.from(
    '/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n' +
      '/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n' +
      '/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n' +
      '1 begincodespacerange\n<0000> <ffff>\nendcodespacerange\n' +
      `${blocks.join('\n')}\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n`,
    'latin1',
  );
}

function encodeSubset(subset: { encodeStream(): NodeJS.ReadableStream }): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    subset
      .encodeStream()
      .on('data', (b: Uint8Array) => parts.push(Buffer.from(b)))
      .on('end', () => resolve(Buffer.concat(parts)))
      .on('error', reject);
  });
}

/**
 * Subsets the TrueType face `bytes` to {@link STAMP_CHARSET} (characters the face lacks are left
 * out) under the subset tag `tag` (six upper-case letters). Throws CONFIG_INVALID when the bytes
 * are not a TrueType font.
 */
export async function buildSubsetFont(bytes: Uint8Array, tag: string): Promise<SubsetFont> {
  let font: ReturnType<typeof fontkit.create>;
  try {
    font = fontkit.create(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (e) {
    throw new AppError('CONFIG_INVALID', 'The appearance font is not a readable TrueType font', { reason: String(e) });
  }
  const scale = 1000 / font.unitsPerEm;
  const subset = font.createSubset();
  const glyphs = new Map<string, SubsetGlyph>();
  for (const ch of STAMP_CHARSET) {
    const cp = ch.codePointAt(0) as number;
    if (!font.hasGlyphForCodePoint(cp)) continue;
    const g = font.glyphForCodePoint(cp);
    glyphs.set(ch, { cid: subset.includeGlyph(g), width: Math.round(g.advanceWidth * scale) });
  }
  const fontFile = deflateSync(await encodeSubset(subset as unknown as { encodeStream(): NodeJS.ReadableStream }));
  const toUnicode = deflateSync(toUnicodeCMap(glyphs));
  const baseFont = `${tag}+${(font.postscriptName || 'Font').replace(/[^\x21-\x7e]|[()<>[\]{}/%#]/g, '')}`;
  const widths: number[] = [];
  for (const g of glyphs.values()) widths[g.cid] = g.width;
  const w: PdfObject[] = [1, [...widths.slice(1)].map((v) => v ?? 0)];
  const { minX, minY, maxX, maxY } = font.bbox;
  const descriptorBase = {
    Type: name('FontDescriptor'),
    FontName: name(baseFont),
    Flags: 34, // serif, nonsymbolic (§9.8.2)
    FontBBox: [minX, minY, maxX, maxY].map((v) => num(v * scale)),
    ItalicAngle: num(font.italicAngle),
    Ascent: num(font.ascent * scale),
    Descent: num(font.descent * scale),
    CapHeight: num((font.capHeight || font.ascent) * scale),
    StemV: 80,
  };

  const codes = (text: string): SubsetGlyph[] =>
    [...text.normalize('NFC')].map((ch) => {
      const g = glyphs.get(ch);
      if (!g) throw new AppError('STAMP_SPEC_INVALID', `The appearance font cannot draw the character "${ch}"`, { character: ch });
      return g;
    });

  return {
    baseFont,
    missing: (text) => [...new Set([...text.normalize('NFC')].filter((ch) => !glyphs.has(ch)))],
    widthOf: (text, size) => (codes(text).reduce((s, g) => s + g.width, 0) * size) / 1000,
    encode: (text) => codes(text).map((g) => g.cid.toString(16).padStart(4, '0')).join(''),
    write(wr) {
      const file = wr.add(new PdfStream(PdfDict.from({ Filter: name('FlateDecode') }), fontFile));
      const descriptor = wr.add(PdfDict.from({ ...descriptorBase, FontFile2: file }));
      const cidFont = wr.add(
        PdfDict.from({
          Type: name('Font'),
          Subtype: name('CIDFontType2'),
          BaseFont: name(baseFont),
          CIDSystemInfo: PdfDict.from({ Registry: PdfString.fromText('Adobe'), Ordering: PdfString.fromText('Identity'), Supplement: 0 }),
          FontDescriptor: descriptor,
          W: w,
          CIDToGIDMap: name('Identity'),
        }),
      );
      const cmap = wr.add(new PdfStream(PdfDict.from({ Filter: name('FlateDecode') }), toUnicode));
      return wr.add(
        PdfDict.from({
          Type: name('Font'),
          Subtype: name('Type0'),
          BaseFont: name(baseFont),
          Encoding: name('Identity-H'),
          DescendantFonts: [cidFont],
          ToUnicode: cmap,
        }),
      );
    },
  };
}
