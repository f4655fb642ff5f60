/**
 * Issue 2, ROBUSTNESS files of the shared corpus: each is either signed into a file whose new
 * signature pdfsig calls valid, or refused with an AppError carrying a stable code, within the
 * configured time limit; never a crash, a hang or a partial output.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AppError } from '../../src/errors';
import { openPkcs12 } from '../../src/keys/open-pkcs12';
import { signPdf } from '../../src/signing/sign-pdf';
import { getTestPki, testRootPem } from '../fixtures/pki/test-pki';
import { opensslVerifyLastSignatures } from '../helpers/openssl-cms-check';
import { requireTool } from '../helpers/require-tool';

const CORPUS = path.resolve(__dirname, '..', '..', '..', 'shared', 'corpus');
const manifest = JSON.parse(readFileSync(path.join(CORPUS, 'manifest.json'), 'utf8')) as { files: { file: string; expected: string }[] };
const robustness = manifest.files.filter((f) => f.expected === 'ROBUSTNESS').map((f) => f.file);
const tmp = mkdtempSync(path.join(os.tmpdir(), 'kyso-robust-'));
const outcomes: Record<string, string> = {};

describe('signing the ROBUSTNESS corpus', () => {
  const hasPdfsig = requireTool('pdfsig', 'poppler-utils');
  const id = getTestPki().get('org-can-giuoc');
  const key = openPkcs12(id.pkcs12, id.passphrase, id.alias);

  test.each(robustness)('When %s is signed, then the result is a valid signature or a clear error', async (file) => {
    const input = readFileSync(path.join(CORPUS, file));
    const started = Date.now();
    let signed: Buffer | undefined;
    try {
      signed = (await signPdf(input, key, { limits: { deadlineMs: Date.now() + 5000, maxObjects: 200_000 } })).bytes;
    } catch (e) {
      expect(e).toBeInstanceOf(AppError);
      expect((e as AppError).code).toMatch(/^(PDF_|CERT_)/);
      outcomes[file] = (e as AppError).code;
    }
    expect(Date.now() - started).toBeLessThan(15_000);
    if (!signed) return;
    expect(signed.subarray(0, input.length).equals(input)).toBe(true);
    outcomes[file] = 'SIGNED';
    if (!hasPdfsig) return;
    const out = path.join(tmp, path.basename(file));
    writeFileSync(out, signed);
    const r = spawnSync('pdfsig', [out], { encoding: 'utf8', timeout: 20_000 });
    const text = `${r.stdout}${r.stderr}`;
    if (!/^Signature #\d+:/m.test(text)) {
      // Poppler cannot open some damaged inputs at all (e.g. an /Encrypt /Length it rejects);
      // then the independent judge is openssl over the signed byte ranges.
      const before = spawnSync('pdfsig', [path.join(CORPUS, file)], { encoding: 'utf8', timeout: 20_000 });
      expect(before.status).not.toBe(0);
      opensslVerifyLastSignatures(signed, testRootPem());
      return;
    }
    // Our signature is the last one pdfsig lists; it must be intact.
    const last = text.split(/^Signature #\d+:/m).pop() ?? '';
    expect(last).toContain('Signature is Valid');
  });

  afterAll(() => {
    const counts: Record<string, number> = {};
    for (const o of Object.values(outcomes)) counts[o] = (counts[o] ?? 0) + 1;
    process.stdout.write(`ROBUSTNESS signing outcomes: ${JSON.stringify(counts)}\n`);
  });
});
