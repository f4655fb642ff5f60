/**
 * The sample Quyết định with a personal signature placed under the anchor "CHỦ TỊCH", then the
 * organisation signature (seal over the left third of the personal image, QR code), each grafted
 * as the widget's /AP /N by an incremental update. Judged by poppler (pdftoppm pixels), zbarimg
 * (the QR decodes to the URL) and qpdf --check. The placeholders are not signed here: the
 * cryptographic checks (pdfsig) belong to the signing tests.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { openPdf } from '../../src/pdf';
import { prepareSignature } from '../../src/signing/prepare-signature';
import {
  appearanceFrom, findAnchorText, imageRectOnPage, loadTinosFonts, placeOverPersonal, Rect, renderAppearance, toPdfRect,
} from '../../src/stamp';
import { requireTool } from '../helpers/require-tool';

const samples = join(__dirname, '..', '..', 'samples');
const DPI = 100;
const K = DPI / 72;
const URL = 'https://kyso.example.vn/v/QD-2026-000125?t=9fQ2xLr7TbWm4KcZp8VnYs';
const hasPoppler = requireTool('pdftoppm', 'poppler-utils');
const hasZbar = requireTool('zbarimg', 'zbar-tools');
const hasQpdf = requireTool('qpdf', 'qpdf');

(hasPoppler ? describe : describe.skip)('Decree 30 appearances on the sample Quyết định', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'kyso-d30-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('when signed personal then organisation, then the seal covers the left third of the signature and the QR decodes', async () => {
    const fonts = loadTinosFonts();
    const input = readFileSync(join(samples, 'quyet-dinh.pdf'));
    const anchor = findAnchorText(openPdf(input), 'CHỦ TỊCH', { width: 150, height: 60 });
    const personal = await renderAppearance({ kind: 'personal', signatureImage: readFileSync(join(samples, 'chu-ky-ca-nhan.png')), width: 150, height: 60 }, fonts);
    const first = prepareSignature(openPdf(input), {
      subFilter: 'ETSI.CAdES.detached', contentsSize: 4096, signingTime: new Date('2026-11-20T02:30:15Z'),
      page: anchor.page, rect: toPdfRect(anchor.signatureRect), appearance: appearanceFrom(personal),
    });
    expect(first.bytes.subarray(0, input.length).equals(input)).toBe(true);

    const organisation = await renderAppearance({
      kind: 'organisation', sealImage: readFileSync(join(samples, 'con-dau-do.png')), organisationName: 'ỦY BAN NHÂN DÂN HUYỆN CẦN GIUỘC',
      signingTime: '2026-11-20T09:35:00+07:00', qr: { url: URL, documentId: 'QD-2026-000125' },
    }, fonts);
    const image = imageRectOnPage(anchor.signatureRect, personal);
    const orgRect = placeOverPersonal(image, organisation);
    const second = prepareSignature(openPdf(first.bytes), {
      subFilter: 'ETSI.CAdES.detached', contentsSize: 4096, signingTime: new Date('2026-11-20T02:35:00Z'),
      page: anchor.page, rect: toPdfRect(orgRect), appearance: appearanceFrom(organisation),
    });
    const file = join(dir, 'signed-appearances.pdf');
    writeFileSync(file, second.bytes);
    if (hasQpdf) {
      const check = execFileSync('qpdf', ['--check', file], { encoding: 'utf8' });
      expect(check).toContain('No syntax or stream encoding errors');
    }

    execFileSync('pdftoppm', ['-r', String(DPI), '-png', '-singlefile', file, join(dir, 'page')]);
    const png = PNG.sync.read(readFileSync(join(dir, 'page.png')));
    const pageH = 841.89;
    const count = (r: Rect, test: (r: number, g: number, b: number) => boolean) => {
      let n = 0;
      for (let y = Math.floor((pageH - r.y - r.height) * K); y < Math.ceil((pageH - r.y) * K); y++) {
        for (let x = Math.floor(r.x * K); x < Math.ceil((r.x + r.width) * K); x++) {
          const i = (y * png.width + x) * 4;
          if (test(png.data[i], png.data[i + 1], png.data[i + 2])) n++;
        }
      }
      return n;
    };
    const red = (r: number, g: number, b: number) => r > 150 && r - g > 80 && r - b > 70;
    const blue = (r: number, g: number, b: number) => b > 120 && b - r > 60 && b - g > 40;
    const third = image.width / 3;
    expect(count({ ...image, width: third - 2 }, red)).toBeGreaterThan(100);
    expect(count({ ...image, x: image.x + third + 2, width: image.width - third - 2 }, red)).toBe(0);
    expect(count({ ...image, x: image.x + third + 2, width: image.width - third - 2 }, blue)).toBeGreaterThan(300);
    // the seal lies left of the image too (it is centred one third in, so most of it sticks out left)
    expect(count({ x: image.x - 60, y: image.y, width: 58, height: image.height }, red)).toBeGreaterThan(300);
    if (hasZbar) {
      writeFileSync(join(dir, 'hi.pdf'), second.bytes);
      execFileSync('pdftoppm', ['-r', '200', '-png', '-singlefile', file, join(dir, 'hi')]);
      expect(execFileSync('zbarimg', ['-q', '--raw', join(dir, 'hi.png')], { encoding: 'utf8' }).trim()).toBe(URL);
    }
  });
});
