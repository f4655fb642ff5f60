/**
 * QR code drawn as vector rectangles (no raster, sharp at any zoom and print resolution), from
 * the module matrix of `qrcode`'s `QRCode.create`. Dark modules of a row are merged into runs so
 * that a version-5 code costs a few hundred operators, not thousands. A white square with the
 * 4-module quiet zone (ISO/IEC 18004 §6.3.8) goes underneath so the code scans on any background.
 */
import { fill, PDFOperator, rectangle, setFillingRgbColor } from 'pdf-lib';
import QRCode from 'qrcode';
import { AppError } from '../errors';

/** Quiet zone in modules. */
export const QUIET_ZONE = 4;

/**
 * Operators that draw `text` as a QR code (error correction M) in the square (x, y, size),
 * quiet zone included.
 */
export function qrOperators(text: string, x: number, y: number, size: number): PDFOperator[] {
  let modules: { size: number; get(row: number, col: number): number | boolean };
  try {
    modules = QRCode.create(text, { errorCorrectionLevel: 'M' }).modules as typeof modules;
  } catch (e) {
    throw new AppError('STAMP_SPEC_INVALID', 'The QR text cannot be encoded as a QR code', { reason: String(e) });
  }
  const n = modules.size;
  const unit = size / (n + 2 * QUIET_ZONE);
  const ops: PDFOperator[] = [setFillingRgbColor(1, 1, 1), rectangle(x, y, size, size), fill(), setFillingRgbColor(0, 0, 0)];
  for (let row = 0; row < n; row++) {
    const top = y + size - (QUIET_ZONE + row) * unit;
    let col = 0;
    while (col < n) {
      if (!modules.get(row, col)) {
        col++;
        continue;
      }
      const start = col;
      while (col < n && modules.get(row, col)) col++;
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
 */
export function qrContent(text: string, x: number, y: number, size: number): string {
  let modules: { size: number; data: Uint8Array };
  try {
    modules = QRCode.create(text, { errorCorrectionLevel: 'M' }).modules as unknown as typeof modules;
  } catch (e) {
    throw new AppError('STAMP_SPEC_INVALID', 'The QR text cannot be encoded as a QR code', { reason: String(e) });
  }
  const n = modules.size;
  const unit = size / (n + 2 * QUIET_ZONE);
  const f = (v: number) => (Math.round(v * 1000) / 1000).toString();
  const out: string[] = [`1 1 1 rg ${f(x)} ${f(y)} ${f(size)} ${f(size)} re f 0 0 0 rg`];
  for (let row = 0; row < n; row++) {
    const top = y + size - (QUIET_ZONE + row) * unit;
    for (let col = 0; col < n; ) {
      if (!modules.data[row * n + col]) {
        col++;
        continue;
      }
      const start = col;
      while (col < n && modules.data[row * n + col]) col++;
      out.push(`${f(x + (QUIET_ZONE + start) * unit)} ${f(top - unit - 0.01)} ${f((col - start) * unit + 0.01)} ${f(unit + 0.02)} re`);
    }
  }
  out.push('f');
  return out.join('\n');
}
