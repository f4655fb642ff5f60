/**
 * Adapter: reads the bundled Tinos faces (assets/fonts, SIL OFL 1.1; Times New Roman metrics as
 * Decree 30/2020 Appendix I requires, with Vietnamese glyphs) from disk once. The rest of
 * src/stamp is pure and takes the bytes; only this file touches the file system, and the
 * composition root (or a test) calls it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../errors';
import { StampFonts } from './appearance-spec';

/** Default location: `<repo>/assets/fonts`. */
export const DEFAULT_FONT_DIR = join(__dirname, '..', '..', 'assets', 'fonts');

let cached: { dir: string; fonts: StampFonts } | undefined;

/** Loads Tinos-Regular.ttf and Tinos-Bold.ttf from `dir` (cached per directory). */
export function loadTinosFonts(dir = DEFAULT_FONT_DIR): StampFonts {
  if (cached?.dir === dir) return cached.fonts;
  try {
    const fonts = {
      regular: new Uint8Array(readFileSync(join(dir, 'Tinos-Regular.ttf'))),
      bold: new Uint8Array(readFileSync(join(dir, 'Tinos-Bold.ttf'))),
    };
    cached = { dir, fonts };
    return fonts;
  } catch (e) {
    throw new AppError('CONFIG_INVALID', `The appearance fonts cannot be read from ${dir}`, { reason: String(e) });
  }
}
