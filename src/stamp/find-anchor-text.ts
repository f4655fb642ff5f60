/**
 * Placement by anchor text: people at a desk know "sign under CHỦ TỊCH", not coordinates. The
 * page's content is interpreted for text (ISO 32000-1 §9.4: text matrices, Tf, Tc, Tw, Tz, TL,
 * TJ; cm and q/Q for the CTM), glyphs are grouped into lines and chunks (runs without wide gaps,
 * so "Nơi nhận:" and "TM. ỦY BAN NHÂN DÂN" on one baseline stay apart), and the anchor is found
 * in them. The signature rectangle is centred under the anchor (Decree 30 App. I cell 7c sits
 * under the title line).
 */
import { AppError } from '../errors';
import { asArray, PageTree, PdfDict, PdfDocument, PdfStream } from '../pdf';
import { Rect } from './appearance-spec';
import { lexContent, Operand } from './content-lexer';
import { TextFont, textFontOf } from './text-font';

type M = [number, number, number, number, number, number];
const mul = (a: M, b: M): M => [
  a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3], a[2] * b[0] + a[3] * b[2],
  a[2] * b[1] + a[3] * b[3], a[4] * b[0] + a[5] * b[2] + b[4], a[4] * b[1] + a[5] * b[3] + b[5],
];

/** A glyph placed on the page (user space). */
interface Placed { text: string; x: number; y: number; w: number; size: number }

/**
 * Extracts the placed glyphs of a content stream given the page's fonts by resource name. The
 * text and line matrices are kept as scalars: a glyph advance is a translation, so it only moves
 * the matrix's origin (§9.4.4), and no matrix is allocated per glyph.
 */
export function placeGlyphs(content: Uint8Array, fonts: Pick<Map<string, TextFont>, 'get'>): Placed[] {
  const out: Placed[] = [];
  let ctm: M = [1, 0, 0, 1, 0, 0];
  const saved: M[] = [];
  // text matrix [a b c d e f] and text line matrix [la lb lc ld le lf]
  let a = 1, b = 0, c = 0, d = 1, e = 0, f = 0;
  let la = 1, lb = 0, lc = 0, ld = 1, le = 0, lf = 0;
  let font: TextFont | undefined, size = 0, tc = 0, tw = 0, th = 1, tl = 0;
  const num = (o: Operand | undefined) => (typeof o === 'number' ? o : 0);
  const show = (bytes: Uint8Array) => {
    if (!font) return;
    const [A, B, C, D, E, F] = ctm;
    const xScale = Math.hypot(a * A + b * C, a * B + b * D);
    const scale = Math.hypot(c * A + d * C, c * B + d * D);
    for (const g of font.decode(bytes)) {
      const adv = ((g.width / 1000) * size + tc + (g.bytes === 1 && g.code === 32 ? tw : 0)) * th;
      out.push({ text: g.text, x: e * A + f * C + E, y: e * B + f * D + F, w: adv * xScale, size: size * scale });
      e += adv * a;
      f += adv * b;
    }
  };
  const setText = (m: Operand[]) => {
    [a, b, c, d, e, f] = m.map(num);
    [la, lb, lc, ld, le, lf] = [a, b, c, d, e, f];
  };
  const nextLine = (tx: number, ty: number) => {
    le += tx * la + ty * lc;
    lf += tx * lb + ty * ld;
    [a, b, c, d, e, f] = [la, lb, lc, ld, le, lf];
  };
  lexContent(content, (op, args) => {
    switch (op) {
      case 'q': saved.push(ctm); break;
      case 'Q': ctm = saved.pop() ?? ctm; break;
      case 'cm': ctm = mul(args.map(num) as M, ctm); break;
      case 'BT': setText([1, 0, 0, 1, 0, 0]); break;
      case 'Tf': font = fonts.get((args[0] as { name: string })?.name ?? ''); size = num(args[1]); break;
      case 'Tc': tc = num(args[0]); break;
      case 'Tw': tw = num(args[0]); break;
      case 'Tz': th = num(args[0]) / 100; break;
      case 'TL': tl = num(args[0]); break;
      case 'Td': nextLine(num(args[0]), num(args[1])); break;
      case 'TD': tl = -num(args[1]); nextLine(num(args[0]), num(args[1])); break;
      case 'Tm': setText(args.length === 6 ? args : [1, 0, 0, 1, 0, 0]); break;
      case 'T*': nextLine(0, -tl); break;
      case "'": nextLine(0, -tl); if (args[0] instanceof Uint8Array) show(args[0]); break;
      case '"': tw = num(args[0]); tc = num(args[1]); nextLine(0, -tl); if (args[2] instanceof Uint8Array) show(args[2]); break;
      case 'Tj': if (args[0] instanceof Uint8Array) show(args[0]); break;
      case 'TJ':
        for (const el of (args[0] as Operand[]) ?? []) {
          if (el instanceof Uint8Array) show(el);
          else if (typeof el === 'number') {
            const dx = (-el / 1000) * size * th;
            e += dx * a;
            f += dx * b;
          }
        }
        break;
      default:
    }
  });
  return out;
}

