/**
 * A one-page pdf-lib document used as the drawing surface of an appearance: Tinos faces embedded
 * as subsets (so only the glyphs used are written, with a ToUnicode CMap that keeps the text
 * searchable), PNG images written as XObjects with an /SMask, and text lines. Parsed fonts are
 * cached across documents because parsing a 0.5 MB TrueType file dominates the cost otherwise.
 */
import fontkit from '@pdf-lib/fontkit';
import {
  concatTransformationMatrix,
  drawObject,
  PDFDocument,
  PDFFont,
  PDFName,
  PDFNumber,
  PDFPage,
  PDFRawStream,
  PDFRef,
  popGraphicsState,
  pushGraphicsState,
  rgb,
} from 'pdf-lib';
import { StampFonts } from './appearance-spec';
import { PreparedImage } from './png-image';

type FontkitFont = ReturnType<typeof fontkit.create>;
const parsedFonts = new WeakMap<Uint8Array, FontkitFont>();

type Glyph = { codePoints: number[] };

/**
 * fontkit caches glyph objects per font with the code points of their first request; a glyph
 * first met as a component of a composite (e.g. "O" inside "Ộ" while a subset is encoded) has no
 * code points, and a shared font would then write it to later ToUnicode maps as nothing. Asking
 * with code points therefore gets a copy carrying the ones asked for.
 */
function withFaithfulCodePoints(font: FontkitFont): FontkitFont {
  const f = font as unknown as { getGlyph(id: number, cps?: number[]): Glyph | null };
  const original = f.getGlyph.bind(f);
  f.getGlyph = (id, cps = []) => {
    const g = original(id, cps);
    if (!g || cps.length === 0 || (g.codePoints.length === cps.length && g.codePoints.every((c, i) => c === cps[i]))) return g;
    return Object.assign(Object.create(Object.getPrototypeOf(g)), g, { codePoints: cps });
  };
  return font;
}

/** fontkit with a cache: pdf-lib calls `create(bytes)` on every embedFont. */
const cachingFontkit = {
  create(bytes: Uint8Array, postscriptName?: string): FontkitFont {
    let font = parsedFonts.get(bytes);
    if (!font) {
      font = withFaithfulCodePoints(fontkit.create(bytes as Buffer, postscriptName));
      parsedFonts.set(bytes, font);
    }
    return font;
  },
};

/** The drawing surface of one appearance; a face is embedded on first use only. */
export interface Canvas {
  doc: PDFDocument;
  page: PDFPage;
  font(face: 'regular' | 'bold'): Promise<PDFFont>;
}

/** Creates the document and its single page of the given size. */
export async function openCanvas(width: number, height: number, fonts: StampFonts): Promise<Canvas> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.registerFontkit(cachingFontkit as unknown as Parameters<PDFDocument['registerFontkit']>[0]);
  const page = doc.addPage([width, height]);
  const embedded = new Map<string, Promise<PDFFont>>();
  const font = (face: 'regular' | 'bold'): Promise<PDFFont> => {
    let f = embedded.get(face);
    if (!f) {
      f = doc.embedFont(fonts[face], { subset: true });
      embedded.set(face, f);
    }
    return f;
  };
  return { doc, page, font };
}

const measurers = new WeakMap<StampFonts, Promise<Canvas>>();

/**
 * A font for measuring text only (never saved), kept per font set so that layout does not pay
 * for a document per measurement.
 */
export async function measuringFont(fonts: StampFonts, face: 'regular' | 'bold'): Promise<PDFFont> {
  let c = measurers.get(fonts);
  if (!c) {
    c = openCanvas(1, 1, fonts);
    measurers.set(fonts, c);
  }
  return (await c).font(face);
}

function imageXObject(doc: PDFDocument, image: PreparedImage): PDFRef {
  const ctx = doc.context;
  let smask: PDFRef | undefined;
  if (image.alpha) {
    const dict = ctx.obj({
      Type: 'XObject', Subtype: 'Image', Width: image.width, Height: image.height,
      ColorSpace: 'DeviceGray', BitsPerComponent: 8, Filter: 'FlateDecode', Length: image.alpha.length,
    });
    smask = ctx.register(PDFRawStream.of(dict, image.alpha));
  }
  const dict = ctx.obj({
    Type: 'XObject', Subtype: 'Image', Width: image.width, Height: image.height,
    ColorSpace: 'DeviceRGB', BitsPerComponent: 8, Filter: 'FlateDecode', Length: image.rgb.length,
  });
  if (smask) dict.set(PDFName.of('SMask'), smask);
  dict.set(PDFName.of('Length'), PDFNumber.of(image.rgb.length));
  return ctx.register(PDFRawStream.of(dict, image.rgb));
}

/** Draws a prepared image into the rectangle (x, y, w, h), stretched to it. */
export function drawImage(c: Canvas, image: PreparedImage, x: number, y: number, w: number, h: number): void {
  const ref = imageXObject(c.doc, image);
  const name = c.page.node.newXObject('Im', ref);
  c.page.pushOperators(pushGraphicsState(), concatTransformationMatrix(w, 0, 0, h, x, y), drawObject(name), popGraphicsState());
}

/** Draws one line of black text; `align` positions it against x (left edge, centre or right edge). */
export function drawLine(c: Canvas, text: string, x: number, y: number, font: PDFFont, size: number, align: 'left' | 'centre' | 'right' = 'left'): number {
  const w = font.widthOfTextAtSize(text, size);
  const left = align === 'left' ? x : align === 'centre' ? x - w / 2 : x - w;
  c.page.drawText(text, { x: left, y, font, size, color: rgb(0, 0, 0) });
  return w;
}

/** Greedy word wrap of `text` to lines no wider than `maxWidth`. */
export function wrap(text: string, font: PDFFont, size: number, maxWidth: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const next = line ? `${line} ${word}` : word;
    if (line && font.widthOfTextAtSize(next, size) > maxWidth) {
      lines.push(line);
      line = word;
    } else line = next;
  }
  if (line) lines.push(line);
  return lines;
}

/** Serialises the canvas as a classic-xref PDF (simplest for the writer to graft). */
export function saveCanvas(c: Canvas): Promise<Uint8Array> {
  return c.doc.save({ useObjectStreams: false, addDefaultPage: false });
}
