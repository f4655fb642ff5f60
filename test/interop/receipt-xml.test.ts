import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildReceiptXml } from '../../src/receipts/receipt-xml';
import { signXmlEnveloped } from '../../src/receipts/xml-signature';
import { getTestPki } from '../fixtures/pki/test-pki';
import { requireTool } from '../helpers/require-tool';
import { organisationKey, sampleReceipt } from '../unit/receipts/receipt-fixtures';

const hasXmlsec = requireTool('xmlsec1', 'xmlsec1');
const maybe = hasXmlsec ? test : test.skip;

/** Runs xmlsec1 --verify with the test root trusted and the government sub-CA untrusted. */
function xmlsecVerify(xml: string): { ok: boolean; output: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'kyso-rcpt-'));
  try {
    const pki = getTestPki();
    writeFileSync(path.join(dir, 'root.pem'), pki.get('dev-root-ca').certificatePem);
    writeFileSync(path.join(dir, 'sub.pem'), pki.get('dev-gov-ca').certificatePem);
    writeFileSync(path.join(dir, 'receipt.xml'), xml);
    const args = ['--verify', '--trusted-pem', 'root.pem', '--untrusted-pem', 'sub.pem', 'receipt.xml'];
    const run = spawnSync('xmlsec1', args, { cwd: dir, encoding: 'utf8' });
    return { ok: run.status === 0, output: `${run.stdout}${run.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function signed(): Promise<string> {
  return signXmlEnveloped(buildReceiptXml(sampleReceipt()), organisationKey(), {
    signingTime: new Date(),
    insertBefore: '</TCThu></DSCKS>',
  });
}

describe('receipt XML judged by xmlsec1', () => {
  maybe('when the signed receipt XML is verified with the test root trusted, then xmlsec1 accepts it', async () => {
    const result = xmlsecVerify(await signed());
    expect(result.output).toContain('OK');
    expect(result.ok).toBe(true);
  });

  maybe('when the payer name is altered after signing, then xmlsec1 rejects it', async () => {
    const result = xmlsecVerify((await signed()).replace('Nguyễn Thị Hoa', 'Nguyễn Thị Hòa'));
    expect(result.ok).toBe(false);
  });
});
