import { derGeneralizedTime, derInteger, derLength, derOid, derSetOf, derTime, readTlv } from '../../../src/cms/der-writer';

describe('der-writer', () => {
  it('when lengths cross 127, 255 and 65535, then the long forms of X.690 §8.1.3 are used', () => {
    expect(derLength(127).toString('hex')).toBe('7f');
    expect(derLength(128).toString('hex')).toBe('8180');
    expect(derLength(256).toString('hex')).toBe('820100');
    expect(derLength(65536).toString('hex')).toBe('83010000');
  });

  it('when OIDs and integers are encoded, then the bytes match the X.690 examples', () => {
    expect(derOid('1.2.840.113549.1.9.16.2.47').toString('hex')).toBe('060b2a864886f70d010910022f');
    expect(derInteger(0).toString('hex')).toBe('020100');
    expect(derInteger(128).toString('hex')).toBe('02020080');
    expect(derInteger(Buffer.from('000001', 'hex')).toString('hex')).toBe('020101');
  });

  it('when a time is before or after 2050, then UTCTime or GeneralizedTime is chosen (RFC 5280 §4.1.2.5)', () => {
    expect(derTime(new Date('2026-11-22T09:00:05Z')).subarray(2).toString()).toBe('261122090005Z');
    expect(derTime(new Date('2050-01-01T00:00:00Z')).subarray(2).toString()).toBe('20500101000000Z');
    expect(derGeneralizedTime(new Date('2026-01-02T03:04:05.120Z'), true).subarray(2).toString()).toBe('20260102030405.12Z');
  });

  it('when a SET OF is built, then elements are sorted by their encodings', () => {
    const set = derSetOf(Buffer.from('0401ff', 'hex'), Buffer.from('040100', 'hex'));
    expect(set.toString('hex')).toBe('31060401000401ff');
    expect(readTlv(set)).toMatchObject({ tag: 0x31, length: 6, end: 8 });
  });
});
