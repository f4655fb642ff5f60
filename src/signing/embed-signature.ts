/**
 * Embedding the CMS (the last stage: prepare -> digest -> sign -> embed). The DER is written as hex
 * into the /Contents placeholder in place, padded with zeros, so the ByteRange and every offset
 * stay as they were hashed (ISO 32000-1 12.8.1).
 */
import { AppError } from '../errors';
import type { PreparedSignature } from './prepare-signature';

/** Writes `cmsDer` into the placeholder of `prepared.bytes` (mutated) and returns those bytes. */
export function embedSignature(prepared: PreparedSignature, cmsDer: Uint8Array): Buffer {
  const hex = Buffer.from(cmsDer.buffer, cmsDer.byteOffset, cmsDer.length).toString('hex');
  if (hex.length > prepared.contentsHexLength) {
    throw new AppError(
      'SIGN_PLACEHOLDER_TOO_SMALL',
      `The signature (${cmsDer.length} bytes) does not fit the ${prepared.contentsHexLength / 2} bytes reserved for it`,
      { needed: cmsDer.length, reserved: prepared.contentsHexLength / 2 },
    );
  }
  const start = prepared.contentsOffset + 1;
  const { bytes } = prepared;
  if (bytes[prepared.contentsOffset] !== 0x3c || bytes[start + prepared.contentsHexLength] !== 0x3e) {
    throw new AppError('SIGN_FAILED', 'The /Contents placeholder is not where it was prepared');
  }
  bytes.write(hex, start, 'latin1');
  bytes.fill(0x30, start + hex.length, start + prepared.contentsHexLength);
  return bytes;
}
