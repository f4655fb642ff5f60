/** Shared helpers for the PDF engine tests: corpus access, pdf-lib inputs, external tools. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDocument, StandardFonts } from 'pdf-lib';

export const CORPUS = '/work/shared/corpus';

export interface CorpusFile {
  file: string;
  expected: 'ROBUSTNESS' | 'BASELINE-UNSIGNED' | 'NOT-SIGNED' | 'VALID';
  note: string;
}

/** The corpus manifest (empty when the corpus is absent). */
export function corpusFiles(): CorpusFile[] {
  try {
    return JSON.parse(readFileSync(join(CORPUS, 'manifest.json'), 'utf8')).files as CorpusFile[];
  } catch {
    return [];
  }
}

export function corpus(file: string): Buffer {
  return readFileSync(join(CORPUS, file));
}

export const workDir = mkdtempSync(join(tmpdir(), 'kyso-pdf-'));

/** Writes `bytes` under the temp dir and returns the path. */
export function tempFile(nameHint: string, bytes: Uint8Array): string {
  const p = join(workDir, nameHint);
  writeFileSync(p, bytes);
  return p;
}

/** `qpdf --check` output and whether it passed (exit 0, or 3 = warnings only is a failure here). */
export function qpdfCheck(path: string): { ok: boolean; output: string } {
  try {
    return { ok: true, output: execFileSync('qpdf', ['--check', path], { encoding: 'utf8' }) };
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string };
    return { ok: false, output: `${err.stdout ?? ''}${err.stderr ?? ''}` };
  }
}

/** A small document made by pdf-lib: `pages` pages with text; object streams on request. */
export async function makePdf(pages = 1, useObjectStreams = false): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let i = 0; i < pages; i++) doc.addPage([595, 842]).drawText(`Page ${i + 1}`, { x: 50, y: 800, font, size: 12 });
  return Buffer.from(await doc.save({ useObjectStreams }));
}
