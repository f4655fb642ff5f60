import { randomBytes } from 'node:crypto';
import QRCode from 'qrcode';
import { isAppError } from '../../../src/errors';
import { formatBits, maskPenalties } from '../../../src/stamp/qr-mask';
import { qrContent, qrModules, qrSegments } from '../../../src/stamp/qr-vector';

// the library's own scoring and format bits, as the oracle (internal modules, test only)
const MaskPattern = require('qrcode/lib/core/mask-pattern');
const FormatInfo = require('qrcode/lib/core/format-info');

const crockford = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const documentUrl = (base: string) => `${base}/v/VB-${Array.from(randomBytes(16), (b) => crockford[b & 31]).join('')}?t=${randomBytes(18).toString('base64url')}`;
const receiptUrl = (base: string, k: number) => `${base}/r/BL-2026-${String(k).padStart(6, '0')}?t=${randomBytes(18).toString('base64url')}`;
const texts = [
  ...['http://localhost:3000', 'https://dichvucong.cangiuoc.longan.gov.vn'].flatMap((b) => Array.from({ length: 20 }, (_, k) => [documentUrl(b), receiptUrl(b, k)]).flat()),
  '0123456789'.repeat(30), 'HELLO WORLD '.repeat(40), 'Chữ ký số — Ủy ban nhân dân', '😀x😀1234567', 'a'.repeat(700), randomBytes(900).toString('base64'),
];
const classOf = (version: number) => (version >= 27 ? 2 : version >= 10 ? 1 : 0);

describe('QR symbol', () => {
  it('when a symbol is built, then it is the one qrcode builds from the same segments with its own mask choice', () => {
    for (const text of texts) {
      const mine = qrModules(text);
      const ref = QRCode.create(qrSegments(text, classOf((mine.size - 17) / 4)), { errorCorrectionLevel: 'M' });
      expect(mine.size).toBe(ref.modules.size);
      expect(Buffer.from(mine.data).equals(Buffer.from(ref.modules.data))).toBe(true);
    }
  });

  it('when masks are scored, then each penalty is the library\'s (N1+N2+N3+N4, §7.8.3), below and above 64 modules', () => {
    for (const text of [texts[0], texts[1], texts[texts.length - 1]]) {
      const segments = qrSegments(text, 0);
      const { size, data, reservedBit } = QRCode.create(segments, { errorCorrectionLevel: 'M', maskPattern: 0 }).modules;
      // the symbol with mask p and its format bits is the matrix getBestMask scores for p
      const expected = Array.from({ length: 8 }, (_, p) => {
        const m = QRCode.create(segments, { errorCorrectionLevel: 'M', maskPattern: p as 0 }).modules;
        return MaskPattern.getPenaltyN1(m) + MaskPattern.getPenaltyN2(m) + MaskPattern.getPenaltyN3(m) + MaskPattern.getPenaltyN4(m);
      });
      expect(size > 64).toBe(text === texts[texts.length - 1]);
      expect(maskPenalties(data, reservedBit, size)).toEqual(expected);
    }
  });

  it('when format bits are encoded, then they are the library\'s for level M and every mask (§7.9.1)', () => {
    for (let p = 0; p < 8; p++) expect(formatBits(p)).toBe(FormatInfo.getEncodedBits({ bit: 0 }, p));
  });

  it('when our URLs are segmented, then the version is never larger than the library\'s own segmentation gives', () => {
    for (const text of texts) expect((qrModules(text).size - 17) / 4).toBeLessThanOrEqual(QRCode.create(text, { errorCorrectionLevel: 'M' }).version);
  });

  it('when the text is empty or too long, then STAMP_SPEC_INVALID', () => {
    for (const text of ['', 'x'.repeat(3000)]) {
      let err: unknown;
      try { qrContent(text, 0, 0, 50); } catch (e) { err = e; }
      expect(isAppError(err, 'STAMP_SPEC_INVALID')).toBe(true);
    }
  });
});
