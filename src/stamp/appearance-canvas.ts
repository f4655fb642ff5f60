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

/** fontkit with a cache: pdf-lib calls `create(bytes)` on every embedFont. */
const cachingFontkit = {
  create(bytes: Uint8Array, postscriptName?: string): FontkitFont {
    let font = parsedFonts.get(bytes);
    if (!font) {
      font = fontkit.create(bytes as Buffer, postscriptName);
      parsedFonts.set(bytes, font);
    }
    return font;
  },
};

/** The drawing surface of one appearance. */
export interface Canvas {
  doc: PDFDocument;
  page: PDFPage;
  regular: PDFFont;
  bold: PDFFont;
}

/** Creates the document and its single page of the given size, with the fonts embedded. */
export async function openCanvas(width: number, height: number, fonts: StampFonts): Promise<Canvas> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.registerFontkit(cachingFontkit as unknown as Parameters<PDFDocument['registerFontkit']>[0]);
  const regular = await doc.embedFont(fonts.regular, { subset: true });
  const bold = await doc.embedFont(fonts.bold, { subset: true });
  const page = doc.addPage([width, height]);
  return { doc, page, regular, bold };
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
