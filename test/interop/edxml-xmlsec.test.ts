/**
 * Our signed edXML judged by xmlsec1 (the libxmlsec reference implementation): the enveloped
 * signature must verify with the organisation certificate, and fail once the package changes.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { envelopeSchema } from '../../src/exchange/envelope';
import { exportDocumentPackage } from '../../src/exchange/edxml-export';
import { signEdxml } from '../../src/exchange/edxml-signature';
import { requireTool } from '../helpers/require-tool';
import { makeLocalKeyHandle } from '../unit/exchange/fixtures/local-key-handle';
import { sampleEnvelope } from '../unit/exchange/fixtures/sample-envelope';

const hasXmlsec = requireTool('xmlsec1', 'xmlsec1');
const maybe = hasXmlsec ? test : test.skip;

function xmlsecVerify(dir: string, xml: string, certPem: string): boolean {
  writeFileSync(path.join(dir, 'p.xml'), xml);
  writeFileSync(path.join(dir, 'c.pem'), certPem);
  try {
    execFileSync('xmlsec1', ['--verify', '--pubkey-cert-pem', path.join(dir, 'c.pem'), path.join(dir, 'p.xml')], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

describe('edXML signature judged by xmlsec1', () => {
  maybe.each(['rsa', 'ec'] as const)('when a %s-signed package is given to xmlsec1 --verify, then it passes; a tampered one fails', async (kind) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kyso-edxml-'));
    try {
      const key = makeLocalKeyHandle(kind);
      const xml = exportDocumentPackage({
        envelope: envelopeSchema.parse(sampleEnvelope()),
        trace: [{ organId: '000.00.14.H20', at: new Date('2026-06-02T01:02:03Z') }],
        attachments: [{ name: 'a.pdf', contentType: 'application/pdf', contentId: 'c1', data: Buffer.from('%PDF-1.7\n%%EOF\n') }],
      });
      const signed = await signEdxml(xml, key);
      expect(xmlsecVerify(dir, signed, key.certPem)).toBe(true);
      expect(xmlsecVerify(dir, signed.replace('Nội dung tóm tắt', 'Nội dung khác'), key.certPem)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
