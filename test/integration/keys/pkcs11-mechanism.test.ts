/**
 * Mechanism planning without a token: the raw fallbacks (CKM_RSA_PKCS over a DigestInfo,
 * CKM_RSA_PKCS_PSS and CKM_ECDSA over a digest) get exactly the bytes node:crypto signs, and the
 * r||s output of CKM_ECDSA becomes a DER Ecdsa-Sig-Value node:crypto accepts, on every curve.
 */
import { constants, createHash, generateKeyPairSync, publicDecrypt, sign, verify } from 'node:crypto';
import * as pkcs11 from 'pkcs11js';
import { AppError } from '../../../src/errors';
import type { HashAlgorithm } from '../../../src/keys/key-handle';
import { ecdsaRawToDer, planPkcs11Signature } from '../../../src/keys/pkcs11-mechanism';

const HASHES: HashAlgorithm[] = ['sha256', 'sha384', 'sha512'];
const data = Buffer.from('DER of the CMS signed attributes');
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });

describe('PKCS#11 mechanism planning', () => {
  test.each(HASHES)('when the token lists only CKM_RSA_PKCS, then the input is the DigestInfo PKCS#1 v1.5 signs (%s)', (hash) => {
    const plan = planPkcs11Signature(pkcs11, new Set([pkcs11.CKM_RSA_PKCS]), 'rsa-pkcs1', hash);
    expect(plan.mechanism.mechanism).toBe(pkcs11.CKM_RSA_PKCS);
    const signed = sign(hash, data, rsa.privateKey);
    expect(plan.input(data).equals(publicDecrypt({ key: rsa.publicKey, padding: constants.RSA_PKCS1_PADDING }, signed))).toBe(true);
  });

  test('when the token hashes itself, then CKM_SHA384_RSA_PKCS gets the data unchanged', () => {
    const plan = planPkcs11Signature(pkcs11, new Set([pkcs11.CKM_RSA_PKCS, pkcs11.CKM_SHA384_RSA_PKCS]), 'rsa-pkcs1', 'sha384');
    expect(plan.mechanism.mechanism).toBe(pkcs11.CKM_SHA384_RSA_PKCS);
    expect(plan.input(data).equals(data)).toBe(true);
  });

  test('when PSS is planned, then MGF1 uses the same hash and the salt is the hash length (RFC 4055 params kyso writes)', () => {
    const plan = planPkcs11Signature(pkcs11, new Set([pkcs11.CKM_RSA_PKCS_PSS]), 'rsa-pss', 'sha512');
    expect(plan.mechanism).toEqual({
      mechanism: pkcs11.CKM_RSA_PKCS_PSS,
      parameter: { type: pkcs11.CK_PARAMS_RSA_PSS, hashAlg: pkcs11.CKM_SHA512, mgf: pkcs11.CKG_MGF1_SHA512, saltLen: 64 },
    });
    expect(plan.input(data).equals(createHash('sha512').update(data).digest())).toBe(true);
  });

  test('when the token lacks the mechanism, then planning fails with KEY_UNSUPPORTED_ALGORITHM', () => {
    const attempt = (): unknown => planPkcs11Signature(pkcs11, new Set([pkcs11.CKM_RSA_PKCS]), 'ecdsa', 'sha256');
    expect(attempt).toThrow(AppError);
    expect(attempt).toThrow(expect.objectContaining({ code: 'KEY_UNSUPPORTED_ALGORITHM' }));
  });

  test.each(['P-256', 'P-384', 'P-521'])('when CKM_ECDSA returns r||s on %s, then the DER Ecdsa-Sig-Value verifies', (curve) => {
    const ec = generateKeyPairSync('ec', { namedCurve: curve });
    for (let i = 0; i < 20; i++) {
      const raw = sign('sha256', data, { key: ec.privateKey, dsaEncoding: 'ieee-p1363' });
      const der = ecdsaRawToDer(raw);
      expect(verify('sha256', data, { key: ec.publicKey, dsaEncoding: 'der' }, der)).toBe(true);
    }
  });
});
