/**
 * Small typesetting helpers for the sample documents: Tinos (Times New Roman metrics, Vietnamese
 * glyphs) embedded as subsets, centred lines and justified paragraphs. Decree 30/2020 Appendix I
 * Part I.I fixes the font (Times New Roman), the sizes and the justified body with a first-line
 * indent; these helpers only serve the sample generator (scripts/make-samples.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, PDFFont, PDFPage, rgb } from 'pdf-lib';

/** The four Tinos faces embedded in a document. */
export interface Faces {
  regular: PDFFont;
  bold: PDFFont;
  italic: PDFFont;
  boldItalic: PDFFont;
}

/** Directory of the bundled fonts (assets/fonts). */
export const FONT_DIR = join(__dirname, '..', '..', 'assets', 'fonts');

/** Embeds the Tinos faces as subsets (only the glyphs used end up in the file). */
export async function embedFaces(doc: PDFDocument): Promise<Faces> {
  doc.registerFontkit(fontkit);
  const load = (name: string) => doc.embedFont(readFileSync(join(FONT_DIR, name)), { subset: true });
  return {
    regular: await load('Tinos-Regular.ttf'),
    bold: await load('Tinos-Bold.ttf'),
    italic: await load('Tinos-Italic.ttf'),
    boldItalic: await load('Tinos-BoldItalic.ttf'),
  };
}

/** Millimetres to PDF points. */
export const mm = (v: number): number => (v * 72) / 25.4;

const BLACK = rgb(0, 0, 0);

/** Draws `text` centred on `cx`; returns its width. */
export function centred(page: PDFPage, text: string, cx: number, y: number, font: PDFFont, size: number): number {
  const w = font.widthOfTextAtSize(text, size);
  page.drawText(text, { x: cx - w / 2, y, font, size, color: BLACK });
  return w;
}

/** A horizontal rule centred on `cx`. */
export function rule(page: PDFPage, cx: number, y: number, width: number, thickness = 0.6): void {
  page.drawLine({ start: { x: cx - width / 2, y }, end: { x: cx + width / 2, y }, thickness, color: BLACK });
}

/** One run of a paragraph in a given face (e.g. a bold "Điều 1." followed by regular text). */
export interface Run {
  text: string;
  font: PDFFont;
}

interface Word {
  text: string;
  font: PDFFont;
  width: number;
}

/** Options of {@link paragraph}. */
export interface ParagraphOptions {
  x: number;
  width: number;
  size: number;
  /** First-line indent (Decree 30: 1 cm or 1.27 cm). @defaultValue 1.27 cm */
  indent?: number;
  /** Baseline-to-baseline distance. @defaultValue 1.2 × size */
  leading?: number;
  /** Justify every line except the last. @defaultValue true */
  justify?: boolean;
}

/**
 * Sets a paragraph from top baseline `y` and returns the baseline below its last line. Justified
 * lines are drawn word by word (Tw does not apply to Identity-H fonts), which text extractors
 * rejoin by the gaps.
 */
export function paragraph(page: PDFPage, runs: Run[], y: number, o: ParagraphOptions): number {
  const indent = o.indent ?? mm(12.7);
  const leading = o.leading ?? o.size * 1.2;
  const justify = o.justify ?? true;
  const words: Word[] = runs.flatMap((r) =>
    r.text.split(/\s+/).filter(Boolean).map((t) => ({ text: t, font: r.font, width: r.font.widthOfTextAtSize(t, o.size) })),
  );
  const space = runs[0].font.widthOfTextAtSize(' ', o.size);
  const lines: Word[][] = [];
  let line: Word[] = [];
  let used = 0;
  for (const w of words) {
    const avail = o.width - (lines.length === 0 ? indent : 0);
    const extra = line.length ? space + w.width : w.width;
    if (line.length && used + extra > avail) {
      lines.push(line);
      line = [w];
      used = w.width;
    } else {
      line.push(w);
      used += extra;
    }
  }
  if (line.length) lines.push(line);
  lines.forEach((ws, i) => {
    const start = o.x + (i === 0 ? indent : 0);
    const avail = o.width - (i === 0 ? indent : 0);
    const natural = ws.reduce((s, w) => s + w.width, 0);
    const last = i === lines.length - 1;
    const gap = justify && !last && ws.length > 1 ? (avail - natural) / (ws.length - 1) : space;
    if ((!justify || last) && ws.every((w) => w.font === ws[0].font)) {
      page.drawText(ws.map((w) => w.text).join(' '), { x: start, y, font: ws[0].font, size: o.size, color: BLACK });
      y -= leading;
      return;
    }
    let x = start;
    for (const w of ws) {
      page.drawText(w.text, { x, y, font: w.font, size: o.size, color: BLACK });
      x += w.width + gap;
    }
    y -= leading;
  });
  return y;
}
