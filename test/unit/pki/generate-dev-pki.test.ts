import { execFileSync } from 'node:child_process';
import { X509Certificate, createPublicKey, verify } from 'node:crypto';
import { requireTool } from '../../helpers/require-tool';
import { readChildren } from '../../../src/cms/der-writer';
import { buildDevIndex } from '../../../src/pki/write-dev-pki';
import { isAppError } from '../../../src/errors';
import { getTestPki } from '../../fixtures/pki/test-pki';

const pki = getTestPki();
const x509 = (alias: string): X509Certificate => new X509Certificate(pki.get(alias).certificateDer);
const hasOpenssl = requireTool('openssl', 'openssl');
/** `openssl x509 -text` of an identity (extensions as OpenSSL reads them). */
const text = (alias: string): string =>
  execFileSync('openssl', ['x509', '-noout', '-text', '-nameopt', 'utf8'], { input: pki.get(alias).certificatePem }).toString();
const itOpenssl = hasOpenssl ? it : it.skip;

describe('generateDevPki', () => {
  it('when generated, then every certificate chains to the root and is signed by its issuer', () => {
    const root = x509('dev-root-ca');
    const sub = x509('dev-gov-ca');
    expect(root.verify(root.publicKey)).toBe(true);
    expect(sub.verify(root.publicKey)).toBe(true);
    for (const identity of pki.identities.filter((i) => !i.role.endsWith('ca'))) {
      expect(new X509Certificate(identity.certificateDer).verify(sub.publicKey)).toBe(true);
      expect(identity.chain.map((c) => new X509Certificate(c).subject)).toEqual([sub.subject, root.subject]);
    }
  });

  it('when an agency signer is generated, then its subject carries UTF-8 Vietnamese names and the agency code', () => {
    const cert = x509('can-giuoc-chu-tich');
    expect(cert.subject).toContain('O=UBND huyện Cần Giuộc');
    expect(cert.subject).toContain('CN=Nguyễn Văn Hùng');
    expect(cert.subject).toContain('000.00.31.H40');
    if (hasOpenssl) expect(text('can-giuoc-chu-tich')).toMatch(/Key Usage: critical\s+Digital Signature, Non Repudiation/);
    expect(cert.infoAccess).toContain('OCSP - URI:http://localhost:3000/pki/ocsp');
  });

  itOpenssl('when the TSA and OCSP certificates are generated, then they carry their EKUs (TSA critical) and ocsp-nocheck', () => {
    expect(text('dev-tsa')).toMatch(/Extended Key Usage: critical\s+Time Stamping/);
    const ocsp = text('dev-ocsp');
    expect(ocsp).toMatch(/OCSP Signing/);
    expect(ocsp).toMatch(/OCSP No Check/);
  });

  it('when dates are relative, then the expired signer is expired and the others are valid now', () => {
    const now = pki.generatedAt.getTime();
    const expired = pki.get('expired-signer');
    expect(expired.status).toBe('expired');
    expect(expired.notAfter.getTime()).toBeLessThan(now);
    for (const alias of ['dev-root-ca', 'org-can-giuoc', 'dev-tsa']) {
      const i = pki.get(alias);
      expect(i.notBefore.getTime()).toBeLessThanOrEqual(now);
      expect(i.notAfter.getTime()).toBeGreaterThan(now);
    }
  });

  it('when the sub-CA CRL is read, then it lists exactly the revoked signer and verifies with the sub-CA key', () => {
    const crl = pki.crls.find((c) => c.issuerAlias === 'dev-gov-ca')!;
    const [tbs, , sig] = readChildren(crl.der);
    const signature = crl.der.subarray(sig!.contentStart + 1, sig!.end);
    const ok = verify('sha256', crl.der.subarray(tbs!.start, tbs!.end), createPublicKey(pki.get('dev-gov-ca').privateKey), signature);
    expect(ok).toBe(true);
    const revokedSerial = pki.get('revoked-signer').serialHex.toUpperCase();
    const hexDer = crl.der.toString('hex').toUpperCase();
    expect(hexDer).toContain(revokedSerial);
    expect(hexDer).not.toContain(pki.get('can-giuoc-chu-tich').serialHex.toUpperCase());
  });

  it('when the index is built, then every identity has alias, role, agency code, subject, files and passphrase', () => {
    const index = buildDevIndex(pki);
    expect(index.identities).toHaveLength(pki.identities.length);
    const org = index.identities.find((i) => i.alias === 'org-stttt-long-an')!;
    expect(org).toMatchObject({ role: 'organisation', agencyCode: '000.00.14.H40', p12: 'org-stttt-long-an.p12', cert: 'org-stttt-long-an.crt' });
    expect(org.subject).toContain('Sở Thông tin và Truyền thông tỉnh Long An');
    expect(index.identities.filter((i) => i.role === 'organisation')).toHaveLength(3);
  });

  it('when an unknown alias is asked for, then KEY_NOT_FOUND', () => {
    expect.assertions(1);
    try {
      pki.get('nobody');
    } catch (e) {
      expect(isAppError(e, 'KEY_NOT_FOUND')).toBe(true);
    }
  });
});
