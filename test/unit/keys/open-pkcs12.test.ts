import { X509Certificate, constants, createHash, verify } from 'node:crypto';
import { openPkcs12 } from '../../../src/keys/open-pkcs12';
import { isAppError } from '../../../src/errors';
import type { HashAlgorithm, KeyHandle } from '../../../src/keys/key-handle';
import { makeOpensslPkcs12, type TestKeyKind } from '../../fixtures/pki/openssl-pkcs12';
import { getTestPki } from '../../fixtures/pki/test-pki';
import { requireTool } from '../../helpers/require-tool';

const hasOpenssl = requireTool('openssl', 'openssl');
const describeOpenssl = hasOpenssl ? describe : describe.skip;
const data = Buffer.from('signed attributes stand-in: ký số văn bản');

function verifies(handle: KeyHandle, signature: Buffer, hash: HashAlgorithm): boolean {
  const publicKey = new X509Certificate(handle.certificate).publicKey;
  if (handle.scheme === 'rsa-pss') {
    return verify(hash, data, { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: createHash(hash).digest().length }, signature);
  }
  if (handle.scheme === 'ecdsa') return verify(hash, data, { key: publicKey, dsaEncoding: 'der' }, signature);
  return verify(hash, data, { key: publicKey, padding: constants.RSA_PKCS1_PADDING }, signature);
}

function expectCode(fn: () => unknown, code: string): void {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(isAppError(caught) ? caught.code : caught).toBe(code);
}

describeOpenssl('openPkcs12 with files made by OpenSSL 3', () => {
  const pki = getTestPki();
  const cases: Array<[TestKeyKind, 'default' | 'legacy']> = [
    ['rsa-2048', 'default'],
    ['rsa-2048', 'legacy'],
    ['rsa-3072', 'default'],
    ['rsa-4096', 'legacy'],
    ['ec-P-256', 'default'],
    ['ec-P-256', 'legacy'],
    ['ec-P-384', 'default'],
  ];
  it.each(cases)('when a %s key is exported with %s settings, then it opens and its signatures verify', async (kind, mode) => {
    const made = makeOpensslPkcs12(kind, mode);
    const handle = openPkcs12(made.p12, made.password, 'k');
    expect(new X509Certificate(handle.certificate).fingerprint256).toBe(new X509Certificate(made.leafPem).fingerprint256);
    expect(handle.chain.map((c) => new X509Certificate(c).fingerprint256)).toEqual([
      new X509Certificate(pki.get('dev-gov-ca').certificateDer).fingerprint256,
      new X509Certificate(pki.get('dev-root-ca').certificateDer).fingerprint256,
    ]);
    if (kind.startsWith('rsa')) expect(handle.key).toEqual({ kind: 'rsa', bits: Number(kind.slice(4)) });
    else expect(handle.key).toEqual({ kind: 'ec', curve: kind.slice(3) });
    for (const hash of ['sha256', 'sha384', 'sha512'] as const) {
      expect(verifies(handle, await handle.sign(data, hash), hash)).toBe(true);
    }
    expect(verifies(handle, await handle.sign(Buffer.from('other'), 'sha256'), 'sha256')).toBe(false);
  });

  it('when an RSA key is opened for PSS, then PSS signatures (salt = hash length) verify', async () => {
    const made = makeOpensslPkcs12('rsa-3072', 'default');
    const handle = openPkcs12(made.p12, made.password, 'pss', { rsaPss: true });
    expect(handle.scheme).toBe('rsa-pss');
    for (const hash of ['sha256', 'sha512'] as const) expect(verifies(handle, await handle.sign(data, hash), hash)).toBe(true);
  });

  it('when the password is wrong, then KEY_BAD_PASSWORD for default and legacy files', () => {
    for (const mode of ['default', 'legacy'] as const) {
      const made = makeOpensslPkcs12('ec-P-256', mode);
      expectCode(() => openPkcs12(made.p12, 'wrong', 'k'), 'KEY_BAD_PASSWORD');
    }
  });

  it('when the key is Ed25519, then KEY_UNSUPPORTED_ALGORITHM', () => {
    const made = makeOpensslPkcs12('ed25519', 'default');
    expectCode(() => openPkcs12(made.p12, made.password, 'k'), 'KEY_UNSUPPORTED_ALGORITHM');
  });
});

describe('openPkcs12 with files made by node-forge (the development PKI)', () => {
  const pki = getTestPki();

  it('when a dev identity is opened with its passphrase, then the leaf and the ordered chain come out and it signs', async () => {
    const id = pki.get('org-can-giuoc');
    const handle = openPkcs12(id.pkcs12, id.passphrase, id.alias);
    expect(handle.certificate.equals(id.certificateDer)).toBe(true);
    expect(handle.chain.map((c) => c.toString('hex'))).toEqual(id.chain.map((c) => c.toString('hex')));
    expect(handle.scheme).toBe('rsa-pkcs1');
    expect(verifies(handle, await handle.sign(data, 'sha256'), 'sha256')).toBe(true);
  });

  it('when the bytes are not a PKCS#12, then KEY_UNREADABLE', () => {
    expectCode(() => openPkcs12(Buffer.from('not a p12 at all'), 'x', 'k'), 'KEY_UNREADABLE');
    const id = pki.get('org-can-giuoc');
    expectCode(() => openPkcs12(id.pkcs12.subarray(0, 200), id.passphrase, 'k'), 'KEY_UNREADABLE');
  });

  it('when the handle is closed, then signing fails with SIGN_FAILED', async () => {
    const id = pki.get('org-can-giuoc');
    const handle = openPkcs12(id.pkcs12, id.passphrase, id.alias);
    await handle.close();
    await expect(handle.sign(data, 'sha256')).rejects.toMatchObject({ code: 'SIGN_FAILED' });
  });
});
