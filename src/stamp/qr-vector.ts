/**
 * QR code drawn as vector rectangles (no raster, sharp at any zoom and print resolution), from
 * the module matrix of `qrcode`'s `QRCode.create`. Dark modules of a row are merged into runs so
 * that a version-5 code costs a few hundred operators, not thousands. A white square with the
 * 4-module quiet zone (ISO/IEC 18004 §6.3.8) goes underneath so the code scans on any background.
 *
 * Every signed document with a QR and every receipt draws one, so the symbol is built at a
 * fifth of `QRCode.create(text)`'s cost while making the same choices: the segments (§7.4) are
 * chosen here by a dynamic programme over the characters instead of the library's graph search
 * (never a larger version), and the library encodes them with mask 0 only; the mask is then the
 * one of lowest penalty, scored as the library scores it (qr-mask.ts), not a fixed one: any mask
 * is valid (§7.8.2), but the penalty keeps finder-like patterns and large blocks out of the data
 * for scanners (§7.8.3).
 */
import { fill, PDFOperator, rectangle, setFillingRgbColor } from 'pdf-lib';
import QRCode, { QRCodeSegment } from 'qrcode';
import { AppError } from '../errors';
import { bestMask } from './qr-mask';

/** Quiet zone in modules. */
export const QUIET_ZONE = 4;

// --- segments (§7.4.2-7.4.5): numeric, alphanumeric or byte mode per character

const MODE_NAMES = ['numeric', 'alphanumeric', 'byte'] as const;
/** Character count indicator bits by version class (1-9, 10-26, 27-40) and mode (§7.4.1 Table 3). */
const CC_BITS = [[10, 9, 8], [12, 11, 16], [14, 13, 16]];
const ALNUM_CHARS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';

/**
 * The segments encoding `text` in the fewest bits for version class `cls` (0: versions 1-9,
 * 1: 10-26, 2: 27-40): each code point takes the mode that minimises the bits so far, in sixths
 * of a bit (a digit costs 10/3 bits, an alphanumeric character 11/2, a UTF-8 byte 8, and a new
 * segment its mode indicator and character count).
 */
export function qrSegments(text: string, cls: number): QRCodeSegment[] {
  const chars = [...text];
  const n = chars.length;
  const header = [0, 1, 2].map((m) => (4 + CC_BITS[cls][m]) * 6);
  let cost = [0, 0, 0];
  const from = new Int8Array(n * 3); // the mode of character i - 1 on the cheapest way to (i, mode)
  for (let i = 0; i < n; i++) {
    const ch = chars[i];
    const alnum = ch.length === 1 && ALNUM_CHARS.includes(ch);
    const unit = [ch >= '0' && ch <= '9' ? 20 : Infinity, alnum ? 33 : Infinity, 48 * Buffer.byteLength(ch, 'utf8')];
    const next = [Infinity, Infinity, Infinity];
    for (let m = 0; m < 3; m++) {
      if (unit[m] === Infinity) continue;
      let best = i === 0 ? header[m] : Infinity, via = m;
      for (let p = 0; p < 3 && i > 0; p++) {
        const c = cost[p] + (p === m ? 0 : header[m]);
        if (c < best) { best = c; via = p; }
      }
      next[m] = best + unit[m];
      from[i * 3 + m] = via;
    }
    cost = next;
  }
  // the modes, back from the cheapest end, as runs
  const modes = new Int8Array(n);
  let m = cost.indexOf(Math.min(...cost));
  for (let i = n - 1; i >= 0; i--) { modes[i] = m; m = from[i * 3 + m]; }
  const out: QRCodeSegment[] = [];
  for (let i = 0; i < n; ) {
    let j = i + 1;
    while (j < n && modes[j] === modes[i]) j++;
    out.push({ mode: MODE_NAMES[modes[i]], data: chars.slice(i, j).join('') } as QRCodeSegment);
    i = j;
  }
  return out;
}

/** The module matrix (1 = dark, row-major) of `text` as a QR code with error correction M. */
export function qrModules(text: string): { size: number; data: Uint8Array } {
  let symbol: QRCode.QRCode;
  try {
    if (text === '') throw new Error('No input text');
    symbol = QRCode.create(qrSegments(text, 0), { errorCorrectionLevel: 'M', maskPattern: 0 });
    // beyond version 9 the character counts are longer (§7.4.1): choose the segments again
    const cls = symbol.version >= 27 ? 2 : symbol.version >= 10 ? 1 : 0;
    if (cls) symbol = QRCode.create(qrSegments(text, cls), { errorCorrectionLevel: 'M', maskPattern: 0 });
  } catch (e) {
    throw new AppError('STAMP_SPEC_INVALID', 'The QR text cannot be encoded as a QR code', { reason: String(e) });
  }
  const { size, data, reservedBit } = symbol.modules;
  return { size, data: bestMask(data, reservedBit, size).modules };
}

/**
 * Operators that draw `text` as a QR code (error correction M) in the square (x, y, size),
 * quiet zone included.
 */
export function qrOperators(text: string, x: number, y: number, size: number): PDFOperator[] {
  const { size: n, data } = qrModules(text);
  const unit = size / (n + 2 * QUIET_ZONE);
  const ops: PDFOperator[] = [setFillingRgbColor(1, 1, 1), rectangle(x, y, size, size), fill(), setFillingRgbColor(0, 0, 0)];
  for (let row = 0; row < n; row++) {
    const top = y + size - (QUIET_ZONE + row) * unit;
    for (let col = 0; col < n; ) {
      if (!data[row * n + col]) {
        col++;
        continue;
      }
      const start = col;
      while (col < n && data[row * n + col]) col++;
      // a hair of overlap hides anti-aliasing seams between neighbouring runs
      ops.push(rectangle(x + (QUIET_ZONE + start) * unit, top - unit - 0.01, (col - start) * unit + 0.01, unit + 0.02));
    }
  }
  ops.push(fill());
  return ops;
}

/**
 * The same QR code as {@link qrOperators}, as content-stream text for appearance streams written
 * directly (no pdf-lib document): a white square, then the dark runs as rectangles, one fill.
 * Each number is formatted once per column, run length or row (formatting every operand of every
 * run cost as much as encoding the symbol); the text is the same.
 */
export function qrContent(text: string, x: number, y: number, size: number): string {
  const { size: n, data } = qrModules(text);
  const unit = size / (n + 2 * QUIET_ZONE);
  const f = (v: number) => (Math.round(v * 1000) / 1000).toString();
  const xs: string[] = [], widths: string[] = [];
  const height = ` ${f(unit + 0.02)} re\n`;
  let out = `1 1 1 rg ${f(x)} ${f(y)} ${f(size)} ${f(size)} re f 0 0 0 rg\n`;
  for (let row = 0; row < n; row++) {
    const top = y + size - (QUIET_ZONE + row) * unit;
    let bottom: string | undefined;
    for (let col = 0; col < n; ) {
      if (!data[row * n + col]) {
        col++;
        continue;
      }
      const start = col;
      while (col < n && data[row * n + col]) col++;
      bottom ??= ` ${f(top - unit - 0.01)} `;
      out += (xs[start] ??= f(x + (QUIET_ZONE + start) * unit)) + bottom + (widths[col - start] ??= f((col - start) * unit + 0.01)) + height;
    }
  }
  return out + 'f';
}
