import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { isAppError } from '../../../src/errors';
import { loadTinosFonts } from '../../../src/stamp/load-tinos-fonts';
import { renderAppearance } from '../../../src/stamp/render-appearance';
import { assertVietnamTime, formatVietnamTime } from '../../../src/stamp/signing-time';

const samples = join(__dirname, '..', '..', '..', 'samples');
const signature = new Uint8Array(readFileSync(join(samples, 'chu-ky-ca-nhan.png')));
const seal = new Uint8Array(readFileSync(join(samples, 'con-dau-do.png')));
const fonts = loadTinosFonts();
const TIME = '2026-11-20T09:30:15+07:00';

async function pageSize(pdf: Uint8Array): Promise<[number, number]> {
  const doc = await PDFDocument.load(pdf);
  expect(doc.getPageCount()).toBe(1);
  const { width, height } = doc.getPage(0).getSize();
  return [width, height];
}

describe('renderAppearance', () => {
  it('when a personal signature is rendered, then the page is the widget and the image sits between title and name', async () => {
    const a = await renderAppearance({ kind: 'personal', signatureImage: signature, title: 'Chủ tịch', name: 'Nguyễn Văn An' }, fonts);
    expect(await pageSize(a.pdf)).toEqual([a.width, a.height]);
    const s = a.layout.signature!;
    expect(s.y).toBeGreaterThan(13); // above the name line
    expect(s.y + s.height).toBeLessThan(a.height - 13); // below the title line
    expect(s.x + s.width / 2).toBeCloseTo(a.width / 2, 3); // centred
  });

  it('when an organisation signature is rendered with the signature image, then the seal covers the left third of it', async () => {
    const a = await renderAppearance({ kind: 'organisation', sealImage: seal, signatureImage: signature, organisationName: 'ỦY BAN NHÂN DÂN HUYỆN CẦN GIUỘC', signingTime: TIME }, fonts);
    const { seal: sl, signature: sg } = a.layout;
    expect(sl!.x + sl!.width).toBeCloseTo(sg!.x + sg!.width / 3, 3);
    // real size: 426 px at 300 dpi = 36 mm = 102.2 pt
    expect(sl!.width).toBeCloseTo((426 / 300) * 72, 1);
    expect(await pageSize(a.pdf)).toEqual([a.width, a.height]);
  });

  it('when the seal diameter is given, then the seal is drawn at that size', async () => {
    const a = await renderAppearance({ kind: 'organisation', sealImage: seal, sealDiameterMm: 40, organisationName: 'UBND', signingTime: TIME }, fonts);
    expect(a.layout.seal!.width).toBeCloseTo((40 * 72) / 25.4, 3);
  });

  it('when the image is not a PNG, then STAMP_IMAGE_INVALID', async () => {
    const bad = new TextEncoder().encode('not a png at all');
    const err = await renderAppearance({ kind: 'personal', signatureImage: bad }, fonts).then(() => undefined, (e: unknown) => e);
    expect(isAppError(err, 'STAMP_IMAGE_INVALID')).toBe(true);
  });

  it.each([
    ['a time without offset', { kind: 'attachment', numberAndNotation: '125/QĐ-UBND', signingTime: '2026-11-20T09:30:15Z' }],
    ['an empty organisation name', { kind: 'copy', copyKind: 'SAO Y', organisationName: '  ', signingTime: TIME }],
    ['an unknown copy kind', { kind: 'copy', copyKind: 'SAO CHÉP', organisationName: 'UBND', signingTime: TIME }],
  ])('when the spec has %s, then STAMP_SPEC_INVALID', async (_what, spec) => {
    const err = await renderAppearance(spec as never, fonts).then(() => undefined, (e: unknown) => e);
    expect(isAppError(err, 'STAMP_SPEC_INVALID')).toBe(true);
  });

  it('when the images are embedded, then they carry an alpha soft mask', async () => {
    const a = await renderAppearance({ kind: 'personal', signatureImage: signature }, fonts);
    const text = Buffer.from(a.pdf).toString('latin1');
    expect(text).toMatch(/\/SMask \d+ 0 R/);
  });
});

describe('signing time', () => {
  it('when an instant is formatted, then it is ISO 8601 in +07:00', () => {
    expect(formatVietnamTime(new Date('2026-11-20T02:30:15Z'))).toBe('2026-11-20T09:30:15+07:00');
    expect(formatVietnamTime(new Date('2026-12-31T20:00:00Z'))).toBe('2027-01-01T03:00:00+07:00');
  });
  it('when a time has another offset or is not a date, then it is refused', () => {
    expect(() => assertVietnamTime('2026-11-20T09:30:15+08:00')).toThrow();
    expect(() => assertVietnamTime('2026-13-45T09:30:15+07:00')).toThrow();
    expect(() => assertVietnamTime(TIME)).not.toThrow();
  });
});
