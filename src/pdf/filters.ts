/**
 * Stream filters (ISO 32000-1 7.4): FlateDecode, LZWDecode, ASCIIHexDecode, ASCII85Decode,
 * RunLengthDecode, with PNG and TIFF predictors (7.4.4.4). Truncated Flate data yields what could
 * be inflated, as PDF readers do. Output size is bounded by `maxDecompressedBytes`.
 */
import { constants, inflateSync } from 'node:zlib';
import { AppError } from '../errors';
import { applyPredictor } from './predictors';
import { asInt, asName, PdfDict, PdfName, PdfObject } from './objects';

/** One filter with its /DecodeParms. */
export interface FilterStep {
  name: string;
  params?: PdfDict;
}

/** Image codecs we pass through undecoded (they are never needed to sign or verify). */
const IMAGE_FILTERS = new Set(['DCTDecode', 'DCT', 'JPXDecode', 'CCITTFaxDecode', 'CCF', 'JBIG2Decode']);

/** Reads /Filter and /DecodeParms (already resolved) into steps. */
export function filterSteps(filter: PdfObject | undefined, parms: PdfObject | undefined): FilterStep[] {
  const names = Array.isArray(filter) ? filter : filter === undefined || filter === null ? [] : [filter];
  const ps = Array.isArray(parms) ? parms : [parms];
  return names.map((f, i) => {
    const n = asName(f);
    if (n === undefined) {
      throw new AppError('PDF_MALFORMED', 'A stream names its /Filter with something that is not a name');
    }
    const p = ps[i];
    return { name: n, params: p instanceof PdfDict ? p : undefined };
  });
}

function tooLarge(max: number): AppError {
  return new AppError('PDF_LIMIT_EXCEEDED', `A stream decodes to more than ${max} bytes`, {
    limit: 'maxDecompressedBytes',
  });
}

