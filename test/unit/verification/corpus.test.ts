import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isAppError } from '../../../src/errors';
import { createVerificationContext, TrustStore, verifyPdf } from '../../../src/verification';
import { isIntact } from '../../../src/verification/derive-verdict';
import { getTestPki } from '../../fixtures/pki/test-pki';

const corpus = path.resolve(__dirname, '../../../../shared/corpus');
const manifest: { files: Array<{ file: string; expected: string }> } = JSON.parse(readFileSync(path.join(corpus, 'manifest.json'), 'utf8'));
const trustStore = new TrustStore([getTestPki().get('dev-root-ca').certificateDer]);

describe('verifyPdf on the shared corpus', () => {
  test.each(manifest.files.map((f) => [f.file, f.expected] as const))(
    'when verifying %s (%s), then it ends in a report or VERIFY_UNREADABLE within limits, never VALID for robustness files',
    async (file, expected) => {
      const started = Date.now();
      const context = createVerificationContext({
        trustStore,
        limits: { deadlineMs: Date.now() + 10_000, maxDecompressedBytes: 64 * 1024 * 1024 },
      });
      let verdict = 'UNREADABLE';
      try {
        const r = await verifyPdf(readFileSync(path.join(corpus, file)), context);
        verdict = r.verdict;
        if (expected === 'VALID') expect(r.signatures.every(isIntact)).toBe(true);
        if (expected === 'NOT-SIGNED' || expected === 'BASELINE-UNSIGNED') expect(r.verdict).toBe('NOT_SIGNED');
      } catch (e) {
        expect(isAppError(e, 'VERIFY_UNREADABLE')).toBe(true);
      }
      if (expected === 'ROBUSTNESS') expect(verdict).not.toBe('VALID');
      expect(Date.now() - started).toBeLessThan(15_000);
    },
  );
});
