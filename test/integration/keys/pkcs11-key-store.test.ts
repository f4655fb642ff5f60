/**
 * The key store with PKCS#11 entries: `{ alias, pkcs11: { module, tokenLabel | slot, keyLabel |
 * keyId, pinEnv } }`, the PIN resolved by the caller from the variable the entry names. A missing
 * PIN or an incomplete entry stops loading with CONFIG_INVALID; a configured token key signs.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { AppError } from '../../../src/errors';
import type { KeyHandle } from '../../../src/keys/key-handle';
import { loadKeyStore } from '../../../src/keys/load-key-store';
import type { OpenPkcs11KeyOptions } from '../../../src/keys/pkcs11-key';
import { signPdf } from '../../../src/signing/sign-pdf';
import { createVerificationContext, TrustStore, verifyPdf } from '../../../src/verification';
import { createSoftHsmToken, hasSoftHsm, SOFTHSM_MODULE, useSoftHsmConfig, type SoftHsmToken } from '../../helpers/softhsm';

const noFiles = (): Uint8Array => {
  throw new Error('no PKCS#12 file should be read');
};

function codeOf(f: () => unknown): string {
  try {
    f();
    return 'returned';
  } catch (e) {
    return e instanceof AppError ? e.code : 'not an AppError';
  }
}

describe('key store with PKCS#11 entries', () => {
  const entry = { alias: 'token-org', role: 'organisation', agencyCode: '000.00.31.H40', pkcs11: { module: '/x.so', tokenLabel: 't', keyLabel: 'k', pinEnv: 'KYSO_TOKEN_PIN' } };

  test('when the PIN variable resolves, then get() opens the key with that PIN and the entry keeps its fields', async () => {
    const calls: OpenPkcs11KeyOptions[] = [];
    const fake = { alias: 'token-org' } as KeyHandle;
    const store = loadKeyStore([entry], '/', noFiles, {
      resolvePin: (name) => ({ KYSO_TOKEN_PIN: '2468' })[name],
      openPkcs11: async (o) => (calls.push(o), fake),
    });
    expect(store.list()[0]).toMatchObject({ alias: 'token-org', agencyCode: '000.00.31.H40' });
    expect(await store.get('token-org')).toBe(fake);
    expect(await store.get('token-org')).toBe(fake);
    expect(calls).toEqual([expect.objectContaining({ modulePath: '/x.so', tokenLabel: 't', keyLabel: 'k', pin: '2468', alias: 'token-org' })]);
  });

  test('when the PIN variable is not set, then loading fails with CONFIG_INVALID naming the variable', () => {
    expect(codeOf(() => loadKeyStore([entry], '/', noFiles, { resolvePin: () => undefined }))).toBe('CONFIG_INVALID');
    expect(() => loadKeyStore([entry], '/', noFiles)).toThrow(/KYSO_TOKEN_PIN/);
  });

  test('when a pkcs11 entry names neither key label nor id, then loading fails with CONFIG_INVALID', () => {
    const incomplete = { alias: 'a', pkcs11: { module: '/x.so', tokenLabel: 't', pinEnv: 'P' } };
    expect(codeOf(() => loadKeyStore([incomplete], '/', noFiles, { resolvePin: () => '1' }))).toBe('CONFIG_INVALID');
  });

  (hasSoftHsm() ? describe : describe.skip)('on a SoftHSM2 token', () => {
    let token: SoftHsmToken;
    beforeAll(async () => {
      token = createSoftHsmToken('kyso-store');
      await useSoftHsmConfig(token);
    });
    afterAll(() => token?.remove());

    test('when an index has a token key by slot-less label and id, then its signed PDF is VALID', async () => {
      const index = { identities: [{ alias: 'hsm-ec', pkcs11: { module: SOFTHSM_MODULE, tokenLabel: token.tokenLabel, keyId: token.ec.id, pinEnv: 'HSM_PIN' } }] };
      const store = loadKeyStore(JSON.stringify(index), '/', noFiles, { resolvePin: (name) => (name === 'HSM_PIN' ? token.pin : undefined) });
      try {
        const key = await store.get('hsm-ec');
        expect(key.certificate.equals(token.ec.certificateDer)).toBe(true);
        const signed = await signPdf(readFileSync(resolve(__dirname, '..', '..', '..', 'samples', 'quyet-dinh.pdf')), key);
        const report = await verifyPdf(signed.bytes, createVerificationContext({ trustStore: new TrustStore([token.rootDer]) }));
        expect(report.verdict).toBe('VALID');
      } finally {
        await store.close();
      }
    });
  });
});
