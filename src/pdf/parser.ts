/**
 * Tokenizer and object parser (ISO 32000-1 7.2-7.3) over raw bytes. Built for garbage: nested and
 * escaped literal strings, hex strings with whitespace or odd digits, comments, `N G R`, streams
 * whose /Length is indirect or wrong (then the data ends at the next `endstream`), and a nesting
 * limit. Errors are AppError PDF_MALFORMED with the byte offset.
 */
import { AppError } from '../errors';
import { LimitGuard } from './limits';
import * as objects from './objects';
import type { PdfObject } from './objects';

// Local aliases: the CommonJS output of tsx (esbuild) reads every imported binding through a
// getter at each use; the parser creates these objects in its innermost loops.
const { PdfDict, PdfName, PdfReal, PdfRef, PdfStream, PdfString } = objects;
type PdfDict = objects.PdfDict;
type PdfName = objects.PdfName;
type PdfReal = objects.PdfReal;
type PdfRef = objects.PdfRef;
type PdfStream = objects.PdfStream;
type PdfString = objects.PdfString;

/** Character classes (7.2.2). */
export const WS = new Uint8Array(256);
export const DELIM = new Uint8Array(256);
for (const c of [0, 9, 10, 12, 13, 32]) WS[c] = 1;
for (const c of '()<>[]{}/%') DELIM[c.charCodeAt(0)] = 1;

/** A bare keyword (`obj`, `endobj`, `stream`, `R`, an operator...), returned only by {@link Parser.parseToken}. */
export class Keyword {
  constructor(readonly word: string) {}
}

/**
 * The value of one key of an indirect object's dictionary as it was parsed: the bytes it spans
 * and the object built from them. Only direct dictionaries and arrays are kept: they end with
 * their own closing delimiter and the parser never reads past it, so the same bytes anywhere in
 * the same file parse to the same value at the same depth.
 */
export interface ValueSpan {
  buf: Buffer;
  start: number;
  end: number;
  value: PdfObject;
}

/** Spans of the top-level values of one object, by key. */
export type ValueSpans = Map<string, ValueSpan>;

/** Smallest value worth remembering: below this, parsing costs less than a lookup. */
const MIN_SPAN = 64;

/** Where long hex strings read by the fast path came from (a signature's /Contents). */
const hexSources = new WeakMap<PdfString, { buf: Buffer; start: number; end: number }>();

/** Hex strings at least this long remember their source span. */
const MIN_SOURCE_SPAN = 1024;

/**
 * The span `[start, end)` (from `<` to just after `>`) of `buf` that a hex string was decoded
 * from, when it was a clean even run of hex digits (its bytes are then exactly the decoded span);
 * undefined for other strings. Lets a caller that must decode those raw bytes itself (the
 * ByteRange gap) reuse the parser's work.
 */
export function hexStringSource(s: PdfString): { buf: Buffer; start: number; end: number } | undefined {
  return hexSources.get(s);
}

/** Resolves an indirect /Length while a stream is being read. */
export type LengthResolver = (ref: PdfRef) => number | undefined;

const ENDSTREAM = Buffer.from('endstream');
const ENDOBJ = Buffer.from('endobj');
const STREAM = Buffer.from('stream');

/** `buf.toString('latin1', start, end)` without the argument checks (a hot path for names). */
const latin1: (buf: Buffer, start: number, end: number) => string =
  typeof (Buffer.prototype as { latin1Slice?: unknown }).latin1Slice === 'function'
    ? (buf, start, end) => (buf as unknown as { latin1Slice(s: number, e: number): string }).latin1Slice(start, end)
    : (buf, start, end) => buf.toString('latin1', start, end);

/** Hex digit value or -1. */
function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 70) return c - 55;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

/** A cursor over the document bytes that reads tokens and objects. */
export class Parser {
  pos: number;
  /** Spans of another revision of the object being read: equal bytes reuse the value. */
  reuseSpans?: ValueSpans;
  /** Receives the spans of the top-level dictionary's values. */
  recordSpans?: ValueSpans;

  constructor(
    readonly buf: Buffer,
    pos: number,
    private readonly guard: LimitGuard,
    private readonly end = buf.length,
  ) {
    this.pos = pos;
  }

  private fail(what: string): never {
    throw new AppError('PDF_MALFORMED', `The PDF is malformed at byte ${this.pos}: ${what}`, { offset: this.pos });
  }

