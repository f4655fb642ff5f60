import { assertUsableAt } from '../../../src/keys/assert-usable-at';
import { loadKeyStore } from '../../../src/keys/load-key-store';
import { buildDevIndex } from '../../../src/pki/write-dev-pki';
import { getTestPki } from '../../fixtures/pki/test-pki';

const pki = getTestPki();
const DAY = 86_400_000;

describe('loadKeyStore', () => {
  const files = new Map(pki.identities.map((i) => [`/keys/${i.alias}.p12`, i.pkcs12]));
  const reads: string[] = [];
  const readFile = (path: string): Uint8Array => {
    reads.push(path);
    const bytes = files.get(path);
    if (!bytes) throw new Error(`ENOENT ${path}`);
    return bytes;
  };

  it('when an alias from index.json is asked for twice, then the file is read and opened once', async () => {
    const store = loadKeyStore(JSON.stringify(buildDevIndex(pki)), '/keys', readFile);
    expect(store.list().map((e) => e.alias)).toContain('can-giuoc-chu-tich');
    const a = await store.get('can-giuoc-chu-tich');
    const b = await store.get('can-giuoc-chu-tich');
    expect(a).toBe(b);
    expect(a.certificate.equals(pki.get('can-giuoc-chu-tich').certificateDer)).toBe(true);
    expect(reads.filter((p) => p.endsWith('can-giuoc-chu-tich.p12'))).toHaveLength(1);
    await store.close();
  });

  it('when the alias is unknown, then KEY_NOT_FOUND; when the file is missing, then KEY_UNREADABLE', async () => {
    const index = buildDevIndex(pki);
    index.identities[0]!.p12 = 'missing.p12';
    const store = loadKeyStore(index, '/keys', readFile);
    await expect(store.get('nobody')).rejects.toMatchObject({ code: 'KEY_NOT_FOUND' });
    await expect(store.get(index.identities[0]!.alias)).rejects.toMatchObject({ code: 'KEY_UNREADABLE' });
  });

  it('when the index is not a list of identities, then CONFIG_INVALID', () => {
    expect(() => loadKeyStore('{"x":1}', '/', readFile)).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    expect(() => loadKeyStore('[{"alias":"a"}]', '/', readFile)).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });
});

describe('assertUsableAt', () => {
  it('when the certificate is inside its validity, then nothing is thrown', () => {
    expect(() => assertUsableAt(pki.get('org-can-giuoc').certificateDer, pki.generatedAt)).not.toThrow();
  });

  it('when the certificate has expired, then CERT_EXPIRED', () => {
    expect(() => assertUsableAt(pki.get('expired-signer').certificateDer, pki.generatedAt)).toThrow(
      expect.objectContaining({ code: 'CERT_EXPIRED' }),
    );
  });

  it('when the time is before notBefore, then CERT_NOT_YET_VALID', () => {
    const id = pki.get('org-can-giuoc');
    expect(() => assertUsableAt(id.certificateDer, new Date(id.notBefore.getTime() - DAY))).toThrow(
      expect.objectContaining({ code: 'CERT_NOT_YET_VALID' }),
    );
  });
});
