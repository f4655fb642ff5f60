/**
 * Generates the committed samples (run: `node bin/run-ts.js scripts/make-samples.ts [OUT_DIR]`):
 * - quyet-dinh.pdf: one-page Quyết định in the Decree 30/2020 layout, empty signature area;
 * - ho-so-nhieu-trang.pdf: a 12-page dossier;
 * - xref-stream.pdf: a letter with an xref stream and object streams;
 * - chu-ky-ca-nhan.png: a blue personal signature on transparency;
 * - con-dau-do.png: a red 36 mm seal at 300 dpi on transparency (needs `pdftoppm`).
 * The output is deterministic (fixed dates, no random ids) so that regenerating changes nothing.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeDossier, makeXrefStreamLetter } from './samples/dossier';
import { makeQuyetDinh } from './samples/quyet-dinh';
import { makeSealPng } from './samples/seal-png';
import { makeSignaturePng } from './samples/signature-png';

async function main(): Promise<void> {
  const out = process.argv[2] ?? join(__dirname, '..', 'samples');
  mkdirSync(out, { recursive: true });
  const files: [string, Uint8Array][] = [
    ['quyet-dinh.pdf', await makeQuyetDinh()],
    ['ho-so-nhieu-trang.pdf', await makeDossier(12)],
    ['xref-stream.pdf', await makeXrefStreamLetter()],
    ['chu-ky-ca-nhan.png', makeSignaturePng()],
    ['con-dau-do.png', await makeSealPng()],
  ];
  for (const [name, bytes] of files) {
    writeFileSync(join(out, name), bytes);
    process.stdout.write(`${join(out, name)} ${bytes.length} bytes\n`);
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`make-samples failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
