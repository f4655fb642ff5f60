import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openPdf } from '../../../src/pdf';
import { prepareSignature } from '../../../src/signing/prepare-signature';
import { createStampKit, loadTinosFonts, renderAppearance, STAMP_CHARSET, type AppearanceSpec, type StampKit } from '../../../src/stamp';
import { parseToUnicode } from '../../../src/stamp/text-font';
import { asName, PdfDict, PdfRef, PdfStream } from '../../../src/pdf';

const samples = join(__dirname, '..', '..', '..', 'samples');
const seal = readFileSync(join(samples, 'con-dau-do.png'));
const signature = readFileSync(join(samples, 'chu-ky-ca-nhan.png'));
const time = '2026-11-20T09:35:00+07:00';

describe('stamp kit (cached fonts, direct appearance streams)', () => {
  let kit: StampKit;
  beforeAll(async () => (kit = await createStampKit(loadTinosFonts())));

  const specs: AppearanceSpec[] = [
    { kind: 'personal', signatureImage: signature },
    { kind: 'personal', signatureImage: signature, title: 'Chủ tịch', name: 'Nguyễn Văn An' },
    { kind: 'organisation', sealImage: seal, organisationName: 'ỦY BAN NHÂN DÂN HUYỆN CẦN GIUỘC', signingTime: time, qr: { url: 'https://a.vn/v/VB-1?t=x', documentId: 'VB-1' } },
    { kind: 'organisation', sealImage: seal, signatureImage: signature, organisationName: 'UBND huyện Cần Giuộc', signingTime: time },
    { kind: 'attachment', numberAndNotation: 'Số: 125/QĐ-UBND', signingTime: time },
    { kind: 'copy', copyKind: 'SAO LỤC', organisationName: 'Sở Thông tin và Truyền thông tỉnh Long An', signingTime: time },
  ];

  test.each(specs.map((s, i) => [`${s.kind} #${i}`, s] as const))('when %s is laid out, then sizes and parts match renderAppearance', async (_n, spec) => {
    const fast = kit.appearance(spec);
    const slow = await renderAppearance(spec, loadTinosFonts());
    expect(fast.width).toBe(slow.width);
    expect(fast.height).toBe(slow.height);
    for (const part of ['signature', 'seal', 'text', 'qr'] as const) {
      expect(Boolean(fast.layout[part])).toBe(Boolean(slow.layout[part]));
      if (fast.layout[part]) for (const k of ['x', 'y', 'width', 'height'] as const) expect(fast.layout[part]![k]).toBeCloseTo(slow.layout[part]![k], 1);
    }
  });

  test('when every Vietnamese letter is in the charset, then the subset ToUnicode maps each one back', () => {
    for (const ch of 'ăâđêôơưỳýỷỹỵẮẰẲẴẶĐỬỮỰ–“”') expect(STAMP_CHARSET).toContain(ch);
    const input = readFileSync(join(samples, 'quyet-dinh.pdf'));
    const app = kit.appearance({ kind: 'copy', copyKind: 'TRÍCH SAO', organisationName: 'Ủy ban nhân dân xã Phước Lý', signingTime: time });
    const out = prepareSignature(openPdf(input), { subFilter: 'ETSI.CAdES.detached', contentsSize: 2048, signingTime: new Date(), rect: [300, 700, 300 + app.width, 700 + app.height], appearance: app });
    const doc = openPdf(out.bytes);
    const fonts = [...Array(doc.nextObjectNumber).keys()].slice(1).map((n) => doc.resolve(new PdfRef(n, 0)))
      .filter((o): o is PdfDict => o instanceof PdfDict && asName(o.get('Subtype')) === 'Type0' && (asName(o.get('BaseFont')) ?? '').startsWith('KYSOTR+'));
    expect(fonts.length).toBe(1);
    const cmap = doc.resolve(fonts[0].get('ToUnicode')) as PdfStream;
    const parsed = parseToUnicode(doc.decodeStream(cmap).toString('latin1'));
    const texts = new Set(parsed.map.values());
    for (const ch of 'Ủy ban nhân dân xã Phước Lý TRÍCH SAO') if (ch !== ' ') expect(texts).toContain(ch);
  });

  test('when a text holds a character outside the subset, then it is refused with the character named', () => {
    expect(() => kit.appearance({ kind: 'attachment', numberAndNotation: 'Số 125 ✓ 漢', signingTime: time })).toThrow(/✓ 漢/);
  });

  test('when the signing time is not +07:00, then the appearance is refused', () => {
    expect(() => kit.appearance({ kind: 'attachment', numberAndNotation: '125/QĐ-UBND', signingTime: '2026-11-20T02:35:00Z' })).toThrow(expect.objectContaining({ code: 'STAMP_SPEC_INVALID' }));
  });
});
