/**
 * Writing objects back as bytes (ISO 32000-1 7.3). Output is collected as Buffer chunks and joined
 * once (no quadratic string building). Strings are encrypted per object when the document is
 * encrypted, except those marked plain (a signature's /Contents, 7.6.1).
 */
import { PdfDict, PdfName, PdfObject, PdfReal, PdfRef, PdfStream, PdfString } from './objects';
import { DELIM, WS } from './parser';

/** Encrypts a string or stream of the object being written; absent for unencrypted documents. */
export interface ObjectCipher {
  string(bytes: Uint8Array): Uint8Array;
  stream(bytes: Uint8Array): Uint8Array;
}

/** Appends bytes and latin1 text; tracks the running length. */
export class ByteSink {
  readonly parts: Buffer[] = [];
  length = 0;
  private pending = '';

  /** Appends latin1 text. */
  text(s: string): void {
    this.pending += s;
    if (this.pending.length > 4096) this.flushText();
    this.length += s.length;
  }

  /** Appends bytes (kept by reference). */
  bytes(b: Uint8Array): void {
    this.flushText();
    this.parts.push(Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.length));
    this.length += b.length;
  }

  private flushText(): void {
    if (this.pending) this.parts.push(Buffer.from(this.pending, 'latin1'));
    this.pending = '';
  }

  /** All chunks joined. */
  toBuffer(): Buffer {
    this.flushText();
    return Buffer.concat(this.parts, this.length);
  }

  /** The chunks (for joining with other buffers without an extra copy). */
  chunks(): Buffer[] {
    this.flushText();
    return this.parts;
  }
}

/** A real with at most 6 decimals, always with a point so it reads back as a real. */
export function formatReal(v: number): string {
  if (!Number.isFinite(v)) return '0.0';
  let s = v.toFixed(6).replace(/0+$/, '');
  if (s.endsWith('.')) s += '0';
  return s === '-0.0' ? '0.0' : s;
}

/** A name with delimiters, whitespace, `#` and non-ASCII escaped as #xx (7.3.5). */
export function formatName(n: string): string {
  let out = '/';
  for (let i = 0; i < n.length; i++) {
    const c = n.charCodeAt(i) & 0xff;
    if (c < 0x21 || c > 0x7e || c === 0x23 || WS[c] || DELIM[c]) out += `#${c.toString(16).padStart(2, '0')}`;
    else out += n[i];
  }
  return out;
}

const HEX = Buffer.from('0123456789abcdef', 'latin1');

/** Lower-case hex digits of `b` as bytes (no intermediate string: placeholders are large). */
function hexBytes(b: Uint8Array): Buffer {
  if (b.length > 256 && b.every((x) => x === 0)) return Buffer.alloc(b.length * 2, 0x30);
  const out = Buffer.allocUnsafe(b.length * 2);
  for (let i = 0; i < b.length; i++) {
    out[2 * i] = HEX[b[i] >> 4];
    out[2 * i + 1] = HEX[b[i] & 15];
  }
  return out;
}

function literal(b: Uint8Array): string | undefined {
  let s = '(';
  for (const c of b) {
    if (c === 0x28 || c === 0x29 || c === 0x5c) s += `\\${String.fromCharCode(c)}`;
    else if (c === 0x0a) s += '\\n';
    else if (c === 0x0d) s += '\\r';
    else if (c < 0x20 || c > 0x7e) return undefined;
    else s += String.fromCharCode(c);
  }
  return `${s})`;
}

/** Writes one object (no `obj`/`endobj` wrapper). */
export function writeObject(sink: ByteSink, o: PdfObject, cipher?: ObjectCipher): void {
  if (o === null) sink.text('null');
  else if (typeof o === 'boolean') sink.text(o ? 'true' : 'false');
  else if (typeof o === 'number') sink.text(Number.isInteger(o) ? String(o) : formatReal(o));
  else if (o instanceof PdfReal) sink.text(formatReal(o.value));
  else if (o instanceof PdfName) sink.text(formatName(o.name));
  else if (o instanceof PdfRef) sink.text(`${o.num} ${o.gen} R`);
  else if (o instanceof PdfString) {
    const bytes = cipher && !o.isPlain ? cipher.string(o.bytes) : o.bytes;
    const lit = o.hex || bytes !== o.bytes ? undefined : literal(bytes);
    if (lit !== undefined) sink.text(lit);
    else {
      sink.text('<');
      sink.bytes(hexBytes(bytes));
      sink.text('>');
    }
  } else if (Array.isArray(o)) {
    sink.text('[');
    o.forEach((x, i) => {
      if (i) sink.text(' ');
      writeObject(sink, x, cipher);
    });
    sink.text(']');
  } else if (o instanceof PdfStream) {
    const data = cipher && !o.isFromFile ? cipher.stream(o.raw) : o.raw;
    const dict = new PdfDict(o.dict);
    dict.set('Length', data.length);
    writeObject(sink, dict, cipher);
    sink.text('\nstream\n');
    sink.bytes(data);
    sink.text('\nendstream');
  } else if (o instanceof PdfDict) {
    sink.text('<<');
    for (const [k, v] of o) {
      sink.text(formatName(k));
      sink.text(' ');
      writeObject(sink, v, cipher);
    }
    sink.text('>>');
  }
}

/** Serializes one object to a Buffer (handy for tests and appearance streams). */
export function serializeObject(o: PdfObject): Buffer {
  const s = new ByteSink();
  writeObject(s, o);
  return s.toBuffer();
}
