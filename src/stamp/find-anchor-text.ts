/**
 * Placement by anchor text: people at a desk know "sign under CHỦ TỊCH", not coordinates. The
 * page's content is interpreted for text (ISO 32000-1 §9.4: text matrices, Tf, Tc, Tw, Tz, TL,
 * TJ; cm and q/Q for the CTM), glyphs are grouped into lines and chunks (runs without wide gaps,
 * so "Nơi nhận:" and "TM. ỦY BAN NHÂN DÂN" on one baseline stay apart), and the anchor is found
 * in them. The signature rectangle is centred under the anchor (Decree 30 App. I cell 7c sits
 * under the title line).
 */
import { AppError } from '../errors';
import { asArray, PageTree, PdfDict, PdfDocument, PdfObject, PdfRef, PdfStream } from '../pdf';
import { Rect } from './appearance-spec';
import { GlyphList, placeGlyphList } from './place-glyphs';
import { TextFont, textFontOf } from './text-font';

export { placeGlyphs } from './place-glyphs';

/**
 * The page's glyphs grouped into chunks: runs on one baseline without wide gaps. Lines are
 * found in reading order of the content (a glyph joins the previous glyph's line, else the
 * first line within 0.3 of its size), each line's glyphs are ordered by x (a stable sort), and
 * a gap over 1.2 sizes starts a chunk, one over 0.18 sizes adds a space. Chunks are index
 * ranges of `order` (glyph indices) with their text; which glyph each character comes from is
 * only worked out for a chunk that matches ({@link glyphOf}).
 */
class Chunks {
  readonly order: Int32Array;
  /** 1 at an order position when a space was inserted before that glyph. */
  readonly spaceBefore: Uint8Array;
  readonly text: string[] = [];
  readonly start: number[] = [];
  readonly end: number[] = [];

  constructor(readonly g: GlyphList) {
    const { n, y, size } = g;
    const lineOf = new Int32Array(n);
    const lineY: number[] = [];
    let last = -1;
    for (let k = 0; k < n; k++) {
      const tol = 0.3 * Math.max(1, size[k]);
      // consecutive glyphs are mostly on one line: try the previous glyph's line first
      let line = last >= 0 && Math.abs(lineY[last] - y[k]) < tol ? last : -1;
      for (let l = 0; line < 0 && l < lineY.length; l++) if (Math.abs(lineY[l] - y[k]) < tol) line = l;
      if (line < 0) { line = lineY.length; lineY.push(y[k]); }
      lineOf[k] = last = line;
    }
    // glyph indices by line (a counting sort keeps content order within a line)
    const lines = lineY.length;
    const from = new Int32Array(lines + 1);
    for (let k = 0; k < n; k++) from[lineOf[k] + 1]++;
    for (let l = 0; l < lines; l++) from[l + 1] += from[l];
    const order = (this.order = new Int32Array(n));
    const at = from.slice(0, lines);
    for (let k = 0; k < n; k++) order[at[lineOf[k]]++] = k;
    this.spaceBefore = new Uint8Array(n);
    for (let l = 0; l < lines; l++) {
      this.sortByX(from[l], from[l + 1]);
      this.cut(from[l], from[l + 1]);
    }
  }

  /** Orders order[p, q) by x like Array.prototype.sort((a, b) => a.x - b.x) did; lines are mostly in order already. */
  private sortByX(p: number, q: number): void {
    const { order, g: { x } } = this;
    let sorted = true;
    for (let k = p + 1; k < q && sorted; k++) sorted = !(x[order[k]] - x[order[k - 1]] < 0);
    if (sorted) return; // one ascending run: the sort would change nothing
    const part = Array.from(order.subarray(p, q)).sort((i, j) => x[i] - x[j]);
    order.set(part, p);
  }

