/**
 * PNG signature and seal images prepared for PDF: decoded once, split into an RGB image and an
 * alpha soft mask (ISO 32000-1 §11.6.5.3, /SMask), both Flate-compressed, and cached by content
 * hash so that signing the thousandth document with the same seal costs no decoding.
 */
import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { PNG } from 'pngjs';
import { AppError } from '../errors';

/** An image ready to be written as an XObject with an /SMask. */
export interface PreparedImage {
  width: number;
  height: number;
  /** Flate-compressed DeviceRGB samples, 8 bits per component. */
  rgb: Uint8Array;
  /** Flate-compressed DeviceGray alpha samples, or undefined when the image is fully opaque. */
  alpha?: Uint8Array;
  /** Pixels per metre from the pHYs chunk, when the PNG states one. */
  pixelsPerMetre?: number;
  /** Mean colour of the non-transparent pixels, weighted by alpha (used to check ink colour). */
  inkColour: [number, number, number];
}

const CACHE_LIMIT = 32;
const cache = new Map<string, PreparedImage>();

/** Reads the pHYs chunk (pixels per unit X, unit specifier 1 = metre) if present. */
function readPhys(bytes: Uint8Array): number | undefined {
  let p = 8;
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  while (p + 8 <= view.length) {
    const len = view.readUInt32BE(p);
    const type = view.toString('latin1', p + 4, p + 8);
    if (type === 'pHYs' && len >= 9 && view[p + 16] === 1) return view.readUInt32BE(p + 8);
    if (type === 'IDAT' || type === 'IEND') return undefined;
    p += 12 + len;
  }
  return undefined;
}

/**
 * Decodes a PNG (any colour type and bit depth pngjs reads) into a {@link PreparedImage}.
 * Throws AppError STAMP_IMAGE_INVALID when the bytes are not a readable PNG.
 */
export function preparePng(bytes: Uint8Array, what = 'image'): PreparedImage {
  const key = createHash('sha256').update(bytes).digest('hex');
  const hit = cache.get(key);
  if (hit) return hit;
  let png: PNG;
  try {
    png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (e) {
    throw new AppError('STAMP_IMAGE_INVALID', `The ${what} is not a readable PNG file`, { reason: String(e) });
  }
  const n = png.width * png.height;
  const rgb = Buffer.alloc(n * 3);
  const alpha = Buffer.alloc(n);
  let opaque = true;
  let sr = 0, sg = 0, sb = 0, sa = 0;
  for (let i = 0; i < n; i++) {
    const r = png.data[i * 4], g = png.data[i * 4 + 1], b = png.data[i * 4 + 2], a = png.data[i * 4 + 3];
    rgb[i * 3] = r;
    rgb[i * 3 + 1] = g;
    rgb[i * 3 + 2] = b;
    alpha[i] = a;
    if (a !== 255) opaque = false;
    sr += r * a;
    sg += g * a;
    sb += b * a;
    sa += a;
  }
  const image: PreparedImage = {
    width: png.width,
    height: png.height,
    rgb: deflateSync(rgb),
    alpha: opaque ? undefined : deflateSync(alpha),
    pixelsPerMetre: readPhys(bytes),
    inkColour: sa ? [sr / sa, sg / sa, sb / sa] : [0, 0, 0],
  };
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(key, image);
  return image;
}

/** The image's physical width in points, from pHYs or the given fallback resolution. */
export function physicalWidthPt(image: PreparedImage, fallbackDpi = 300): number {
  const dpi = image.pixelsPerMetre ? image.pixelsPerMetre * 0.0254 : fallbackDpi;
  return (image.width / dpi) * 72;
}
