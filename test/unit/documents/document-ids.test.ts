import { crockfordBase32, hashAccessToken, isDocumentId, newAccessToken, newDocumentId, tokenMatches, verificationUrl } from '../../../src/documents/document-ids';

describe('document ids and access tokens', () => {
  test('when ids are generated, then they are VB- + 16 Crockford characters and do not repeat', () => {
    const ids = new Set(Array.from({ length: 2000 }, newDocumentId));
    expect(ids.size).toBe(2000);
    for (const id of ids) expect(isDocumentId(id)).toBe(true);
    expect(isDocumentId('VB-ILOU000000000000')).toBe(false);
    expect(isDocumentId("VB-0000000000000000' or 1=1")).toBe(false);
  });

  test('when bytes are base32-encoded, then the Crockford alphabet is used (RFC 4648 test vector remapped)', () => {
    // "foobar" in RFC 4648 base32 is MZXW6YTBOI; Crockford maps the same 5-bit values.
    expect(crockfordBase32(Buffer.from('foobar'))).toBe('CSQPYRK1E8');
    expect(crockfordBase32(Buffer.from([0xff]))).toBe('ZW');
  });

  test('when tokens are generated, then they carry 144 bits and only the right one matches the stored hash', () => {
    const t = newAccessToken();
    expect(t).toMatch(/^[A-Za-z0-9_-]{24}$/);
    const h = hashAccessToken(t);
    expect(tokenMatches(t, h)).toBe(true);
    expect(tokenMatches(t.slice(0, -1) + (t.endsWith('A') ? 'B' : 'A'), h)).toBe(false);
    expect(tokenMatches(undefined, h)).toBe(false);
    expect(tokenMatches('', hashAccessToken(''))).toBe(false);
    expect(tokenMatches(t, null)).toBe(false);
  });

  test('when the URL is built, then the base URL loses its trailing slash and parts are encoded', () => {
    expect(verificationUrl('https://a.vn/', 'VB-1', 'x-_y')).toBe('https://a.vn/v/VB-1?t=x-_y');
  });
});