  /** Skips whitespace and comments. */
  skipSpace(): void {
    const { buf, end } = this;
    let p = this.pos;
    while (p < end) {
      const c = buf[p];
      if (WS[c]) p++;
      else if (c === 0x25) {
        while (p < end && buf[p] !== 10 && buf[p] !== 13) p++;
      } else break;
    }
    this.pos = p;
  }

  /** Reads a run of regular characters (a keyword or number). */
  private readRegular(): string {
    const { buf, end } = this;
    const start = this.pos;
    let p = start;
    while (p < end && !WS[buf[p]] && !DELIM[buf[p]]) p++;
    this.pos = p;
    return buf.toString('latin1', start, p);
  }

  /** Reads one object or keyword; `R` references are folded into {@link PdfRef}. */
  parseToken(depth = 0): PdfObject | Keyword {
    this.skipSpace();
    const { buf } = this;
    if (this.pos >= this.end) this.fail('unexpected end of data');
    const c = buf[this.pos];
    switch (c) {
      case 0x2f: // /
        return this.parseName();
      case 0x28: // (
        return this.parseLiteral();
      case 0x3c: // <
        if (buf[this.pos + 1] === 0x3c) return this.parseDict(depth + 1);
        return this.parseHex();
      case 0x5b: // [
        return this.parseArray(depth + 1);
      case 0x5d:
      case 0x3e:
      case 0x7b:
      case 0x7d:
      case 0x29:
        this.pos++;
        return new Keyword(String.fromCharCode(c));
    }
    if ((c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d || c === 0x2e) return this.parseNumberOrRef();
    const word = this.readRegular();
    if (word === '') {
      this.pos++;
      return new Keyword(String.fromCharCode(c));
    }
    if (word === 'true') return true;
    if (word === 'false') return false;
    if (word === 'null') return null;
    return new Keyword(word);
  }

  /** Reads one object; a keyword where an object is expected is malformed. */
  parseObject(depth = 0): PdfObject {
    const t = this.parseToken(depth);
    if (t instanceof Keyword) this.fail(`unexpected "${t.word}"`);
    return t;
  }

  private parseNumberOrRef(): PdfObject {
    const n = this.parseNumber();
    if (typeof n !== 'number' || n < 0) return n;
    // Look ahead for "G R".
    const { buf, end } = this;
    let p = this.pos;
    while (p < end && WS[buf[p]]) p++;
    const gStart = p;
    let gen = 0;
    while (p < end && buf[p] >= 0x30 && buf[p] <= 0x39) gen = gen * 10 + buf[p++] - 0x30;
    if (p > gStart && p - gStart < 6) {
      while (p < end && WS[buf[p]]) p++;
      if (buf[p] === 0x52 && (p + 1 >= end || WS[buf[p + 1]] || DELIM[buf[p + 1]])) {
        this.pos = p + 1;
        return new PdfRef(n, gen);
      }
    }
    return n;
  }

  /** Reads a number leniently (`--5`, `1.2.3` and `.` read as far as they make sense). */
  parseNumber(): number | PdfReal {
    // Fast path: an optional sign and up to 15 digits ending at whitespace or a delimiter.
    const { buf, end } = this;
    let p = this.pos;
    const sign = buf[p];
    if (sign === 0x2d || sign === 0x2b) p++;
    const start = p;
    let v = 0;
    while (p < end) {
      const c = buf[p];
      if (c < 0x30 || c > 0x39) break;
      v = v * 10 + c - 0x30;
      p++;
    }
    if (p > start && p - start <= 15 && (p >= end || WS[buf[p]] || DELIM[buf[p]])) {
      this.pos = p;
      return sign === 0x2d ? -v : v;
    }
    const text = this.readRegular();
    if (/^[+-]?\d+$/.test(text)) {
      const n = Number(text);
      return Number.isSafeInteger(n) ? n : new PdfReal(n);
    }
    const isNegative = /^[+-]*-/.test(text);
    const digits = /^\d*\.?\d*/.exec(text.replace(/^[+-]+/, ''))?.[0] ?? '';
    const abs = Number.parseFloat(digits);
    const r = isNegative ? -abs : abs;
    return new PdfReal(Number.isFinite(r) ? r : 0);
  }

  private parseName(): PdfName {
    return PdfName.of(this.readNameText());
  }

  /** The text of the name at the cursor (after `/`), #xx escapes decoded (7.3.5). */
  private readNameText(): string {
    const { buf, end } = this;
    let p = ++this.pos;
    const start = p;
    let escaped = false;
    while (p < end) {
      const c = buf[p];
      if (WS[c] || DELIM[c]) break;
      if (c === 0x23) escaped = true;
      p++;
    }
    this.pos = p;
    const raw = latin1(buf, start, p);
    if (!escaped) return raw;
    return raw.replace(/#([0-9a-fA-F]{2})/g, (_m: string, h: string) => String.fromCharCode(parseInt(h, 16)));
  }

  private parseLiteral(): PdfString {
    const { buf, end } = this;
    let p = this.pos + 1;
    // Fast path: no escape, no nested parenthesis, no CR before the closing one (the bytes are the value).
    for (let q = p; q < end; q++) {
      const c = buf[q];
      if (c === 0x29) {
        this.pos = q + 1;
        return new PdfString(Buffer.from(buf.subarray(p, q)));
      }
      if (c === 0x5c || c === 0x28 || c === 0x0d) break;
    }
    const out = Buffer.allocUnsafe(Math.min(end - p, 1 << 16));
    let chunks: Buffer[] | undefined;
    let n = 0;
    let depth = 1;
    const push = (b: number): void => {
      if (n === out.length) {
        (chunks ??= []).push(Buffer.from(out));
        n = 0;
      }
      out[n++] = b;
    };
    while (p < end) {
      let c = buf[p++];
      if (c === 0x5c) {
        if (p >= end) break;
        c = buf[p++];
        switch (c) {
          case 0x6e: push(10); break;
          case 0x72: push(13); break;
          case 0x74: push(9); break;
          case 0x62: push(8); break;
          case 0x66: push(12); break;
          case 0x0d: if (buf[p] === 0x0a) p++; break;
          case 0x0a: break;
          default:
            if (c >= 0x30 && c <= 0x37) {
              let v = c - 0x30;
              for (let i = 0; i < 2 && buf[p] >= 0x30 && buf[p] <= 0x37; i++) v = v * 8 + buf[p++] - 0x30;
              push(v & 0xff);
            } else push(c);
        }
        continue;
      }
      if (c === 0x28) depth++;
      else if (c === 0x29 && --depth === 0) break;
      else if (c === 0x0d) {
        if (buf[p] === 0x0a) p++;
        c = 0x0a;
      }
      push(c);
      if ((n & 0xfff) === 0) this.guard.tick();
    }
    this.pos = p; // an unterminated string ends at the end of data, as readers do
    const last = out.subarray(0, n);
    return new PdfString(chunks ? Buffer.concat([...chunks, last]) : Buffer.from(last));
  }

  private parseHex(): PdfString {
    const { buf, end } = this;
    let p = this.pos + 1;
    // Fast path: an even run of hex digits up to `>` decodes natively; node stops at the first
    // non-hex pair, so a shorter result sends whitespace, odd counts and bad digits to the loop below.
    const close = buf.indexOf(0x3e, p);
    if (close >= 0 && close < end && ((close - p) & 1) === 0) {
      const bytes = Buffer.from(latin1(buf, p, close), 'hex');
      if (bytes.length * 2 === close - p) {
        this.pos = close + 1;
        const str = new PdfString(bytes, true);
        if (close - p >= MIN_SOURCE_SPAN) hexSources.set(str, { buf, start: p - 1, end: close + 1 });
        return str;
      }
    }
    const out: number[] = [];
    let hi = -1;
    while (p < end && buf[p] !== 0x3e) {
      const c = buf[p++];
      if (WS[c]) continue;
      const v = hexValue(c);
      if (v < 0) {
        this.pos = p - 1;
        this.fail('invalid character in a hexadecimal string');
      }
      if (hi < 0) hi = v;
      else {
        out.push((hi << 4) | v);
        hi = -1;
      }
    }
    if (hi >= 0) out.push(hi << 4); // odd digit count: the last digit is followed by 0 (7.3.4.3)
    this.pos = p + 1;
    return new PdfString(Buffer.from(out), true);
  }

  private parseArray(depth: number): PdfObject[] {
    this.guard.checkDepth(depth);
    this.pos++;
    const arr: PdfObject[] = [];
    for (;;) {
      this.guard.tick();
      const t = this.parseToken(depth);
      if (t instanceof Keyword) {
        if (t.word === ']') return arr;
        this.fail(`unexpected "${t.word}" in an array`);
      }
      arr.push(t);
    }
  }

  private parseDict(depth: number): PdfDict {
    this.guard.checkDepth(depth);
    this.pos += 2;
    const dict = new PdfDict();
    for (;;) {
      this.guard.tick();
      this.skipSpace();
      const { buf } = this;
      if (buf[this.pos] === 0x3e && buf[this.pos + 1] === 0x3e) {
        this.pos += 2;
        return dict;
      }
      if (this.pos >= this.end || buf[this.pos] !== 0x2f) {
        this.parseToken(depth); // fails at the end of data or on a bad token
        this.fail('a dictionary key is not a name');
      }
      const key = this.readNameText();
      let value: PdfObject | Keyword;
      if (depth === 1 && (this.reuseSpans || this.recordSpans)) value = this.parseTopValue(key, depth);
      else {
        // The common values (references, integers, names) without the general dispatch.
        this.skipSpace();
        const c = this.pos < this.end ? buf[this.pos] : -1;
        if (c >= 0x30 && c <= 0x39) value = this.parseNumberOrRef();
        else if (c === 0x2f) value = this.parseName();
        else value = this.parseToken(depth);
      }
      if (value instanceof Keyword) this.fail(`unexpected "${value.word}" as the value of /${key}`);
      dict.set(key, value);
    }
  }

  /** A top-level value: reused when another revision spanned the same bytes, else parsed (and recorded). */
  private parseTopValue(key: string, depth: number): PdfObject | Keyword {
    this.skipSpace();
    const { buf, end } = this;
    const start = this.pos;
    const known = this.reuseSpans?.get(key);
    if (known) {
      const stop = start + known.end - known.start;
      if (stop <= end && buf.compare(known.buf, known.start, known.end, start, stop) === 0) {
        this.pos = stop;
        this.recordSpans?.set(key, { buf, start, end: stop, value: known.value });
        return known.value;
      }
    }
    const value = this.parseToken(depth);
    if (this.recordSpans && this.pos - start >= MIN_SPAN && (value instanceof PdfDict || Array.isArray(value))) {
      this.recordSpans.set(key, { buf, start, end: this.pos, value });
    }
    return value;
  }

  /**
   * Reads `num gen obj ... endobj` at the cursor. Returns the header numbers and the object; a
   * dictionary followed by `stream` becomes a {@link PdfStream}.
   */
  parseIndirect(resolveLength?: LengthResolver): { num: number; gen: number; obj: PdfObject } {
    this.skipSpace();
    const num = this.parseToken();
    const gen = this.parseToken();
    const kw = this.parseToken();
    if (typeof num !== 'number' || typeof gen !== 'number' || !(kw instanceof Keyword) || kw.word !== 'obj') {
      this.fail('expected an object header "N G obj"');
    }
    this.skipSpace();
    if (this.pos >= this.end || this.startsWith(ENDOBJ)) return { num, gen, obj: null }; // empty object
    const obj = this.parseObject();
    if (obj instanceof PdfDict) {
      const save = this.pos;
      this.skipSpace();
      if (this.startsWith(STREAM)) return { num, gen, obj: this.parseStreamBody(obj, resolveLength) };
      this.pos = save;
    }
    return { num, gen, obj };
  }

  private startsWith(word: Buffer): boolean {
    return this.buf.compare(word, 0, word.length, this.pos, this.pos + word.length) === 0;
  }

  private parseStreamBody(dict: PdfDict, resolveLength?: LengthResolver): PdfStream {
    const { buf, end } = this;
    let p = this.pos + 6;
    if (buf[p] === 0x0d) p++;
    if (buf[p] === 0x0a) p++;
    const start = p;
    let len: number | undefined;
    const l = dict.get('Length');
    if (typeof l === 'number') len = l;
    else if (l instanceof PdfRef && resolveLength) len = resolveLength(l);
    let dataEnd = -1;
    if (len !== undefined && Number.isInteger(len) && len >= 0 && start + len <= end) {
      let q = start + len;
      while (q < end && WS[buf[q]]) q++;
      if (buf.compare(ENDSTREAM, 0, ENDSTREAM.length, q, q + ENDSTREAM.length) === 0) dataEnd = start + len;
    }
    if (dataEnd < 0) {
      // /Length missing or wrong: the data ends at the next "endstream" (minus its EOL).
      let e = buf.indexOf(ENDSTREAM, start);
      if (e < 0 || e > end) {
        e = buf.indexOf(ENDOBJ, start);
        if (e < 0 || e > end) e = end;
      }
      dataEnd = e;
      if (dataEnd > start && buf[dataEnd - 1] === 0x0a) dataEnd--;
      if (dataEnd > start && buf[dataEnd - 1] === 0x0d) dataEnd--;
    }
    this.pos = dataEnd;
    this.skipSpace();
    if (this.startsWith(ENDSTREAM)) this.pos += ENDSTREAM.length;
    return new PdfStream(dict, buf.subarray(start, dataEnd), start, true);
  }
}