function flate(data: Uint8Array, max: number): Buffer {
  try {
    return inflateSync(data, { maxOutputLength: max });
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(max);
    try {
      // Truncated or trailing-garbage data: keep what inflates (pdf.js and poppler do the same).
      return inflateSync(data, { maxOutputLength: max, finishFlush: constants.Z_SYNC_FLUSH });
    } catch (e2) {
      if ((e2 as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(max);
      throw new AppError('PDF_MALFORMED', 'A compressed (Flate) stream is damaged and cannot be decoded');
    }
  }
}

function asciiHex(data: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe((data.length >> 1) + 1);
  let n = 0;
  let hi = -1;
  for (const c of data) {
    if (c === 0x3e) break;
    const v = c >= 48 && c <= 57 ? c - 48 : c >= 65 && c <= 70 ? c - 55 : c >= 97 && c <= 102 ? c - 87 : -1;
    if (v < 0) continue;
    if (hi < 0) hi = v;
    else {
      out[n++] = (hi << 4) | v;
      hi = -1;
    }
  }
  if (hi >= 0) out[n++] = hi << 4;
  return out.subarray(0, n);
}

function ascii85(data: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(data.length * 4 + 8);
  let n = 0;
  let tuple = 0;
  let count = 0;
  let i = 0;
  if (data[0] === 0x3c && data[1] === 0x7e) i = 2;
  for (; i < data.length; i++) {
    const c = data[i];
    if (c === 0x7e) break;
    if (c === 0x7a && count === 0) {
      out.writeUInt32BE(0, n);
      n += 4;
      continue;
    }
    if (c < 0x21 || c > 0x75) continue;
    tuple = tuple * 85 + (c - 0x21);
    if (++count === 5) {
      out.writeUInt32BE(tuple >>> 0, n);
      n += 4;
      tuple = 0;
      count = 0;
    }
  }
  if (count > 1) {
    for (let k = count; k < 5; k++) tuple = tuple * 85 + 84;
    const tail = Buffer.allocUnsafe(4);
    tail.writeUInt32BE(tuple >>> 0, 0);
    for (let k = 0; k < count - 1; k++) out[n++] = tail[k];
  }
  return out.subarray(0, n);
}

function runLength(data: Uint8Array, max: number): Buffer {
  const parts: number[] = [];
  for (let i = 0; i < data.length; ) {
    const len = data[i++];
    if (len === 128) break;
    if (len < 128) {
      for (let k = 0; k <= len && i < data.length; k++) parts.push(data[i++]);
    } else if (i < data.length) {
      const b = data[i++];
      for (let k = 0; k < 257 - len; k++) parts.push(b);
    }
    if (parts.length > max) throw tooLarge(max);
  }
  return Buffer.from(parts);
}

function lzw(data: Uint8Array, earlyChange: number, max: number): Buffer {
  const out: number[] = [];
  let dict: number[][] = [];
  const reset = (): void => {
    dict = [];
    for (let i = 0; i < 256; i++) dict.push([i]);
    dict.push([], []);
  };
  reset();
  let codeLen = 9;
  let bits = 0;
  let acc = 0;
  let prev: number[] | null = null;
  for (let i = 0; i < data.length; i++) {
    acc = ((acc << 8) | data[i]) >>> 0;
    bits += 8;
    while (bits >= codeLen) {
      const code = (acc >>> (bits - codeLen)) & ((1 << codeLen) - 1);
      bits -= codeLen;
      acc &= (1 << bits) - 1;
      if (code === 256) {
        reset();
        codeLen = 9;
        prev = null;
        continue;
      }
      if (code === 257) return Buffer.from(out);
      let entry: number[];
      if (code < dict.length) entry = dict[code];
      else if (code === dict.length && prev) entry = [...prev, prev[0]];
      else throw new AppError('PDF_MALFORMED', 'An LZW-compressed stream is damaged (bad code)');
      for (const b of entry) out.push(b);
      if (out.length > max) throw tooLarge(max);
      if (prev) dict.push([...prev, entry[0]]);
      prev = entry;
      const next = dict.length + earlyChange;
      if (next >= 2048) codeLen = 12;
      else if (next >= 1024) codeLen = 11;
      else if (next >= 512) codeLen = 10;
    }
  }
  return Buffer.from(out);
}

/** Options for {@link decodeFilters}. */
export interface DecodeOptions {
  maxDecompressedBytes: number;
  /** When an image codec or an unknown filter is met, return the bytes decoded so far instead of failing. */
  allowRaw?: boolean;
}

/** Applies `steps` in order to `data`. */
export function decodeFilters(data: Uint8Array, steps: FilterStep[], opts: DecodeOptions): Buffer {
  let cur: Buffer = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.length);
  const max = opts.maxDecompressedBytes;
  for (const { name, params } of steps) {
    switch (name) {
      case 'FlateDecode':
      case 'Fl':
        cur = applyPredictor(flate(cur, max), params, max);
        break;
      case 'LZWDecode':
      case 'LZW':
        cur = applyPredictor(lzw(cur, asInt(params?.get('EarlyChange')) ?? 1, max), params, max);
        break;
      case 'ASCIIHexDecode':
      case 'AHx':
        cur = asciiHex(cur);
        break;
      case 'ASCII85Decode':
      case 'A85':
        cur = ascii85(cur);
        break;
      case 'RunLengthDecode':
      case 'RL':
        cur = runLength(cur, max);
        break;
      case 'Crypt':
        break; // handled by the security handler before filters run
      default:
        if (opts.allowRaw) return cur;
        throw new AppError(
          'PDF_MALFORMED',
          IMAGE_FILTERS.has(name)
            ? `The stream is an image (${name}) and is not decoded`
            : `A stream uses an unknown filter /${name}`,
        );
    }
  }
  return cur;
}

/** True when the filter chain starts with /Crypt (7.6.5: per-stream crypt filter). */
export function hasCryptFilter(steps: FilterStep[]): PdfName | undefined {
  return steps[0]?.name === 'Crypt' ? PdfName.of(asName(steps[0].params?.get('Name')) ?? 'Identity') : undefined;
}
