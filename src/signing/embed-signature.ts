/**
 * Embedding the CMS (the last stage: prepare -> digest -> sign -> embed). The DER is written as hex
 * into the /Contents placeholder in place, padded with zeros, so the ByteRange and every offset
 * stay as they were hashed (ISO 32000-1 12.8.1). The placeholder always lies in the appended
 * update, so only that tail is written to; the input is never copied.
 */
import { AppError } from '../errors';
import type { PreparedSignature } from './prepare-signature';

/** Writes `cmsDer` into the placeholder of `prepared.tail` (mutated); the output is `prepared.parts`. */
export function fillSignature(prepared: PreparedSignature, cmsDer: Uint8Array): void {
  const hexLength = cmsDer.length * 2;
  if (hexLength > prepared.contentsHexLength) {
    throw new AppError(
      'SIGN_PLACEHOLDER_TOO_SMALL',
      `The signature (${cmsDer.length} bytes) does not fit the ${prepared.contentsHexLength / 2} bytes reserved for it`,
      { needed: cmsDer.length, reserved: prepared.contentsHexLength / 2 },
    );
  }
  const { tail } = prepared;
  const open = prepared.contentsOffset - prepared.base.length;
  const start = open + 1;
  if (open < 0 || tail[open] !== 0x3c || tail[start + prepared.contentsHexLength] !== 0x3e) {
    throw new AppError('SIGN_FAILED', 'The /Contents placeholder is not where it was prepared');
  }
  tail.write(Buffer.from(cmsDer.buffer, cmsDer.byteOffset, cmsDer.length).toString('hex'), start, 'latin1');
  tail.fill(0x30, start + hexLength, start + prepared.contentsHexLength);
}

/**
 * Writes `cmsDer` into the placeholder and returns the whole signed file joined (a copy of the
 * input: for large files prefer {@link fillSignature} and write `prepared.parts`).
 */
export function embedSignature(prepared: PreparedSignature, cmsDer: Uint8Array): Buffer {
  fillSignature(prepared, cmsDer);
  return prepared.bytes;
}
