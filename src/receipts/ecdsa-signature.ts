/**
 * ECDSA signature value conversion. KeyHandle returns the DER Ecdsa-Sig-Value (as CMS needs);
 * XML Signature wants r || s, each left-padded to the curve size (RFC 4050 / XMLDSig 1.1 §6.4.3).
 */
import { AppError } from '../errors';

/** DER SEQUENCE { INTEGER r, INTEGER s } → r || s of `size` bytes each. */
export function ecdsaDerToRaw(der: Buffer, size: number): Buffer {
  let at = 0;
  const expect = (tag: number) => {
    if (der[at] !== tag) throw new AppError('SIGN_FAILED', 'The ECDSA signature is not DER.');
    at += 1;
    let length = der[at++]!;
    if (length & 0x80) {
      const bytes = length & 0x7f;
      length = 0;
      for (let i = 0; i < bytes; i++) length = (length << 8) | der[at++]!;
    }
    return length;
  };
  expect(0x30);
  const integer = () => {
    const length = expect(0x02);
    const value = der.subarray(at, at + length);
    at += length;
    const trimmed = value.subarray(value.findIndex((b) => b !== 0) === -1 ? value.length : value.findIndex((b) => b !== 0));
    if (trimmed.length > size) throw new AppError('SIGN_FAILED', 'The ECDSA signature does not fit the curve.');
    return Buffer.concat([Buffer.alloc(size - trimmed.length), trimmed]);
  };
  return Buffer.concat([integer(), integer()]);
}
