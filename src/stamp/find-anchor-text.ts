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

/** Extracts the placed glyphs of a content stream given the page's fonts by resource name. */
export function placeGlyphs(content: Uint8Array, fonts: Map<string, TextFont>): Placed[] {
  const out: Placed[] = [];
  let ctm: M = [1, 0, 0, 1, 0, 0];
  const saved: M[] = [];
  let tm: M = [1, 0, 0, 1, 0, 0], tlm: M = tm;
  let font: TextFont | undefined, size = 0, tc = 0, tw = 0, th = 1, tl = 0;
  const num = (o: Operand | undefined) => (typeof o === 'number' ? o : 0);
  const show = (bytes: Uint8Array) => {
    if (!font) return;
    for (const g of font.decode(bytes)) {
      const adv = ((g.width / 1000) * size + tc + (g.bytes === 1 && g.code === 32 ? tw : 0)) * th;
      const m = mul(tm, ctm);
      const scale = Math.hypot(m[2], m[3]);
      out.push({ text: g.text, x: m[4], y: m[5], w: adv * Math.hypot(m[0], m[1]), size: size * scale });
      tm = mul([1, 0, 0, 1, adv, 0], tm);
    }
  };
  const nextLine = (tx: number, ty: number) => { tlm = mul([1, 0, 0, 1, tx, ty], tlm); tm = tlm; };
  lexContent(content, (op, a) => {
    switch (op) {
      case 'q': saved.push(ctm); break;
      case 'Q': ctm = saved.pop() ?? ctm; break;
      case 'cm': ctm = mul(a.map(num) as M, ctm); break;
      case 'BT': tm = tlm = [1, 0, 0, 1, 0, 0]; break;
      case 'Tf': font = fonts.get((a[0] as { name: string })?.name ?? ''); size = num(a[1]); break;
      case 'Tc': tc = num(a[0]); break;
      case 'Tw': tw = num(a[0]); break;
      case 'Tz': th = num(a[0]) / 100; break;
      case 'TL': tl = num(a[0]); break;
      case 'Td': nextLine(num(a[0]), num(a[1])); break;
      case 'TD': tl = -num(a[1]); nextLine(num(a[0]), num(a[1])); break;
      case 'Tm': tm = tlm = a.map(num) as M; break;
      case 'T*': nextLine(0, -tl); break;
      case "'": nextLine(0, -tl); if (a[0] instanceof Uint8Array) show(a[0]); break;
      case '"': tw = num(a[0]); tc = num(a[1]); nextLine(0, -tl); if (a[2] instanceof Uint8Array) show(a[2]); break;
      case 'Tj': if (a[0] instanceof Uint8Array) show(a[0]); break;
      case 'TJ':
        for (const e of (a[0] as Operand[]) ?? []) {
          if (e instanceof Uint8Array) show(e);
          else if (typeof e === 'number') tm = mul([1, 0, 0, 1, (-e / 1000) * size * th, 0], tm);
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
  for (const g of glyphs) {
    const line = lines.find((l) => Math.abs(l[0].y - g.y) < 0.3 * Math.max(1, g.size));
    if (line) line.push(g); else lines.push([g]);
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

/**
 * Finds `anchor` in the document's text. Best match: a chunk that is exactly the anchor, then a
 * case-sensitive substring, then a case-insensitive one; ties go to the lowest on the page and to
 * the later page (signer blocks close a document). Throws PDF_ANCHOR_NOT_FOUND when absent.
 */
export function findAnchorText(doc: PdfDocument, anchor: string, opts: AnchorOptions = {}): AnchorMatch {
  const needle = squash(anchor);
  if (!needle) throw new AppError('STAMP_SPEC_INVALID', 'The anchor text is empty');
  const tree = new PageTree(doc);
  const pages = opts.page !== undefined ? [opts.page] : [...Array(tree.count).keys()];
  let best: { rank: number; page: number; box: Rect; chunk: string } | undefined;
  for (const p of pages) {
    const info = tree.page(p);
    const fontDict = doc.resolve(info.resources?.get('Font'));
    const fonts = new Map<string, TextFont>();
    if (fontDict instanceof PdfDict) for (const [k, v] of fontDict) { const f = doc.resolve(v); if (f instanceof PdfDict) fonts.set(k, textFontOf(doc, f)); }
    const c = doc.resolve(info.dict.get('Contents'));
    const parts = (asArray(c) ?? [c]).map((x) => doc.resolve(x)).filter((x): x is PdfStream => x instanceof PdfStream);
    const content = Buffer.concat(parts.flatMap((s) => [doc.decodeStream(s), Buffer.from('\n')]));
    for (const ch of chunks(placeGlyphs(content, fonts))) {
      const text = ch.text;
      let rank = 0, at = -1;
      if (squash(text) === needle) { rank = 3; at = text.indexOf(text.trim()); }
      else if ((at = text.indexOf(needle)) >= 0) rank = 2;
      else if ((at = text.toLocaleUpperCase('vi').indexOf(needle.toLocaleUpperCase('vi'))) >= 0) rank = 1;
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
