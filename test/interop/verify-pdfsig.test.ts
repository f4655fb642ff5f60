import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createVerificationContext, TrustStore, verifyPdf } from '../../src/verification';
import { buildHostileFixtures } from '../fixtures/hostile/build-hostile-fixtures';
import { getTestPki } from '../fixtures/pki/test-pki';
import { requireTool } from '../helpers/require-tool';

const hasPdfsig = requireTool('pdfsig', 'poppler-utils');

(hasPdfsig ? describe : describe.skip)('kyso VALID agrees with pdfsig', () => {
  test('when kyso says VALID, then pdfsig finds every signature intact', async () => {
    const pki = getTestPki();
    const context = createVerificationContext({ trustStore: new TrustStore([pki.get('dev-root-ca').certificateDer]) });
    const dir = mkdtempSync(path.join(tmpdir(), 'kyso-pdfsig-'));
    let checked = 0;
    for (const f of await buildHostileFixtures(pki)) {
      const report = await verifyPdf(f.bytes, context);
      if (report.verdict !== 'VALID') continue;
      const file = path.join(dir, f.name);
      writeFileSync(file, f.bytes);
      let out: string;
      try {
        out = execFileSync('pdfsig', [file], { encoding: 'utf8' });
      } catch (e) {
        out = String((e as { stdout?: string }).stdout ?? '');
      }
      const verdicts = out.match(/Signature Validation: .*/g) ?? [];
      expect([f.name, verdicts.length]).toEqual([f.name, report.signatures.length]);
      for (const v of verdicts) expect([f.name, v]).toEqual([f.name, 'Signature Validation: Signature is Valid.']);
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(3);
  });
});
