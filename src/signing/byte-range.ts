/**
 * The ByteRange rules (ISO 32000-1 12.8.1): the signed bytes are the whole file except the
 * /Contents string, and the gap is exactly that string including its `<` and `>` delimiters.
 * The placeholder is written with fixed-width numbers and replaced in place, so no offset moves.
 */
import { createHash } from 'node:crypto';
import { AppError } from '../errors';

/** `[offset1 length1 offset2 length2]` with offset1 = 0. */
export type ByteRange = [number, number, number, number];

/** The placeholder value written before offsets are known: 10 digits per field (files up to ~9.3 GB). */
export const BYTE_RANGE_PLACEHOLDER: ByteRange = [0, 9_999_999_999, 9_999_999_999, 9_999_999_999];

/** The placeholder as serialized: `[0 9999999999 9999999999 9999999999]`. */
export const BYTE_RANGE_PLACEHOLDER_TEXT = '[0 9999999999 9999999999 9999999999]';

/**
 * The ByteRange for a file of `totalLength` bytes whose /Contents string starts with `<` at
 * `contentsStart` and ends with `>` just before `contentsEnd`.
 */
export function computeByteRange(totalLength: number, contentsStart: number, contentsEnd: number): ByteRange {
  if (!(contentsStart > 0 && contentsEnd > contentsStart && contentsEnd <= totalLength)) {
    throw new AppError('SIGN_FAILED', 'The signature /Contents placeholder lies outside the file');
  }
  return [0, contentsStart, contentsEnd, totalLength - contentsEnd];
}

/** Writes `range` over the placeholder text that starts (with `[`) at `at`, padding with spaces. */
export function writeByteRange(bytes: Buffer, at: number, range: ByteRange): void {
  const width = BYTE_RANGE_PLACEHOLDER_TEXT.length;
  if (bytes.toString('latin1', at, at + width) !== BYTE_RANGE_PLACEHOLDER_TEXT) {
    throw new AppError('SIGN_FAILED', 'The /ByteRange placeholder is not where it was written');
  }
  const text = `[${range.join(' ')}`;
  if (text.length > width - 1) throw new AppError('SIGN_FAILED', 'The file is too large for the /ByteRange placeholder');
  bytes.write(`${text.padEnd(width - 1, ' ')}]`, at, 'latin1');
}

/**
 * Something with a ByteRange and its bytes: either split into parts (a prepared signature: the
 * input then the appended update, never joined) or one buffer.
 */
export type ByteRanged = { byteRange: ByteRange } & ({ parts: readonly Uint8Array[] } | { bytes: Uint8Array });

/** Feeds bytes [start, end) of the concatenation of `parts` to `update`, without joining them. */
export function forEachSlice(parts: readonly Uint8Array[], start: number, end: number, update: (b: Uint8Array) => void): void {
  let at = 0;
  for (const p of parts) {
    const from = Math.max(start, at);
    const to = Math.min(end, at + p.length);
    if (from < to) update(p.subarray(from - at, to - at));
    at += p.length;
    if (at >= end) return;
  }
  if (at < end) throw new AppError('SIGN_FAILED', 'The /ByteRange reaches past the end of the file');
}

/** Hashes the two signed ranges with node:crypto, without concatenating them. */
export function digestByteRange(prepared: ByteRanged, hash: 'sha256' | 'sha384' | 'sha512' = 'sha256'): Buffer {
  const [a, b, c, d] = prepared.byteRange;
  const h = createHash(hash);
  const parts = 'parts' in prepared ? prepared.parts : [prepared.bytes];
  const update = (x: Uint8Array): void => void h.update(x);
  forEachSlice(parts, a, a + b, update);
  forEachSlice(parts, c, c + d, update);
  return h.digest();
}
