/**
 * The sample organisation seal: a red round seal of 36 mm (Decree 30/2020 Appendix I Part
 * I.II.8.a: the seal image is red, at the seal's real size, PNG with a transparent background).
 * Drawn as vectors on a 36 mm pdf-lib page (two rings, Tinos glyphs rotated along the ring, a
 * star in the centre), rasterised with `pdftoppm -r 300`, then turned into red ink whose alpha is
 * the darkness of the grey render (white becomes transparent).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { degrees, PDFDocument, PDFFont, PDFPage, rgb } from 'pdf-lib';
import { PNG } from 'pngjs';
import { embedFaces, mm } from './typeset';

/** Seal diameter (Decree 30 sets "real size"; 36 mm is a common district seal). */
export const SEAL_MM = 36;

/**
 * Draws `text` along a circle of radius r centred on the angle `mid` (radians). Clockwise text
 * (the top arc) stands with its glyphs pointing outward; counter-clockwise text (the bottom arc)
 * reads left to right with its glyphs pointing to the centre.
 */
function arcText(page: PDFPage, font: PDFFont, size: number, text: string, c: number, r: number, mid: number, clockwise: boolean, track = 0): void {
  const dir = clockwise ? -1 : 1;
  const widths = [...text].map((ch) => font.widthOfTextAtSize(ch, size) + track);
  const total = widths.reduce((a, b) => a + b, 0) - track;
  let phi = mid - (dir * total) / r / 2;
  [...text].forEach((ch, i) => {
    const w = widths[i] - track;
    const centre = phi + (dir * w) / 2 / r;
    const rot = centre + (dir * Math.PI) / 2;
    const bx = c + r * Math.cos(centre) - (w / 2) * Math.cos(rot);
    const by = c + r * Math.sin(centre) - (w / 2) * Math.sin(rot);
    page.drawText(ch, { x: bx, y: by, size, font, rotate: degrees((rot * 180) / Math.PI), color: rgb(0, 0, 0) });
    phi += (dir * widths[i]) / r;
  });
}

/** A filled five-pointed star. */
function star(page: PDFPage, c: number, outer: number): void {
  const inner = outer * 0.382;
  const pts: string[] = [];
  for (let i = 0; i < 10; i++) {
    const a = Math.PI / 2 + (i * Math.PI) / 5;
    const r = i % 2 === 0 ? outer : inner;
    pts.push(`${(r * Math.cos(a)).toFixed(3)} ${(-r * Math.sin(a)).toFixed(3)}`);
  }
  page.drawSvgPath(`M ${pts.join(' L ')} Z`, { x: c, y: c, color: rgb(0, 0, 0) });
}

/** Builds the seal as a one-page vector PDF. */
export async function makeSealPdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const f = await embedFaces(doc);
  const side = mm(SEAL_MM);
  const c = side / 2;
  const page = doc.addPage([side, side]);
  const black = rgb(0, 0, 0);
  page.drawCircle({ x: c, y: c, size: c - 1.6, borderWidth: 2.4, borderColor: black });
  page.drawCircle({ x: c, y: c, size: c - 4.2, borderWidth: 0.6, borderColor: black });
  page.drawCircle({ x: c, y: c, size: c - 15.2, borderWidth: 0.9, borderColor: black });
  arcText(page, f.bold, 7.6, 'ỦY BAN NHÂN DÂN HUYỆN CẦN GIUỘC', c, c - 12.2, Math.PI / 2, true, 0.45);
  arcText(page, f.bold, 7.6, 'TỈNH LONG AN', c, c - 6.4, -Math.PI / 2, false, 0.6);
  star(page, c, 13);
  return doc.save();
}

/** Rasterises the seal at 300 dpi and converts it to red ink on transparency. */
export async function makeSealPng(): Promise<Buffer> {
  const dir = mkdtempSync(join(tmpdir(), 'kyso-seal-'));
  try {
    writeFileSync(join(dir, 'seal.pdf'), await makeSealPdf());
    execFileSync('pdftoppm', ['-r', '300', '-gray', '-png', '-singlefile', join(dir, 'seal.pdf'), join(dir, 'seal')]);
    const grey = PNG.sync.read(readFileSync(join(dir, 'seal.png')));
    const out = new PNG({ width: grey.width, height: grey.height, colorType: 6 });
    for (let i = 0; i < grey.width * grey.height; i++) {
      const dark = 255 - grey.data[i * 4];
      out.data[i * 4] = 214;
      out.data[i * 4 + 1] = 24;
      out.data[i * 4 + 2] = 32;
      out.data[i * 4 + 3] = dark;
    }
    return PNG.sync.write(out, { colorType: 6 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
