/**
 * Issue 2 checks, judged by tools nobody here wrote: every sample and every BASELINE-UNSIGNED and
 * VALID corpus file signed personal-then-organisation; pdfsig finds every signature valid and the
 * last one total; qpdf --check finds no error; openssl cms -verify accepts the CMS over the signed
 * byte ranges; the output begins with the exact input bytes.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openPkcs12 } from '../../src/keys/open-pkcs12';
import type { KeyHandle } from '../../src/keys/key-handle';
import { signPdf } from '../../src/signing/sign-pdf';
import { getTestPki, testRootPem } from '../fixtures/pki/test-pki';
import { requireTool } from '../helpers/require-tool';
import { opensslVerifyLastSignatures } from '../helpers/openssl-cms-check';

const ROOT = path.resolve(__dirname, '..', '..');
const CORPUS = path.resolve(ROOT, '..', 'shared', 'corpus');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'kyso-sign-'));

interface ManifestEntry {
  file: string;
  expected: string;
}

function corpusFiles(kinds: string[]): string[] {
  const manifestPath = path.join(CORPUS, 'manifest.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { files: ManifestEntry[] };
  return manifest.files.filter((f) => kinds.includes(f.expected)).map((f) => path.join(CORPUS, f.file));
}

/**
 * Corpus files that must be refused rather than signed, and why: the pdf-lib encrypted files need
 * a user password (qpdf --show-encryption also answers "Incorrect password supplied" with the
 * empty one), and minimal-signed-restricted.pdf is certified with DocMDP P=1 (no changes allowed,
 * ISO 32000-1 12.8.2.2), so any new signature would break its certification.
 */
const MUST_REFUSE: Record<string, string> = {
  'encrypted_new.pdf': 'PDF_ENCRYPTED',
  'encrypted_old.pdf': 'PDF_ENCRYPTED',
  'minimal-signed-restricted.pdf': 'PDF_DOCMDP_FORBIDS',
};

const candidates = [
  ...['quyet-dinh.pdf', 'ho-so-nhieu-trang.pdf', 'xref-stream.pdf'].map((f) => path.join(ROOT, 'samples', f)),
  ...corpusFiles(['BASELINE-UNSIGNED', 'VALID', 'NOT-SIGNED']),
];
const inputs = candidates.filter((f) => !(path.basename(f) in MUST_REFUSE));
const refused = candidates.filter((f) => path.basename(f) in MUST_REFUSE);

function keyOf(alias: string): KeyHandle {
  const id = getTestPki().get(alias);
  return openPkcs12(id.pkcs12, id.passphrase, alias);
}

function pdfsig(file: string): string {
  const r = spawnSync('pdfsig', [file], { encoding: 'utf8' });
  return `${r.stdout}${r.stderr}`;
}

describe('signing judged by pdfsig, qpdf and openssl', () => {
  const hasTools = requireTool('pdfsig', 'poppler-utils') && requireTool('qpdf', 'qpdf') && requireTool('openssl', 'openssl');
  const personal = keyOf('can-giuoc-chu-tich');
  const organisation = keyOf('org-can-giuoc');

  test.each(inputs.map((f) => [path.relative(path.resolve(ROOT, '..'), f), f]))(
    'When %s is signed personal then organisation, then every signature is valid and the last covers the file',
    async (_label, file) => {
      const input = readFileSync(file);
      const first = await signPdf(input, personal, { reason: 'Phê duyệt kết quả', location: 'Cần Giuộc, Long An' });
      const second = await signPdf(first.bytes, organisation, { reason: 'Đóng dấu', hash: 'sha384' });
      const out = second.bytes;
      expect(out.subarray(0, input.length).equals(input)).toBe(true);
      expect(out.subarray(0, first.bytes.length).equals(first.bytes)).toBe(true);
      if (!hasTools) return;

      const outFile = path.join(tmp, `${path.basename(file, '.pdf')}-signed.pdf`);
      writeFileSync(outFile, out);
      const report = pdfsig(outFile);
      const valid = report.match(/Signature is Valid/g) ?? [];
      const signatures = report.match(/^Signature #\d+:/gm) ?? [];
      expect(valid.length).toBe(signatures.length);
      expect(signatures.length).toBeGreaterThanOrEqual(2);
      expect(report.trimEnd().split('Signature #').pop()).toContain('Total document signed');

      const check = spawnSync('qpdf', ['--check', outFile], { encoding: 'utf8' });
      // qpdf exits 0 (clean) or 3 (warnings it recovered from, inherited from damaged inputs).
      expect(`${check.stdout}${check.stderr}`).not.toMatch(/^ERROR/m);
      expect([0, 3]).toContain(check.status);

      opensslVerifyLastSignatures(out, testRootPem(), 2);
    },
  );

  test.each(refused.map((f) => [path.basename(f), f]))(
    'When %s is signed, then it is refused with its own error code and nothing is produced',
    async (base, file) => {
      await expect(signPdf(readFileSync(file), organisation)).rejects.toMatchObject({ code: MUST_REFUSE[base] });
    },
  );

  test('When a file already signed by @signpdf (another tool) is signed by kyso, then both signatures stay valid', async () => {
    const { plainAddPlaceholder } = require('@signpdf/placeholder-plain') as typeof import('@signpdf/placeholder-plain');
    const { P12Signer } = require('@signpdf/signer-p12') as typeof import('@signpdf/signer-p12');
    const { SignPdf } = require('@signpdf/signpdf') as typeof import('@signpdf/signpdf');
    const id = getTestPki().get('can-giuoc-van-thu');
    // @signpdf's placeholder-plain only understands classic cross-reference tables.
    const classic = readFileSync(path.join(CORPUS, 'qpdf', 'minimal.pdf'));
    const withPlaceholder = plainAddPlaceholder({ pdfBuffer: classic, reason: 'other tool', contactInfo: 'test@example.vn', name: 'Other tool', location: 'Hà Nội', signatureLength: 8192 });
    const other = await new SignPdf().sign(withPlaceholder, new P12Signer(id.pkcs12, { passphrase: id.passphrase }));
    const ours = await signPdf(other, organisation);
    expect(ours.bytes.subarray(0, other.length).equals(other)).toBe(true);
    if (!hasTools) return;
    const outFile = path.join(tmp, 'signpdf-then-kyso.pdf');
    writeFileSync(outFile, ours.bytes);
    const report = pdfsig(outFile);
    expect((report.match(/Signature is Valid/g) ?? []).length).toBe(2);
  });
});
