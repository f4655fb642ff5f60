import { crc16CcittFalse, decodeTlv, encodeTlv, hasValidCrc } from '../../../src/receipts/emv-tlv';
import {
  buildVietQr,
  encodeVietQrFields,
  parseVietQr,
  toTransferNote,
} from '../../../src/receipts/vietqr';
import { isAppError } from '../../../src/errors';

/** Published payloads (domain notes §4.2 and the READMEs/tests of the libraries cited there). */
const published = {
  vietnamQrPayStatic:
    '00020101021138530010A0000007270123000697041601092576788590208QRIBFTTA53037045802VN6304AE9F',
  vietnamQrPayDynamic10000:
    '00020101021238530010A0000007270123000697041601092576788590208QRIBFTTA53037045405100005802VN62150811Chuyen tien630453E6',
  vietnamQrPayDynamic1000:
    '00020101021238530010A0000007270123000697041601092576788590208QRIBFTTA5303704540410005802VN62150811Chuyen tien6304BBB8',
  napasQr:
    '00020101021238530010A0000007270123000697041601092245284790208QRIBFTTA53037045405100005802VN62340107NPS68690819TRANSFER TO SOMEONE6304AC13',
  notesLePhi:
    '00020101021238570010A00000072701270006970436011300110012345670208QRIBFTTA530370454061200005802VN62150811LEPHI HS12363047ED8',
};

describe('CRC-16/CCITT-FALSE', () => {
  it('when computed over "123456789", then it gives the catalogue check value 29B1', () => {
    expect(crc16CcittFalse('123456789')).toBe('29B1');
  });
});

describe('VietQR published payloads', () => {
  it.each(Object.entries(published))(
    'when %s is decoded and re-encoded, then the result is byte-identical',
    (_name, payload) => {
      expect(hasValidCrc(payload)).toBe(true);
      const decoded = parseVietQr(payload);
      expect(encodeVietQrFields(decoded.fields)).toBe(payload);
    },
  );

  it('when the notes example is decoded, then BIN, account, amount and note are read', () => {
    const d = parseVietQr(published.notesLePhi);
    expect(d).toMatchObject({
      bin: '970436',
      account: '0011001234567',
      service: 'QRIBFTTA',
      amount: 120000,
      purpose: 'LEPHI HS123',
      isDynamic: true,
    });
  });

  it('when the notes example is rebuilt from its parts, then the builder gives the same payload', () => {
    expect(
      buildVietQr({ bin: '970436', account: '0011001234567', amount: 120000, purpose: 'LEPHI HS123' }),
    ).toBe(published.notesLePhi);
    expect(buildVietQr({ bin: '970416', account: '257678859' })).toBe(published.vietnamQrPayStatic);
    expect(
      buildVietQr({
        bin: '970416',
        account: '224528479',
        amount: 10000,
        billNumber: 'NPS6869',
        purpose: 'TRANSFER TO SOMEONE',
      }),
    ).toBe(published.napasQr);
  });

  it('when one character of a payload is changed, then the CRC check refuses it', () => {
    const tampered = published.notesLePhi.replace('120000', '100000');
    expect(hasValidCrc(tampered)).toBe(false);
    expect(() => parseVietQr(tampered)).toThrow(/CRC/);
  });
});

describe('TLV', () => {
  it('when a field is empty, then it is omitted (QĐ 1271 Part I.IV.7)', () => {
    expect(encodeTlv([{ tag: '00', value: '01' }, { tag: '54', value: '' }])).toBe('000201');
  });

  it('when a length runs past the end, then decoding fails with VALIDATION_FAILED', () => {
    let caught: unknown;
    try {
      decodeTlv('000501');
    } catch (e) {
      caught = e;
    }
    expect(isAppError(caught, 'VALIDATION_FAILED')).toBe(true);
  });
});

describe('toTransferNote', () => {
  it('when the note has Vietnamese diacritics, then it becomes uppercase ASCII of at most 25', () => {
    expect(toTransferNote('Lệ phí hồ sơ đăng ký HS-000.25.12.H29-250101-0001')).toBe(
      'LE PHI HO SO DANG KY HS 0',
    );
    expect(toTransferNote('Đ đ')).toBe('D D');
  });
});