  /** Cuts the ordered line order[p, q) into chunks. */
  private cut(p: number, q: number): void {
    const { order, g: { x, w, size, text: glyphText } } = this;
    let text = '', open = false, endsSpace = false, end = -Infinity;
    for (let pos = p; pos < q; pos++) {
      const k = order[pos];
      const gap = x[k] - end;
      if (!open || gap > 1.2 * size[k]) {
        if (open) this.close(text, pos);
        this.start.push(pos);
        open = true; text = ''; endsSpace = false;
      } else if (gap > 0.18 * size[k] && !endsSpace) {
        text += ' ';
        this.spaceBefore[pos] = 1;
        endsSpace = true;
      }
      const t = glyphText[k];
      if (t.length) { text += t; endsSpace = t.charCodeAt(t.length - 1) === 0x20; }
      end = x[k] + w[k];
    }
    if (open) this.close(text, q);
  }

  private close(text: string, end: number): void {
    this.text.push(text);
    this.end.push(end);
  }

  /** For chunk c, the index (within the chunk's glyphs) of the glyph each character of its text comes from. */
  glyphOf(c: number): number[] {
    const out: number[] = [];
    let count = 0;
    for (let pos = this.start[c]; pos < this.end[c]; pos++) {
      if (this.spaceBefore[pos]) out.push(count - 1);
      count++;
      for (let k = this.g.text[this.order[pos]].length; k > 0; k--) out.push(count - 1);
    }
    return out;
  }

  /** The box of chunk c's characters [at, at + length): from the first glyph's x to the last's end, the largest size, the lowest baseline. */
  box(c: number, at: number, length: number): Rect {
    const of = this.glyphOf(c);
    const first = this.start[c] + of[at];
    const last = this.start[c] + (of[Math.min(at + length, of.length) - 1] ?? this.end[c] - this.start[c] - 1);
    const { x, y, w, size } = this.g;
    let top = -Infinity, low = Infinity;
    for (let pos = first; pos <= last; pos++) {
      top = Math.max(top, size[this.order[pos]]);
      low = Math.min(low, y[this.order[pos]]);
    }
    const k0 = this.order[first], k1 = this.order[last];
    return { x: x[k0], y: low - 0.22 * top, width: x[k1] + w[k1] - x[k0], height: 1.1 * top };
  }
}

/** Where an anchor was found and where the signature goes. */
export interface AnchorMatch {
  /** 0-based page index. */
  page: number;
  /** The anchor text's box on the page. */
  box: Rect;
  /** The whole chunk the anchor was found in. */
  chunkText: string;
  /** A rectangle of the requested size centred under the anchor. */
  signatureRect: Rect;
}

/** Options of {@link findAnchorText}. @defaultValue width 160, height 64, gap 4 pt, all pages */
export interface AnchorOptions { page?: number; width?: number; height?: number; gap?: number }

/** NFC with white space runs collapsed to one space and trimmed. */
function squash(s: string): string {
  const n = s.normalize('NFC');
  // the regular expression and trim were most of the ranking's cost: only run them when they change something
  return singleSpaced(n) ? n : n.replace(/\s+/g, ' ').trim();
}

/** True when s's only white space (ECMAScript WhiteSpace and LineTerminator, what \s and trim see) is single inner U+0020. */
function singleSpaced(s: string): boolean {
  const last = s.length - 1;
  for (let k = 0; k <= last; k++) {
    const c = s.charCodeAt(k);
    if (c === 0x20) {
      if (k === 0 || k === last || s.charCodeAt(k + 1) === 0x20) return false;
    } else if (c <= 0x0d ? c >= 0x09 : c >= 0xa0 && isOtherSpace(c)) return false;
  }
  return true;
}

const isOtherSpace = (c: number) => c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 ||
  c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;

/** The page's decoded content streams, joined with a newline between them (§7.8.2). */
function pageContent(doc: PdfDocument, page: PdfDict): Uint8Array {
  const c = doc.resolve(page.get('Contents'));
  const parts = (asArray(c) ?? [c]).map((x) => doc.resolve(x)).filter((x): x is PdfStream => x instanceof PdfStream);
  if (parts.length === 1) return doc.decodeStream(parts[0]);
  return Buffer.concat(parts.flatMap((st) => [doc.decodeStream(st), NEWLINE]));
}

