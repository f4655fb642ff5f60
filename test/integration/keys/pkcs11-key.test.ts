/**
 * The PKCS#11 KeyHandle against a real token (SoftHSM2): PAdES signatures made on the token are
 * judged by pdfsig and by verifyPdf against the test root; PIN, label and module errors carry
 * their codes; 20 concurrent signatures through one handle are all valid.
 */
import { spawnSync } from 'node:child_process';
import { verify, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AppError } from '../../../src/errors';
import type { KeyHandle } from '../../../src/keys/key-handle';
import { openPkcs11Key, type OpenPkcs11KeyOptions } from '../../../src/keys/pkcs11-key';
import { signPdf } from '../../../src/signing/sign-pdf';
import { createVerificationContext, TrustStore, verifyPdf } from '../../../src/verification';
import { requireTool } from '../../helpers/require-tool';
import { createSoftHsmToken, hasSoftHsm, SOFTHSM_MODULE, type SoftHsmToken, useSoftHsmConfig } from '../../helpers/softhsm';

const SAMPLE = readFileSync(resolve(__dirname, '..', '..', '..', 'samples', 'quyet-dinh.pdf'));
const tmp = mkdtempSync(join(tmpdir(), 'kyso-p11-'));
const hasPdfsig = requireTool('pdfsig', 'poppler-utils');

function pdfsig(bytes: Buffer, name: string): string {
  const file = join(tmp, name);
  writeFileSync(file, bytes);
  const r = spawnSync('pdfsig', [file], { encoding: 'utf8' });
  return `${r.stdout}${r.stderr}`;
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'resolved';
  } catch (e) {
    return e instanceof AppError ? e.code : `not an AppError: ${String(e)}`;
  }
}

