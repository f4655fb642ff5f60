/**
 * Writing objects back as bytes (ISO 32000-1 7.3). Text is gathered as strings and binary data by
 * reference, then copied once into a single Buffer of the exact size: no quadratic building, no
 * intermediate chunk buffers. A large all-zero string (a signature's /Contents placeholder) is
 * written as a fill run, never digit by digit. Strings are encrypted per object when the document
 * is encrypted, except those marked plain (a signature's /Contents, 7.6.1).
 */
import * as objects from './objects';
import type { PdfObject } from './objects';

// Local aliases: the CommonJS output of tsx (esbuild) reads every imported binding through a
// getter at each use, and the writer tests classes once per value.
const { PdfDict, PdfName, PdfReal, PdfRef, PdfStream, PdfString } = objects;
type PdfDict = objects.PdfDict;

/** Encrypts a string or stream of the object being written; absent for unencrypted documents. */
export interface ObjectCipher {
  string(bytes: Uint8Array): Uint8Array;
  stream(bytes: Uint8Array): Uint8Array;
}

/** `length` copies of `byte` (a placeholder), kept as a run until the final copy. */
class FillRun {
  constructor(
    readonly byte: number,
    readonly length: number,
  ) {}
}

type Part = string | Uint8Array | FillRun;

/** Appends latin1 text, bytes and fill runs; tracks the running length; joins once. */
export class ByteSink {
  private readonly parts: Part[] = [];
  /** Bytes appended so far. */
  length = 0;
  private pending = '';

  /** Appends latin1 text (one byte per character). */
  text(s: string): void {
    this.pending += s;
    this.length += s.length;
    if (this.pending.length > 65536) this.flushText();
  }

  /** Appends bytes (kept by reference: do not change them before the sink is joined). */
  bytes(b: Uint8Array): void {
    this.flushText();
    this.parts.push(b);
    this.length += b.length;
  }

  /** Appends `length` copies of `byte`. */
  fill(byte: number, length: number): void {
    this.flushText();
    this.parts.push(new FillRun(byte, length));
    this.length += length;
  }

  private flushText(): void {
    if (this.pending) this.parts.push(this.pending);
    this.pending = '';
  }

  /** Copies everything into `target` from `at`; returns the end offset. */
  writeTo(target: Buffer, at = 0): number {
    this.flushText();
    let pos = at;
    for (const p of this.parts) {
      if (typeof p === 'string') pos += target.write(p, pos, 'latin1');
      else if (p instanceof FillRun) {
        target.fill(p.byte, pos, pos + p.length);
        pos += p.length;
      } else {
        target.set(p, pos);
        pos += p.length;
      }
    }
    return pos;
  }

  /** Everything joined into one Buffer of exactly {@link ByteSink.length} bytes. */
  toBuffer(): Buffer {
    const out = Buffer.allocUnsafe(this.length);
    this.writeTo(out, 0);
    return out;
  }

  /** The content as one chunk (kept for callers that join chunks themselves). */
  chunks(): Buffer[] {
    return [this.toBuffer()];
  }
}

/** A real with at most 6 decimals, always with a point so it reads back as a real. */
export function formatReal(v: number): string {
  if (!Number.isFinite(v)) return '0.0';
  let s = v.toFixed(6).replace(/0+$/, '');
  if (s.endsWith('.')) s += '0';
  return s === '-0.0' ? '0.0' : s;
}

/** Bytes a name must escape as #xx: outside 0x21-0x7e, `#`, whitespace and delimiters (7.3.5). */
const NAME_ESCAPE = new Uint8Array(256);
for (let c = 0; c < 256; c++) if (c < 0x21 || c > 0x7e) NAME_ESCAPE[c] = 1;
for (const c of '#()<>[]{}/%') NAME_ESCAPE[c.charCodeAt(0)] = 1;

/** Formatted names by name: dictionary keys repeat across objects and documents. */
const formattedNames = new Map<string, string>();