const NEWLINE = Buffer.from('\n');

/**
 * The page's fonts by resource name, built when a Tf first names them (`built` keeps them for
 * the other pages of the search). Generated files often give every text run its own name for
 * one of a few font objects: fonts are remembered by object number (what the document's object
 * cache is keyed by), so each name costs one lookup.
 */
function pageFonts(doc: PdfDocument, resources: PdfDict | undefined, built: Map<PdfDict, TextFont>): Pick<Map<string, TextFont>, 'get'> {
  const fontDict = doc.resolve(resources?.get('Font'));
  const dict = fontDict instanceof PdfDict ? fontDict : undefined;
  const byRef = new Map<number, TextFont | undefined>();
  const build = (o: PdfObject | undefined) => {
    const f = doc.resolve(o);
    if (!(f instanceof PdfDict)) return undefined;
    let font = built.get(f);
    if (!font) built.set(f, (font = textFontOf(doc, f)));
    return font;
  };
  return {
    get(name: string): TextFont | undefined {
      const o = dict?.get(name);
      if (!(o instanceof PdfRef)) return build(o);
      let font = byRef.get(o.num);
      if (font === undefined && !byRef.has(o.num)) byRef.set(o.num, (font = build(o)));
      return font;
    },
  };
}

/**
 * Finds `anchor` in the document's text. Best match: a chunk that is exactly the anchor, then a
 * case-sensitive substring, then a case-insensitive one; ties go to the lowest on the page and to
 * the later page (signer blocks close a document). Throws PDF_ANCHOR_NOT_FOUND when absent.
 */
export function findAnchorText(doc: PdfDocument, anchor: string, opts: AnchorOptions = {}): AnchorMatch {
  const needle = squash(anchor);
  if (!needle) throw new AppError('STAMP_SPEC_INVALID', 'The anchor text is empty');
  // toUpperCase() is toLocaleUpperCase('vi'): Unicode's SpecialCasing has no Vietnamese rules (only
  // lt, tr and az), and the locale lookup cost more than the mapping on every chunk
  const needleUpper = needle.toUpperCase();
  const tree = new PageTree(doc);
  const pages = opts.page !== undefined ? [opts.page] : [...Array(tree.count).keys()];
  let best: { rank: number; page: number; box: Rect; chunk: string } | undefined;
  const fonts = new Map<PdfDict, TextFont>();
  for (const p of pages) {
    const info = tree.page(p);
    const content = pageContent(doc, info.dict);
    const chunks = new Chunks(placeGlyphList(content, pageFonts(doc, info.resources, fonts)));
    for (let c = 0; c < chunks.text.length; c++) {
      const text = chunks.text[c];
      let rank = 0, at = -1;
      // squash() only shortens: a chunk shorter than the needle is neither equal nor containing
      if (text.length >= needle.length && (text === needle || squash(text) === needle)) { rank = 3; at = text.indexOf(text.trim()); }
      else if ((at = text.indexOf(needle)) >= 0) rank = 2;
      // a case-insensitive match cannot beat a better one already found
      else if ((!best || best.rank < 2) && (at = text.toUpperCase().indexOf(needleUpper)) >= 0) rank = 1;
      if (!rank) continue;
      const box = chunks.box(c, at, needle.length);
      if (!best || rank > best.rank || (rank === best.rank && (p > best.page || (p === best.page && box.y < best.box.y)))) {
        best = { rank, page: p, box, chunk: text };
      }
    }
  }
  if (!best) throw new AppError('PDF_ANCHOR_NOT_FOUND', `The text "${anchor}" was not found on the page`, { anchor, page: opts.page });
  const width = opts.width ?? 160, height = opts.height ?? 64, gap = opts.gap ?? 4;
  const cx = best.box.x + best.box.width / 2;
  return {
    page: best.page, box: best.box, chunkText: best.chunk,
    signatureRect: { x: cx - width / 2, y: best.box.y - gap - height, width, height },
  };
}