(hasSoftHsm() ? describe : describe.skip)('PKCS#11 KeyHandle on a SoftHSM2 token', () => {
  let token: SoftHsmToken;
  const opened: KeyHandle[] = [];

  beforeAll(async () => {
    token = createSoftHsmToken();
    await useSoftHsmConfig(token); // before the first C_Initialize, which reads it
  });
  afterAll(async () => {
    for (const h of opened) await h.close();
    token?.remove();
  });

  async function open(o: Partial<OpenPkcs11KeyOptions>): Promise<KeyHandle> {
    const handle = await openPkcs11Key({ modulePath: SOFTHSM_MODULE, tokenLabel: token.tokenLabel, pin: token.pin, alias: 'hsm', ...o });
    opened.push(handle);
    return handle;
  }

  async function verdictOf(bytes: Buffer): Promise<string> {
    const context = createVerificationContext({ trustStore: new TrustStore([token.rootDer]) });
    return (await verifyPdf(bytes, context)).verdict;
  }

  test('when the PIN is wrong (first login), then opening fails with KEY_BAD_PASSWORD and a right PIN still opens', async () => {
    expect(await codeOf(open({ keyLabel: token.rsa.label, pin: '000000' }))).toBe('KEY_BAD_PASSWORD');
    const key = await openPkcs11Key({ modulePath: SOFTHSM_MODULE, tokenLabel: token.tokenLabel, keyLabel: token.rsa.label, pin: token.pin, alias: 'x' });
    await key.close();
  });

  test('when the RSA key is selected by label, then its certificate and chain come from the token and the signed PDF is VALID', async () => {
    const key = await open({ keyLabel: token.rsa.label });
    expect(key.certificate.equals(token.rsa.certificateDer)).toBe(true);
    expect(key.chain).toHaveLength(2);
    expect(key.chain[1]!.equals(token.rootDer)).toBe(true);
    expect([key.key, key.scheme]).toEqual([{ kind: 'rsa', bits: 2048 }, 'rsa-pkcs1']);
    const signed = await signPdf(SAMPLE, key, { reason: 'Ký bằng token' });
    expect(await verdictOf(signed.bytes)).toBe('VALID');
    if (hasPdfsig) expect(pdfsig(signed.bytes, 'rsa.pdf')).toContain('Signature Validation: Signature is Valid.');
  });

  test('when the EC P-256 key is selected by slot id and key id, then the ECDSA signature (DER from r||s) is VALID with SHA-384', async () => {
    const key = await open({ keyId: token.ec.id, tokenLabel: undefined, slot: Number(token.slotId) });
    expect([key.key, key.scheme]).toEqual([{ kind: 'ec', curve: 'P-256' }, 'ecdsa']);
    const signed = await signPdf(SAMPLE, key, { hash: 'sha384' });
    expect(await verdictOf(signed.bytes)).toBe('VALID');
    if (hasPdfsig) expect(pdfsig(signed.bytes, 'ec.pdf')).toContain('Signature Validation: Signature is Valid.');
  });

  test('when RSASSA-PSS is configured, then CKM_SHA512_RSA_PKCS_PSS signs and verifyPdf and pdfsig find it valid', async () => {
    const key = await open({ keyLabel: token.rsa.label, keyId: token.rsa.id, rsaPss: true });
    expect(key.scheme).toBe('rsa-pss');
    const signed = await signPdf(SAMPLE, key, { hash: 'sha512' });
    expect(await verdictOf(signed.bytes)).toBe('VALID');
    if (hasPdfsig) expect(pdfsig(signed.bytes, 'pss.pdf')).toContain('Signature Validation: Signature is Valid.');
  });

  test('when 20 signatures are asked of one handle at once, then all 20 PDFs are VALID', async () => {
    const key = await open({ keyLabel: token.rsa.label });
    const signed = await Promise.all(Array.from({ length: 20 }, (_, i) => signPdf(SAMPLE, key, { reason: `Bản ${i + 1}` })));
    const verdicts = await Promise.all(signed.map((s) => verdictOf(s.bytes)));
    expect(verdicts).toEqual(Array(20).fill('VALID'));
    if (hasPdfsig) {
      const valid = signed.filter((s, i) => pdfsig(s.bytes, `c${i}.pdf`).includes('Signature Validation: Signature is Valid.'));
      expect(valid).toHaveLength(20);
    }
  });

  test('when a pool of 4 sessions signs 20 at once with both keys, then every signature verifies', async () => {
    const [rsa, ec] = await Promise.all([open({ keyLabel: token.rsa.label, sessions: 4 }), open({ keyLabel: token.ec.label, sessions: 4 })]);
    const data = Buffer.from('signed attributes');
    const signatures = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? ec : rsa).sign(data, 'sha256')));
    const verified = signatures.map((sig, i) => {
      const key = i % 2 ? ec : rsa;
      return verify('sha256', data, { key: new X509Certificate(key.certificate).publicKey, dsaEncoding: 'der' }, sig);
    });
    expect(verified).toEqual(Array(20).fill(true));
  });

  test('when close() comes while signatures are in flight, then they finish and later ones are refused', async () => {
    const key = await openPkcs11Key({ modulePath: SOFTHSM_MODULE, tokenLabel: token.tokenLabel, keyLabel: token.rsa.label, pin: token.pin, alias: 'c', sessions: 2 });
    const inFlight = Array.from({ length: 6 }, () => key.sign(Buffer.from('x'), 'sha256'));
    const closed = key.close();
    expect((await Promise.all(inFlight)).every((sig) => sig.length === 256)).toBe(true);
    await closed;
    expect(await codeOf(key.sign(Buffer.from('x'), 'sha256'))).toBe('SIGN_FAILED');
  });

  test('when the token is already logged in by another handle and the PIN is wrong, then opening fails with KEY_BAD_PASSWORD', async () => {
    await open({ keyLabel: token.ec.label });
    expect(await codeOf(open({ keyLabel: token.rsa.label, pin: '000000' }))).toBe('KEY_BAD_PASSWORD');
  });

  test('when the key label, key id or token label is unknown, then opening fails with KEY_NOT_FOUND', async () => {
    expect(await codeOf(open({ keyLabel: 'no-such-key' }))).toBe('KEY_NOT_FOUND');
    expect(await codeOf(open({ keyId: 'ff' }))).toBe('KEY_NOT_FOUND');
    expect(await codeOf(open({ tokenLabel: 'no-such-token', keyLabel: token.rsa.label }))).toBe('KEY_NOT_FOUND');
  });

  test('when the module cannot be loaded, then opening fails with KEY_UNREADABLE', async () => {
    expect(await codeOf(open({ modulePath: join(tmp, 'missing-pkcs11.so'), keyLabel: 'x' }))).toBe('KEY_UNREADABLE');
  });

  test('when the digest is not one kyso signs with, then sign fails with KEY_UNSUPPORTED_ALGORITHM', async () => {
    const key = await open({ keyLabel: token.rsa.label });
    expect(await codeOf(key.sign(Buffer.from('x'), 'md5' as 'sha256'))).toBe('KEY_UNSUPPORTED_ALGORITHM');
  });

  test('when one of two handles on the token closes, then the other still signs and the closed one refuses', async () => {
    const first = await openPkcs11Key({ modulePath: SOFTHSM_MODULE, tokenLabel: token.tokenLabel, keyLabel: token.rsa.label, pin: token.pin, alias: 'a' });
    const second = await open({ keyLabel: token.ec.label });
    await first.close();
    expect(await codeOf(first.sign(Buffer.from('x'), 'sha256'))).toBe('SIGN_FAILED');
    const signed = await signPdf(SAMPLE, second);
    expect(await verdictOf(signed.bytes)).toBe('VALID');
  });
});
