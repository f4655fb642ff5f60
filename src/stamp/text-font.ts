/**
 * What text extraction needs from a PDF font (ISO 32000-1 §9.10): how shown bytes split into
 * character codes (the CMap's codespace ranges, §9.7.6.2), the Unicode text of each code (the
 * /ToUnicode CMap, §9.10.3) and its advance width (/W for CID fonts §9.7.4.3, /Widths for simple
 * fonts §9.6.2). Built on our reader; fonts without ToUnicode fall back to Latin-1 codes.
 */
import { asArray, asInt, asName, asNumber, PdfDict, PdfDocument, PdfObject, PdfStream } from '../pdf';
import { lookup, parseToUnicode } from './to-unicode-cmap';

export { parseToUnicode, type CMapData } from './to-unicode-cmap';

/** One decoded character code. */
export interface ShownCode {
  readonly code: number;
  readonly bytes: number;
  readonly text: string;
  /** Advance width in thousandths of text space. */
  readonly width: number;
}

/** A font able to decode the strings shown with it. */
export interface TextFont {
  /**
   * Writes the codes of the string bytes[from, to) into `out` from index 0 and returns how many
   * there are. `out` is the caller's scratch, reused for every string shown (anchor search shows
   * thousands), and the codes are values shared by every glyph of the code: read them, never
   * change them.
   */
  decode(bytes: Uint8Array, from: number, to: number, out: ShownCode[]): number;
}

/**
 * The /W array of a CIDFont (§9.7.4.3) as its entries in order, `c [w1 w2 …]` and
 * `cfirst clast w`; a width is looked up once per code (the caller caches codes), the last entry
 * naming the code winning as before, and a `0 65535 w` entry costs one entry, not 65536.
 */
function cidWidths(doc: PdfDocument, w: PdfObject): (cid: number) => number | undefined {
  const first: number[] = [], last: number[] = [], widths: (number[] | number)[] = [];
  const arr = asArray(doc.resolve(w)) ?? [];
  for (let i = 0; i < arr.length; ) {
    const f = asInt(doc.resolve(arr[i]));
    const next = doc.resolve(arr[i + 1]);
    if (f === undefined) break;
    first.push(f);
    if (Array.isArray(next)) {
      last.push(f + next.length - 1);
      widths.push(next.map((v) => asNumber(doc.resolve(v)) ?? 0));
      i += 2;
    } else {
      last.push(Math.min(asInt(next) ?? f, f + 0xffff));
      widths.push(asNumber(doc.resolve(arr[i + 2])) ?? 0);
      i += 3;
    }
  }
  return (cid) => {
    for (let k = first.length - 1; k >= 0; k--) {
      if (cid < first[k] || cid > last[k]) continue;
      const wk = widths[k];
      return typeof wk === 'number' ? wk : wk[cid - first[k]];
    }
    return undefined;
  };
}

/**
 * text.normalize('NFC'), skipped for one UTF-16 unit below U+0300 (Latin-1, Latin Extended-A and
 * B, IPA): none of them has a canonical decomposition or composes alone (UAX #15, checked
 * exhaustively in the unit test), and most mapped codes are such letters.
 */
export const nfc = (text: string) => (text.length === 1 && text.charCodeAt(0) < 0x300 ? text : text.normalize('NFC'));

/**
 * Builds a {@link TextFont} from a font dictionary read with our reader. Not cached here: the
 * caller keeps its fonts for as long as it reads the document. (A cache per document in a
 * WeakMap kept whole documents alive through young-generation collections, the fonts' closures
 * holding the document that keys them, and copying them cost more than building the fonts.)
 */
export function textFontOf(doc: PdfDocument, font: PdfDict): TextFont {
  return buildTextFont(doc, font);
}

function buildTextFont(doc: PdfDocument, font: PdfDict): TextFont {
  const type0 = asName(doc.resolve(font.get('Subtype'))) === 'Type0';
  const tu = doc.resolve(font.get('ToUnicode'));
  const cmap = tu instanceof PdfStream ? parseToUnicode(doc.decodeStream(tu).toString('latin1')) : undefined;
  let width: (code: number) => number;
  if (type0) {
    const desc = doc.resolve((asArray(doc.resolve(font.get('DescendantFonts'))) ?? [])[0]);
    const d = desc instanceof PdfDict ? desc : new PdfDict();
    const dw = asNumber(doc.resolve(d.get('DW'))) ?? 1000;
    const ws = cidWidths(doc, d.get('W') ?? null);
    width = (c) => ws(c) ?? dw; // Identity CMaps: code = CID
  } else {
    const first = asInt(doc.resolve(font.get('FirstChar'))) ?? 0;
    const ws = (asArray(doc.resolve(font.get('Widths'))) ?? []).map((v) => asNumber(doc.resolve(v)) ?? 0);
    width = (c) => ws[c - first] ?? 500;
  }
  const ranges = cmap?.ranges.length ? cmap.ranges : [{ bytes: type0 ? 2 : 1, lo: 0, hi: type0 ? 0xffff : 0xff }];
  // each code is decoded once: the shown codes are shared values, found by the code's high and
  // low bytes in 256-entry pages (a Map lookup per glyph showed in profiles), by a Map beyond 16 bits
  const pages: (ShownCode[] | undefined)[][] = [[], [], [], [], []];
  const wide = new Map<number, ShownCode>();
  const make = (code: number, taken: number): ShownCode => {
    const text = cmap ? lookup(cmap, code) ?? '' : String.fromCharCode(code);
    return { code, bytes: taken, text: nfc(text), width: width(code) };
  };
  const shown = (code: number, taken: number): ShownCode => {
    if (code > 0xffff) {
      const key = code * 4 + taken;
      let g = wide.get(key);
      if (!g) wide.set(key, (g = make(code, taken)));
      return g;
    }
    const byHigh = pages[taken];
    const page = byHigh[code >> 8] ?? (byHigh[code >> 8] = []);
    return page[code & 0xff] ?? (page[code & 0xff] = make(code, taken));
  };
  // one codespace range covering every code of one length (Identity-H, simple fonts): no search
  const whole = ranges.length === 1 && ranges[0].lo === 0 && ranges[0].hi === 256 ** ranges[0].bytes - 1 ? ranges[0].bytes : 0;
  return {
    decode(bytes, from, to, out) {
      let n = 0;
      if (whole === 2) {
        const end = to - ((to - from) & 1);
        const two = pages[2];
        for (let i = from; i < end; i += 2) {
          // the page lookup written out: a call per glyph showed in profiles
          const code = (bytes[i] << 8) | bytes[i + 1];
          const known = two[code >> 8]?.[code & 0xff];
          out[n++] = known ?? shown(code, 2);
        }
        if (end < to) out[n++] = shown(bytes[end], 2);
        return n;
      }
      if (whole === 1) {
        for (let i = from; i < to; i++) out[n++] = shown(bytes[i], 1);
        return n;
      }
      for (let i = from; i < to; ) {
        let taken = 0, code = 0;
        for (let k = 1; k <= 4 && !taken && i + k <= to; k++) {
          code = (code << 8) | bytes[i + k - 1];
          if (ranges.some((r) => r.bytes === k && code >= r.lo && code <= r.hi)) taken = k;
        }
        if (!taken) { taken = ranges[0].bytes; code = 0; for (let k = 0; k < taken && i + k < to; k++) code = (code << 8) | bytes[i + k]; }
        out[n++] = shown(code, taken);
        i += taken;
      }
      return n;
    },
  };
}
