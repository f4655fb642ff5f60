/**
 * Where a page's content stream puts its glyphs (ISO 32000-1 §9.4: text matrices, Tf, Tc, Tw,
 * Tz, TL, Td/TD/Tm/T*, Tj/TJ/'/"; cm and q/Q for the CTM, §8.3.4 and §8.4.2), for anchor search.
 *
 * Written for an anchor search per signature (thousands of glyphs): the state lives in the
 * fields of one object (doubles captured by closures are boxed anew on every assignment), the
 * matrices are scalars (a glyph advance is a translation, §9.4.4, so it only moves the text
 * matrix's origin) and the glyphs go to growable typed arrays, not one object per glyph.
 */
import * as lexer from './content-lexer';
import { Operands, scanContent } from './content-lexer';
import { ShownCode, TextFont } from './text-font';

// local bindings: compiled to CommonJS (tsx), every use of an imported binding is a getter call
const { NUMBER, OPEN, CLOSE, STRING } = lexer;

/** A glyph placed on the page (user space). */
export interface Placed { text: string; x: number; y: number; w: number; size: number }

/** Placed glyphs as parallel arrays: glyph k is (text[k], x[k], y[k], w[k], size[k]), k < n. */
export class GlyphList {
  n = 0;
  text: string[];
  x: Float64Array;
  y: Float64Array;
  w: Float64Array;
  size: Float64Array;

  /** @param capacity expected glyph count (growing copies every array) */
  constructor(capacity: number) {
    const c = Math.max(64, capacity);
    // sized up front like the numbers (pushing grew it a dozen times per page)
    this.text = new Array<string>(c);
    this.x = new Float64Array(c); this.y = new Float64Array(c); this.w = new Float64Array(c); this.size = new Float64Array(c);
  }

  /** Room for m more glyphs (growing copies every array). */
  reserve(m: number): void {
    if (this.n + m <= this.x.length) return;
    const size = Math.max(this.x.length * 2, this.n + m);
    const grow = (a: Float64Array) => { const b = new Float64Array(size); b.set(a); return b; };
    this.x = grow(this.x); this.y = grow(this.y); this.w = grow(this.w); this.size = grow(this.size);
    this.text.length = size;
  }

  get(k: number): Placed {
    return { text: this.text[k], x: this.x[k], y: this.y[k], w: this.w[k], size: this.size[k] };
  }
}

/** Math.hypot(x, y), without its cost for the axis-aligned matrices of almost every page (same value). */
const norm = (x: number, y: number) => (y === 0 ? Math.abs(x) : x === 0 ? Math.abs(y) : Math.hypot(x, y));

/**
 * The text state machine. Operands are read as `num[first + j]` (0 when absent or not a number,
 * see Operands) and the arithmetic is written out in place: a helper taking or returning a
 * double that the compiler does not inline boxes it, once per operand or glyph.
 */
class TextInterpreter {
  // CTM [A B C D E F]; q/Q save and restore it six numbers at a time
  A = 1; B = 0; C = 0; D = 1; E = 0; F = 0;
  readonly saved: number[] = [];
  // text matrix [a b c d e f] and text line matrix [la lb lc ld le lf]
  a = 1; b = 0; c = 0; d = 1; e = 0; f = 0;
  la = 1; lb = 0; lc = 0; ld = 1; le = 0; lf = 0;
  font: TextFont | undefined = undefined;
  fontSize = 0; tc = 0; tw = 0; th = 1; tl = 0;
  readonly codes: ShownCode[] = [];

  constructor(readonly fonts: Pick<Map<string, TextFont>, 'get'>, readonly out: GlyphList) {}

  /** Shows the string bytes[from, to): each glyph placed, then the text matrix advanced (§9.4.4). */
  show(bytes: Uint8Array, from: number, to: number): void {
    const font = this.font;
    if (!font) return;
    const { A, B, C, D, E, F, a, b, fontSize, tc, tw, th, codes, out } = this;
    const xScale = norm(a * A + b * C, a * B + b * D);
    const size = norm(this.c * A + this.d * C, this.c * B + this.d * D) * fontSize;
    const n = font.decode(bytes, from, to, codes);
    out.reserve(n);
    const { x, y, w, size: sizes, text } = out;
    let e = this.e, f = this.f, k = out.n;
    for (let i = 0; i < n; i++, k++) {
      const g = codes[i];
      const adv = ((g.width / 1000) * fontSize + tc + (g.bytes === 1 && g.code === 32 ? tw : 0)) * th;
      text[k] = g.text;
      x[k] = e * A + f * C + E; y[k] = e * B + f * D + F; w[k] = adv * xScale; sizes[k] = size;
      e += adv * a;
      f += adv * b;
    }
    out.n = k;
    this.e = e;
    this.f = f;
  }