/** A run of glyphs on one baseline without wide gaps, with its text. */
interface Chunk { text: string; glyphOf: number[]; glyphs: Placed[] }

function chunks(glyphs: Placed[]): Chunk[] {
  const lines: Placed[][] = [];
  const near = (l: Placed[], g: Placed) => Math.abs(l[0].y - g.y) < 0.3 * Math.max(1, g.size);
  let last: Placed[] | undefined;
  for (const g of glyphs) {
    // consecutive glyphs are mostly on one line: try the previous glyph's line first
    const line = last && near(last, g) ? last : lines.find((l) => near(l, g));
    if (line) line.push(g); else lines.push([g]);
    last = line ?? lines[lines.length - 1];
  }
  const result: Chunk[] = [];
  for (const line of lines) {
    line.sort((a, b) => a.x - b.x);
    let cur: Chunk | undefined;
    let end = -Infinity;
    for (const g of line) {
      const gap = g.x - end;
      if (!cur || gap > 1.2 * g.size) { cur = { text: '', glyphOf: [], glyphs: [] }; result.push(cur); }
      else if (gap > 0.18 * g.size && !cur.text.endsWith(' ')) { cur.text += ' '; cur.glyphOf.push(cur.glyphs.length - 1); }
      cur.glyphs.push(g);
      for (let k = 0; k < g.text.length; k++) cur.glyphOf.push(cur.glyphs.length - 1);
      cur.text += g.text;
      end = g.x + g.w;
    }
  }
  return result;
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

const squash = (s: string) => s.normalize('NFC').replace(/\s+/g, ' ').trim();

/** The page's decoded content streams, joined with a newline between them (§7.8.2). */
function pageContent(doc: PdfDocument, page: PdfDict): Uint8Array {
  const c = doc.resolve(page.get('Contents'));
  const parts = (asArray(c) ?? [c]).map((x) => doc.resolve(x)).filter((x): x is PdfStream => x instanceof PdfStream);
  if (parts.length === 1) return doc.decodeStream(parts[0]);
  return Buffer.concat(parts.flatMap((st) => [doc.decodeStream(st), NEWLINE]));
}

const NEWLINE = Buffer.from('\n');

/**
 * The page's fonts by resource name, built when a Tf first names them: generated files often
 * give every text run its own name for one of a few fonts.
 */
function pageFonts(doc: PdfDocument, resources: PdfDict | undefined): Pick<Map<string, TextFont>, 'get'> {
  const fontDict = doc.resolve(resources?.get('Font'));
  const byName = new Map<string, TextFont | undefined>();
  return {
    get(name: string): TextFont | undefined {
      if (byName.has(name)) return byName.get(name);
      const f = fontDict instanceof PdfDict ? doc.resolve(fontDict.get(name)) : undefined;
      const font = f instanceof PdfDict ? textFontOf(doc, f) : undefined;
      byName.set(name, font);
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
  const needleUpper = needle.toLocaleUpperCase('vi');
  const tree = new PageTree(doc);
  const pages = opts.page !== undefined ? [opts.page] : [...Array(tree.count).keys()];
  let best: { rank: number; page: number; box: Rect; chunk: string } | undefined;
  for (const p of pages) {
    const info = tree.page(p);
    const content = pageContent(doc, info.dict);
    for (const ch of chunks(placeGlyphs(content, pageFonts(doc, info.resources)))) {
      const text = ch.text;
      let rank = 0, at = -1;
      // squash() only shortens: a chunk shorter than the needle is neither equal nor containing
      if (text.length >= needle.length && squash(text) === needle) { rank = 3; at = text.indexOf(text.trim()); }
      else if ((at = text.indexOf(needle)) >= 0) rank = 2;
      else if ((at = text.toLocaleUpperCase('vi').indexOf(needleUpper)) >= 0) rank = 1;
      if (!rank) continue;
      const gs = ch.glyphs.slice(ch.glyphOf[at], (ch.glyphOf[Math.min(at + needle.length, ch.glyphOf.length) - 1] ?? ch.glyphs.length - 1) + 1);
      const size = Math.max(...gs.map((g) => g.size));
      const x0 = gs[0].x, x1 = gs[gs.length - 1].x + gs[gs.length - 1].w, y = Math.min(...gs.map((g) => g.y));
      const box = { x: x0, y: y - 0.22 * size, width: x1 - x0, height: 1.1 * size };
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
