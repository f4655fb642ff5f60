/**
 * Predictors for Flate and LZW data (ISO 32000-1 7.4.4.4): TIFF predictor 2 and the PNG
 * predictors 10-15 (per-row filter byte). Xref streams almost always use PNG Up (12).
 */
import { AppError } from '../errors';
import { asInt, PdfDict } from './objects';

/** Undoes the predictor named in `params`; returns `data` unchanged when there is none. */
export function applyPredictor(data: Buffer, params: PdfDict | undefined, max: number): Buffer {
  const predictor = asInt(params?.get('Predictor')) ?? 1;
  if (predictor <= 1) return data;
  const colors = asInt(params?.get('Colors')) ?? 1;
  const bpc = asInt(params?.get('BitsPerComponent')) ?? 8;
  const columns = asInt(params?.get('Columns')) ?? 1;
  if (colors < 1 || colors > 32 || ![1, 2, 4, 8, 16].includes(bpc) || columns < 1 || columns > 1 << 24) {
    throw new AppError('PDF_MALFORMED', 'A stream has invalid predictor parameters (/DecodeParms)');
  }
  const bpp = Math.max(1, Math.ceil((colors * bpc) / 8));
  const rowLen = Math.ceil((colors * bpc * columns) / 8);
  if (predictor === 2) return tiff(data, rowLen, bpp, bpc);
  if (predictor < 10) throw new AppError('PDF_MALFORMED', `A stream uses an unknown predictor ${predictor}`);
  const rows = Math.floor(data.length / (rowLen + 1));
  if (rows * rowLen > max) {
    throw new AppError('PDF_LIMIT_EXCEEDED', `A stream decodes to more than ${max} bytes`, { limit: 'maxDecompressedBytes' });
  }
  const out = Buffer.alloc(rows * rowLen);
  for (let r = 0; r < rows; r++) {
    const type = data[r * (rowLen + 1)];
    const src = r * (rowLen + 1) + 1;
    const dst = r * rowLen;
    const up = dst - rowLen;
    for (let i = 0; i < rowLen; i++) {
      const raw = data[src + i];
      const left = i >= bpp ? out[dst + i - bpp] : 0;
      const above = r > 0 ? out[up + i] : 0;
      const upLeft = r > 0 && i >= bpp ? out[up + i - bpp] : 0;
      let v: number;
      switch (type) {
        case 0: v = raw; break;
        case 1: v = raw + left; break;
        case 2: v = raw + above; break;
        case 3: v = raw + ((left + above) >> 1); break;
        case 4: {
          const p = left + above - upLeft;
          const pa = Math.abs(p - left);
          const pb = Math.abs(p - above);
          const pc = Math.abs(p - upLeft);
          v = raw + (pa <= pb && pa <= pc ? left : pb <= pc ? above : upLeft);
          break;
        }
        default:
          throw new AppError('PDF_MALFORMED', `A stream has an invalid PNG predictor row type ${type}`);
      }
      out[dst + i] = v & 0xff;
    }
  }
  return out;
}

function tiff(data: Buffer, rowLen: number, bpp: number, bpc: number): Buffer {
  if (bpc !== 8) return data; // sub-byte TIFF prediction is only used for images, never needed here
  const out = Buffer.from(data);
  for (let r = 0; r + rowLen <= out.length; r += rowLen) {
    for (let i = bpp; i < rowLen; i++) out[r + i] = (out[r + i] + out[r + i - bpp]) & 0xff;
  }
  return out;
}