  /** Sets the text and line matrices to operands first … first + 5, or the identity (BT, Tm). */
  setText(o: Operands | undefined): void {
    const num = o?.num, k = o?.first ?? 0;
    this.la = this.a = num ? num[k] : 1; this.lb = this.b = num ? num[k + 1] : 0;
    this.lc = this.c = num ? num[k + 2] : 0; this.ld = this.d = num ? num[k + 3] : 1;
    this.le = this.e = num ? num[k + 4] : 0; this.lf = this.f = num ? num[k + 5] : 0;
  }

  /** Moves to the next line, offset (tx, ty) in the line matrix's space: operands j, j + 1, or (0, -TL) (Td, TD, T*, ', "). */
  nextLine(o: Operands | undefined, j: number): void {
    const tx = o ? o.num[o.first + j] : 0, ty = o ? o.num[o.first + j + 1] : -this.tl;
    this.le += tx * this.la + ty * this.lc;
    this.lf += tx * this.lb + ty * this.ld;
    this.a = this.la; this.b = this.lb; this.c = this.lc; this.d = this.ld; this.e = this.le; this.f = this.lf;
  }

  /** Shows operand j when it is a string (Tj, ', "). */
  showArg(o: Operands, j: number): void {
    const k = o.first + j;
    if (o.isString(j)) this.show(o.bytesOf(k), o.from[k], o.to[k]);
  }

  op(op: string, o: Operands): void {
    const num = o.num, k = o.first;
    switch (op) {
      case 'q': this.saved.push(this.A, this.B, this.C, this.D, this.E, this.F); break;
      case 'Q': {
        const s = this.saved;
        if (s.length) { this.F = s.pop()!; this.E = s.pop()!; this.D = s.pop()!; this.C = s.pop()!; this.B = s.pop()!; this.A = s.pop()!; }
        break;
      }
      case 'cm': {
        // CTM' = M × CTM (§8.3.4); a missing operand is NaN, as it was in the matrix product
        const n = o.end - k;
        const m0 = n > 0 ? num[k] : NaN, m1 = n > 1 ? num[k + 1] : NaN, m2 = n > 2 ? num[k + 2] : NaN;
        const m3 = n > 3 ? num[k + 3] : NaN, m4 = n > 4 ? num[k + 4] : NaN, m5 = n > 5 ? num[k + 5] : NaN;
        const { A, B, C, D, E, F } = this;
        this.A = m0 * A + m1 * C; this.B = m0 * B + m1 * D; this.C = m2 * A + m3 * C; this.D = m2 * B + m3 * D;
        this.E = m4 * A + m5 * C + E; this.F = m4 * B + m5 * D + F;
        break;
      }
      case 'BT': this.setText(undefined); break;
      case 'Tf': this.font = this.fonts.get(o.name(0) ?? ''); this.fontSize = num[k + 1]; break;
      case 'Tc': this.tc = num[k]; break;
      case 'Tw': this.tw = num[k]; break;
      case 'Tz': this.th = num[k] / 100; break;
      case 'TL': this.tl = num[k]; break;
      case 'Td': this.nextLine(o, 0); break;
      case 'TD': this.tl = -num[k + 1]; this.nextLine(o, 0); break;
      case 'Tm': this.setText(o.end - k === 6 ? o : undefined); break;
      case 'T*': this.nextLine(undefined, 0); break;
      case "'": this.nextLine(undefined, 0); this.showArg(o, 0); break;
      case '"': this.tw = num[k]; this.tc = num[k + 1]; this.nextLine(undefined, 0); this.showArg(o, 2); break;
      case 'Tj': this.showArg(o, 0); break;
      case 'TJ': {
        // the operand must be an array (§9.4.3): its strings and numbers, not those of nested arrays
        if (k >= o.end || o.kind[k] !== OPEN) break;
        for (let i = k + 1, depth = 1; i < o.end && depth > 0; i++) {
          const kind = o.kind[i];
          if (kind === OPEN) depth++;
          else if (kind === CLOSE) depth--;
          else if (depth > 1) continue;
          else if (kind === STRING) this.show(o.bytesOf(i), o.from[i], o.to[i]);
          else if (kind === NUMBER) {
            const dx = (-o.num[i] / 1000) * this.fontSize * this.th;
            this.e += dx * this.a;
            this.f += dx * this.b;
          }
        }
        break;
      }
      default:
    }
  }
}

/** The placed glyphs of a content stream given the page's fonts by resource name. */
export function placeGlyphList(content: Uint8Array, fonts: Pick<Map<string, TextFont>, 'get'>): GlyphList {
  // a shown glyph takes at least one byte of content, mostly more (two hex digits or more per
  // byte, operators between runs): a sixteenth of the length rarely needs to grow
  const out = new GlyphList(content.length >> 4);
  const it = new TextInterpreter(fonts, out);
  scanContent(content, (op, ops) => it.op(op, ops));
  return out;
}

/** {@link placeGlyphList} as one object per glyph. */
export function placeGlyphs(content: Uint8Array, fonts: Pick<Map<string, TextFont>, 'get'>): Placed[] {
  const list = placeGlyphList(content, fonts);
  return Array.from({ length: list.n }, (_, k) => list.get(k));
}
