/**
 * Appearances judged by tools nobody here wrote: poppler's pdftoppm rasterises them (pixels are
 * then checked for blue ink, the red seal over the left third of the signature) and zbarimg
 * decodes the QR code; pdftotext reads the text blocks back (diacritics through ToUnicode).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { Rect } from '../../src/stamp/appearance-spec';
import { loadTinosFonts } from '../../src/stamp/load-tinos-fonts';
import { renderAppearance } from '../../src/stamp/render-appearance';
import { requireTool } from '../helpers/require-tool';

const samples = join(__dirname, '..', '..', 'samples');
const signature = new Uint8Array(readFileSync(join(samples, 'chu-ky-ca-nhan.png')));
const seal = new Uint8Array(readFileSync(join(samples, 'con-dau-do.png')));
const fonts = loadTinosFonts();
const DPI = 150;
const K = DPI / 72;
const URL = 'https://kyso.example.vn/v/QD-2026-000125?t=Xk3pQ9vT2mLwZ8rN4bYcA7';

const hasPoppler = requireTool('pdftoppm', 'poppler-utils');
const hasZbar = requireTool('zbarimg', 'zbar-tools');
let dir: string;
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'kyso-stamp-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function rasterise(pdf: Uint8Array, name: string): PNG {
  writeFileSync(join(dir, `${name}.pdf`), pdf);
  execFileSync('pdftoppm', ['-r', String(DPI), '-png', '-singlefile', join(dir, `${name}.pdf`), join(dir, name)]);
  return PNG.sync.read(readFileSync(join(dir, `${name}.png`)));
}

type Colour = 'blue' | 'red';
const is: Record<Colour, (r: number, g: number, b: number) => boolean> = {
  blue: (r, g, b) => b > 120 && b - r > 60 && b - g > 40,
  red: (r, g, b) => r > 150 && r - g > 80 && r - b > 70,
};

/** Counts pixels of a colour inside a rectangle given in appearance points. */
function count(png: PNG, pageHeight: number, rect: Rect, colour: Colour): number {
  let n = 0;
  const x0 = Math.max(0, Math.floor(rect.x * K)), x1 = Math.min(png.width, Math.ceil((rect.x + rect.width) * K));
  const y0 = Math.max(0, Math.floor((pageHeight - rect.y - rect.height) * K)), y1 = Math.min(png.height, Math.ceil((pageHeight - rect.y) * K));
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const i = (y * png.width + x) * 4;
      if (is[colour](png.data[i], png.data[i + 1], png.data[i + 2])) n++;
    }
  }
  return n;
}

(hasPoppler ? describe : describe.skip)('appearances rendered by pdftoppm', () => {
  it('when the organisation signature is drawn over the signature image, then red covers its left third and only blue its right part', async () => {
    const a = await renderAppearance({ kind: 'organisation', sealImage: seal, signatureImage: signature, organisationName: 'ỦY BAN NHÂN DÂN HUYỆN CẦN GIUỘC', signingTime: '2026-11-20T09:30:15+07:00', qr: { url: URL, documentId: 'QD-2026-000125' } }, fonts);
    const png = rasterise(a.pdf, 'organisation');
    const sg = a.layout.signature!;
    const third = sg.width / 3;
    const left = { ...sg, width: third - 3 };
    const right = { ...sg, x: sg.x + third + 3, width: sg.width - third - 3 };
    expect(count(png, a.height, left, 'red')).toBeGreaterThan(200);
    expect(count(png, a.height, right, 'red')).toBe(0);
    expect(count(png, a.height, right, 'blue')).toBeGreaterThan(500);
    // the seal is not covered by the signature where they overlap: red wins in the left third
    expect(count(png, a.height, left, 'red')).toBeGreaterThan(count(png, a.height, left, 'blue'));
    if (hasZbar) {
      const out = execFileSync('zbarimg', ['-q', '--raw', join(dir, 'organisation.png')], { encoding: 'utf8' });
      expect(out.trim()).toBe(URL);
    }
  });

  it('when a personal signature is rendered, then blue ink fills the image box and nothing is red', async () => {
    const a = await renderAppearance({ kind: 'personal', signatureImage: signature, title: 'Chủ tịch', name: 'Nguyễn Văn An' }, fonts);
    const png = rasterise(a.pdf, 'personal');
    const all = { x: 0, y: 0, width: a.width, height: a.height };
    expect(count(png, a.height, a.layout.signature!, 'blue')).toBeGreaterThan(1000);
    expect(count(png, a.height, all, 'red')).toBe(0);
    // transparent background: the corners of the image box stay white
    const corner = (png.data[((Math.ceil((a.height - a.layout.signature!.y - a.layout.signature!.height) * K) + 1) * png.width + 1) * 4]);
    expect(corner).toBe(255);
  });

  it('when attachment and copy blocks are rendered, then pdftotext reads the Vietnamese text back', async () => {
    const att = await renderAppearance({ kind: 'attachment', numberAndNotation: 'Số: 125/QĐ-UBND', signingTime: '2026-11-20T09:30:15+07:00' }, fonts);
    const cp = await renderAppearance({ kind: 'copy', copyKind: 'SAO LỤC', organisationName: 'VĂN PHÒNG HĐND VÀ UBND HUYỆN CẦN GIUỘC', signingTime: '2026-11-21T14:05:00+07:00' }, fonts);
    writeFileSync(join(dir, 'att.pdf'), att.pdf);
    writeFileSync(join(dir, 'copy.pdf'), cp.pdf);
    const t1 = execFileSync('pdftotext', [join(dir, 'att.pdf'), '-'], { encoding: 'utf8' });
    const t2 = execFileSync('pdftotext', [join(dir, 'copy.pdf'), '-'], { encoding: 'utf8' });
    expect(t1.normalize('NFC')).toContain('Số: 125/QĐ-UBND');
    expect(t1).toContain('2026-11-20T09:30:15+07:00');
    expect(t2.normalize('NFC')).toContain('SAO LỤC');
    expect(t2.normalize('NFC').replace(/\s+/g, ' ')).toContain('VĂN PHÒNG HĐND VÀ UBND HUYỆN CẦN GIUỘC');
    // size 10 black: no coloured pixels at all
    const png = rasterise(cp.pdf, 'copy');
    const all = { x: 0, y: 0, width: cp.width, height: cp.height };
    expect(count(png, cp.height, all, 'red') + count(png, cp.height, all, 'blue')).toBe(0);
  });
});
