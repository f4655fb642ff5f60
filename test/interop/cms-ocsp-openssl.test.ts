/** The development OCSP responder judged by `openssl ocsp` (request made and response verified by OpenSSL). */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPkcs12 } from '../../src/keys/open-pkcs12';
import { respondOcsp, type CertStatus } from '../../src/trust-services/respond-ocsp';
import { getTestPki, testRootPem } from '../fixtures/pki/test-pki';
import { requireTool } from '../helpers/require-tool';

const describeOpenssl = requireTool('openssl', 'openssl') ? describe : describe.skip;

describeOpenssl('development OCSP responder, verified by openssl ocsp', () => {
  const pki = getTestPki();
  const ca = pki.get('dev-gov-ca');
  const responder = pki.get('dev-ocsp');
  const responderKey = openPkcs12(responder.pkcs12, responder.passphrase, responder.alias);
  const statusOf = (serialHex: string): CertStatus => {
    const id = pki.identities.find((i) => i.serialHex.toLowerCase() === serialHex);
    if (!id) return { status: 'unknown' };
    return id.revokedAt ? { status: 'revoked', revokedAt: id.revokedAt, reason: 'keyCompromise' } : { status: 'good' };
  };
  let dir: string;
  const file = (name: string): string => join(dir, name);

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'kyso-ocsp-'));
    writeFileSync(file('root.pem'), testRootPem());
    writeFileSync(file('ca.pem'), ca.certificatePem);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function ask(alias: string, digest: '-sha1' | '-sha256' = '-sha1'): Promise<{ ok: boolean; out: string }> {
    writeFileSync(file('leaf.pem'), pki.get(alias).certificatePem);
    execFileSync('openssl', ['ocsp', digest, '-issuer', file('ca.pem'), '-cert', file('leaf.pem'), '-reqout', file('req.der')]);
    const response = await respondOcsp(readFileSync(file('req.der')), { issuer: ca.certificateDer, responderKey, statusOf, now: new Date() });
    writeFileSync(file('resp.der'), response);
    // With -cert, openssl builds a fresh request (new nonce): read the status that way with
    // -no_nonce, and check the echoed nonce separately against the original request (-reqin).
    const status = spawnSync('openssl', ['ocsp', digest, '-no_nonce', '-respin', file('resp.der'), '-issuer', file('ca.pem'), '-cert', file('leaf.pem'), '-CAfile', file('root.pem'), '-verify_other', file('ca.pem')]);
    const nonce = spawnSync('openssl', ['ocsp', '-respin', file('resp.der'), '-reqin', file('req.der'), '-CAfile', file('root.pem'), '-verify_other', file('ca.pem')]);
    const out = status.stdout.toString() + status.stderr.toString() + nonce.stdout.toString() + nonce.stderr.toString();
    return { ok: status.status === 0 && nonce.status === 0, out };
  }

  it('when a good certificate is asked for (with nonce), then openssl verifies the response and reads "good"', async () => {
    const r = await ask('can-giuoc-chu-tich');
    expect(r.ok).toBe(true);
    expect(r.out).not.toMatch(/Nonce Verify error/);
    expect(r.out).toContain('Response verify OK');
    expect(r.out).toMatch(/leaf\.pem: good/);
  });

  it('when the revoked signer is asked for with a SHA-256 CertID, then the response says revoked with its reason', async () => {
    const r = await ask('revoked-signer', '-sha256');
    expect(r.out).toContain('Response verify OK');
    expect(r.out).toMatch(/leaf\.pem: revoked/);
    expect(r.out).toMatch(/Reason: keyCompromise/);
  });

  it('when a certificate of another issuer is asked for, then the status is unknown', async () => {
    writeFileSync(file('leaf.pem'), pki.get('dev-gov-ca').certificatePem);
    writeFileSync(file('root-as-issuer.pem'), testRootPem());
    execFileSync('openssl', ['ocsp', '-issuer', file('root-as-issuer.pem'), '-cert', file('leaf.pem'), '-reqout', file('req2.der')]);
    const response = await respondOcsp(readFileSync(file('req2.der')), { issuer: ca.certificateDer, responderKey, statusOf, now: new Date() });
    writeFileSync(file('resp2.der'), response);
    const text = execFileSync('openssl', ['ocsp', '-respin', file('resp2.der'), '-resp_text', '-noverify']).toString();
    expect(text).toMatch(/Cert Status: unknown/);
  });

  it('when the request is garbage, then the response is malformedRequest', async () => {
    const response = await respondOcsp(Buffer.from('junk'), { issuer: ca.certificateDer, responderKey, statusOf, now: new Date() });
    writeFileSync(file('bad.der'), response);
    const r = spawnSync('openssl', ['ocsp', '-respin', file('bad.der'), '-resp_text', '-noverify']);
    expect(r.stdout.toString() + r.stderr.toString()).toMatch(/malformedrequest/i);
  });
});