/** A name with delimiters, whitespace, `#` and non-ASCII escaped as #xx (7.3.5). */
export function formatName(n: string): string {
  const hit = formattedNames.get(n);
  if (hit !== undefined) return hit;
  let out = `/${n}`;
  for (let i = 0; i < n.length; i++) {
    const c = n.charCodeAt(i);
    if (c > 0xff || NAME_ESCAPE[c]) {
      out = escapeName(n);
      break;
    }
  }
  if (n.length <= 64) {
    if (formattedNames.size >= 8192) formattedNames.clear();
    formattedNames.set(n, out);
  }
  return out;
}

function escapeName(n: string): string {
  let out = '/';
  for (let i = 0; i < n.length; i++) {
    const c = n.charCodeAt(i) & 0xff;
    if (NAME_ESCAPE[c]) out += `#${c.toString(16).padStart(2, '0')}`;
    else out += String.fromCharCode(c);
  }
  return out;
}

/** Shared zeros to compare placeholders against, 64 KiB at a time (one memcmp per chunk). */
const ZEROS = Buffer.alloc(64 * 1024);

function isAllZero(b: Uint8Array): boolean {
  for (let at = 0; at < b.length; at += ZEROS.length) {
    const n = Math.min(ZEROS.length, b.length - at);
    if (ZEROS.compare(b, at, at + n, 0, n) !== 0) return false;
  }
  return true;
}

function writeHex(sink: ByteSink, b: Uint8Array): void {
  sink.text('<');
  if (b.length > 256 && isAllZero(b)) sink.fill(0x30, b.length * 2);
  else sink.text(Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex'));
  sink.text('>');
}

function literal(b: Uint8Array): string | undefined {
  let s = '(';
  for (let i = 0; i < b.length; i++) {
    const c = b[i];
    if (c === 0x28 || c === 0x29 || c === 0x5c) s += `\\${String.fromCharCode(c)}`;
    else if (c === 0x0a) s += '\\n';
    else if (c === 0x0d) s += '\\r';
    else if (c < 0x20 || c > 0x7e) return undefined;
    else s += String.fromCharCode(c);
  }
  return `${s})`;
}

function writeDict(sink: ByteSink, d: PdfDict, cipher: ObjectCipher | undefined, length?: number): void {
  sink.text('<<');
  let sawLength = false;
  for (const [k, v] of d) {
    sink.text(formatName(k));
    sink.text(' ');
    if (length !== undefined && k === 'Length') {
      sawLength = true;
      sink.text(String(length));
    } else writeObject(sink, v, cipher);
  }
  if (length !== undefined && !sawLength) sink.text(`/Length ${length}`);
  sink.text('>>');
}

/** Writes one object (no `obj`/`endobj` wrapper). */
export function writeObject(sink: ByteSink, o: PdfObject, cipher?: ObjectCipher): void {
  if (o instanceof PdfRef) sink.text(`${o.num} ${o.gen} R`);
  else if (o instanceof PdfName) sink.text(formatName(o.name));
  else if (typeof o === 'number') sink.text(Number.isInteger(o) ? String(o) : formatReal(o));
  else if (o === null) sink.text('null');
  else if (typeof o === 'boolean') sink.text(o ? 'true' : 'false');
  else if (Array.isArray(o)) {
    sink.text('[');
    for (let i = 0; i < o.length; i++) {
      if (i) sink.text(' ');
      writeObject(sink, o[i], cipher);
    }
    sink.text(']');
  } else if (o instanceof PdfDict) writeDict(sink, o, cipher);
  else if (o instanceof PdfReal) sink.text(formatReal(o.value));
  else if (o instanceof PdfString) {
    const bytes = cipher && !o.isPlain ? cipher.string(o.bytes) : o.bytes;
    const lit = o.hex || bytes !== o.bytes ? undefined : literal(bytes);
    if (lit !== undefined) sink.text(lit);
    else writeHex(sink, bytes);
  } else if (o instanceof PdfStream) {
    const data = cipher && !o.isFromFile ? cipher.stream(o.raw) : o.raw;
    writeDict(sink, o.dict, cipher, data.length);
    sink.text('\nstream\n');
    sink.bytes(data);
    sink.text('\nendstream');
  }
}

/** Serializes one object to a Buffer (handy for tests and appearance streams). */
export function serializeObject(o: PdfObject): Buffer {
  const s = new ByteSink();
  writeObject(s, o);
  return s.toBuffer();
}
