/**
 * Our PAdES CMS judged by OpenSSL: `openssl cms -verify` over the detached content with the test
 * root as the only trust anchor, and `openssl cms -cmsout -print` for the attribute set.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildPadesCms } from '../../src/cms/build-pades-cms';
import type { HashAlgorithm, KeyHandle } from '../../src/keys/key-handle';
import { openPkcs12 } from '../../src/keys/open-pkcs12';
import { makeOpensslPkcs12 } from '../fixtures/pki/openssl-pkcs12';
import { getTestPki, testRootPem } from '../fixtures/pki/test-pki';
import { requireTool } from '../helpers/require-tool';

const describeOpenssl = requireTool('openssl', 'openssl') ? describe : describe.skip;

describeOpenssl('CMS from buildPadesCms, verified by openssl cms', () => {
  let dir: string;
  let rootFile: string;
  const content = Buffer.from('%PDF-1.7 stand-in for the ByteRange of a Quyết định — ký số');

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'kyso-cms-'));
    rootFile = join(dir, 'root.pem');
    writeFileSync(rootFile, testRootPem());
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function opensslVerify(cms: Buffer, data: Buffer, caFile = rootFile): { ok: boolean; stderr: string } {
    const cmsFile = join(dir, 'sig.der');
    const dataFile = join(dir, 'content.bin');
    writeFileSync(cmsFile, cms);
    writeFileSync(dataFile, data);
    const r = spawnSync('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', cmsFile, '-content', dataFile, '-CAfile', caFile, '-purpose', 'any', '-out', '/dev/null']);
    return { ok: r.status === 0, stderr: r.stderr.toString() };
  }

  function printCms(cms: Buffer): string {
    const cmsFile = join(dir, 'print.der');
    writeFileSync(cmsFile, cms);
    return execFileSync('openssl', ['cms', '-cmsout', '-print', '-inform', 'DER', '-in', cmsFile]).toString();
  }

  async function sign(key: KeyHandle, hash: HashAlgorithm, subFilter: 'ETSI.CAdES.detached' | 'adbe.pkcs7.detached' = 'ETSI.CAdES.detached'): Promise<Buffer> {
    const digest = createHash(hash).update(content).digest();
    return buildPadesCms({ key, digest, hash, subFilter, ...(subFilter === 'adbe.pkcs7.detached' ? { signingTime: new Date() } : {}) });
  }

  const pki = getTestPki();
  const devKey = (alias: string): KeyHandle => {
    const id = pki.get(alias);
    return openPkcs12(id.pkcs12, id.passphrase, alias);
  };

  it.each(['sha256', 'sha384', 'sha512'] as const)('when an RSA PKCS#1 key signs with %s, then openssl verifies it and rejects altered content', async (hash) => {
    const cms = await sign(devKey('can-giuoc-chu-tich'), hash);
    const good = opensslVerify(cms, content);
    expect(good.stderr).toContain('Verification successful');
    expect(good.ok).toBe(true);
    const altered = Buffer.from(content);
    altered[5] ^= 1;
    expect(opensslVerify(cms, altered).ok).toBe(false);
  });

  it('when an organisation key signs with RSASSA-PSS, then openssl verifies it', async () => {
    const id = pki.get('org-ubnd-thanh-hoa');
    const cms = await sign(openPkcs12(id.pkcs12, id.passphrase, id.alias, { rsaPss: true }), 'sha256');
    expect(opensslVerify(cms, content).ok).toBe(true);
    expect(printCms(cms)).toMatch(/rsassaPss/);
  });

  it.each([
    ['ec-P-256', 'sha256'],
    ['ec-P-384', 'sha384'],
  ] as const)('when an ECDSA %s key signs with %s, then openssl verifies it', async (kind, hash) => {
    const made = makeOpensslPkcs12(kind, 'default');
    const cms = await sign(openPkcs12(made.p12, made.password, kind), hash);
    expect(opensslVerify(cms, content).ok).toBe(true);
  });

  it('when ETSI.CAdES.detached, then openssl prints signingCertificateV2 and no signingTime', async () => {
    const text = printCms(await sign(devKey('org-can-giuoc'), 'sha256'));
    expect(text).toMatch(/id-smime-aa-signingCertificateV2/);
    expect(text).toMatch(/messageDigest/);
    expect(text).not.toMatch(/signingTime/);
  });

  it('when adbe.pkcs7.detached with a signing time, then openssl verifies it and prints signingTime', async () => {
    const cms = await sign(devKey('org-can-giuoc'), 'sha256', 'adbe.pkcs7.detached');
    expect(opensslVerify(cms, content).ok).toBe(true);
    expect(printCms(cms)).toMatch(/signingTime/);
  });

  it('when the signer is from another PKI, then openssl refuses the chain', async () => {
    const cms = await sign(devKey('can-giuoc-chu-tich'), 'sha256');
    const otherRoot = join(dir, 'other-root.pem');
    writeFileSync(otherRoot, pki.get('dev-tsa').certificatePem);
    expect(opensslVerify(cms, content, otherRoot).ok).toBe(false);
    expect(opensslVerify(cms, content).ok).toBe(true);
  });
});
