/**
 * What text extraction needs from a PDF font (ISO 32000-1 §9.10): how shown bytes split into
 * character codes (the CMap's codespace ranges, §9.7.6.2), the Unicode text of each code (the
 * /ToUnicode CMap, §9.10.3) and its advance width (/W for CID fonts §9.7.4.3, /Widths for simple
 * fonts §9.6.2). Built on our reader; fonts without ToUnicode fall back to Latin-1 codes.
 */
import { asArray, asInt, asName, asNumber, PdfDict, PdfDocument, PdfObject, PdfStream } from '../pdf';

/** One decoded character code. */
export interface ShownCode {
  code: number;
  bytes: number;
  text: string;
  /** Advance width in thousandths of text space. */
  width: number;
}

/** A font able to decode the strings shown with it. */
export interface TextFont {
  decode(bytes: Uint8Array): ShownCode[];
}

interface CMapData {
  ranges: { bytes: number; lo: number; hi: number }[];
  map: Map<number, string>;
  /** bfrange entries with a base destination, kept as ranges (a 0000-FFFF range is common). */
  spans: { lo: number; hi: number; prefix: string; last: number }[];
}

/** The Unicode text of `code`, or undefined when the CMap does not map it. */
function lookup(cmap: CMapData, code: number): string | undefined {
  const hit = cmap.map.get(code);
  if (hit !== undefined) return hit;
  const s = cmap.spans.find((r) => code >= r.lo && code <= r.hi);
  if (!s) return undefined;
  const text = utf16(s.prefix + (s.last + code - s.lo).toString(16).padStart(4, '0'));
  cmap.map.set(code, text);
  return text;
}

/** Decodes UTF-16BE given as hex (padded on the left to whole code units). */
function utf16(hex: string): string {
  const padded = hex.length % 4 ? hex.padStart(Math.ceil(hex.length / 4) * 4, '0') : hex;
  const b = Buffer.from(padded, 'hex');
  b.swap16();
  return b.toString('utf16le');
}

/** Parses a ToUnicode CMap program (bfchar, bfrange, codespacerange). */
export function parseToUnicode(text: string): CMapData {
  const ranges: CMapData['ranges'] = [];
  const map = new Map<number, string>();
  const spans: CMapData['spans'] = [];
  for (const m of text.matchAll(/begincodespacerange([\s\S]*?)endcodespacerange/g)) {
    for (const r of m[1].matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>/g)) {
      ranges.push({ bytes: r[1].length / 2, lo: parseInt(r[1], 16), hi: parseInt(r[2], 16) });
    }
  }
  for (const m of text.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)) {
    for (const r of m[1].matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]*)>/g)) map.set(parseInt(r[1], 16), utf16(r[2]));
  }
  for (const m of text.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
    for (const r of m[1].matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*(<[0-9a-fA-F]*>|\[[^\]]*\])/g)) {
      const lo = parseInt(r[1], 16), hi = parseInt(r[2], 16);
      if (hi - lo > 0xffff) continue;
      if (r[3].startsWith('[')) {
        [...r[3].matchAll(/<([0-9a-fA-F]*)>/g)].forEach((d, k) => map.set(lo + k, utf16(d[1])));
      } else {
        const base = r[3].slice(1, -1);
        spans.push({ lo, hi, prefix: base.slice(0, -4), last: parseInt(base.slice(-4) || '0', 16) });
      }
    }
  }
  return { ranges, map, spans };
}

function cidWidths(doc: PdfDocument, w: PdfObject): Map<number, number> {
  const out = new Map<number, number>();
  const arr = asArray(doc.resolve(w)) ?? [];
  for (let i = 0; i < arr.length; ) {
    const first = asInt(doc.resolve(arr[i]));
    const next = doc.resolve(arr[i + 1]);
    if (first === undefined) break;
    if (Array.isArray(next)) {
      next.forEach((v, k) => out.set(first + k, asNumber(doc.resolve(v)) ?? 0));
      i += 2;
    } else {
      const last = asInt(next) ?? first;
      const width = asNumber(doc.resolve(arr[i + 2])) ?? 0;
      for (let c = first; c <= last && c - first < 0x10000; c++) out.set(c, width);
      i += 3;
    }
  }
  return out;
}

const perDocument = new WeakMap<PdfDocument, WeakMap<PdfDict, TextFont>>();

/** Builds a {@link TextFont} from a font dictionary read with our reader (cached per document). */
export function textFontOf(doc: PdfDocument, font: PdfDict): TextFont {
  let fonts = perDocument.get(doc);
  if (!fonts) perDocument.set(doc, (fonts = new WeakMap()));
  let f = fonts.get(font);
  if (!f) fonts.set(font, (f = buildTextFont(doc, font)));
  return f;
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
    width = (c) => ws.get(c) ?? dw; // Identity CMaps: code = CID
  } else {
    const first = asInt(doc.resolve(font.get('FirstChar'))) ?? 0;
    const ws = (asArray(doc.resolve(font.get('Widths'))) ?? []).map((v) => asNumber(doc.resolve(v)) ?? 0);
    width = (c) => ws[c - first] ?? 500;
  }
  const ranges = cmap?.ranges.length ? cmap.ranges : [{ bytes: type0 ? 2 : 1, lo: 0, hi: type0 ? 0xffff : 0xff }];
  // each code is decoded once: the shown codes are shared, immutable values
  const known = new Map<number, ShownCode>();
  const shown = (code: number, taken: number): ShownCode => {
    const key = code * 4 + taken;
    let g = known.get(key);
    if (!g) {
      const text = cmap ? lookup(cmap, code) ?? '' : String.fromCharCode(code);
      g = Object.freeze({ code, bytes: taken, text: text.normalize('NFC'), width: width(code) });
      known.set(key, g);
    }
    return g;
  };
  // one codespace range covering every code of one length (Identity-H, simple fonts): no search
  const whole = ranges.length === 1 && ranges[0].lo === 0 && ranges[0].hi === 256 ** ranges[0].bytes - 1 ? ranges[0].bytes : 0;
  return {
    decode(bytes) {
      const out: ShownCode[] = [];
      if (whole === 2 || whole === 1) {
        const end = bytes.length - (bytes.length % whole);
        for (let i = 0; i < end; i += whole) out.push(shown(whole === 2 ? (bytes[i] << 8) | bytes[i + 1] : bytes[i], whole));
        if (end < bytes.length) out.push(shown(bytes[end], whole));
        return out;
      }
      for (let i = 0; i < bytes.length; ) {
        let taken = 0, code = 0;
        for (let n = 1; n <= 4 && !taken && i + n <= bytes.length; n++) {
          code = (code << 8) | bytes[i + n - 1];
          if (ranges.some((r) => r.bytes === n && code >= r.lo && code <= r.hi)) taken = n;
        }
        if (!taken) { taken = ranges[0].bytes; code = 0; for (let n = 0; n < taken && i + n < bytes.length; n++) code = (code << 8) | bytes[i + n]; }
        out.push(shown(code, taken));
        i += taken;
      }
      return out;
    },
  };
}
