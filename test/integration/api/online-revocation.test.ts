/**
 * Online revocation (issue 3 item 1, trust): with the network allowed, the verifier asks the
 * OCSP responder named in the certificate; the service publishes the development PKI's CRLs and
 * OCSP responder. A signer revoked before the signing time is TOTAL_FAILED/REVOKED with the
 * source ONLINE; a good signer is GOOD; offline, the same file carries no revocation answer.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../../src/config';
import { silentLogger } from '../../../src/log';
import { startService, type RunningService } from '../../../src/main';
import { openPkcs12 } from '../../../src/keys/open-pkcs12';
import { signPdf } from '../../../src/signing/sign-pdf';
import { httpRevocationFetcher } from '../../../src/trust/http-revocation-fetcher';
import { createVerificationContext } from '../../../src/trust/verification-context';
import { loadTrustStore, staticTrustAnchorSource } from '../../../src/trust/trust-store';
import { verifyPdf } from '../../../src/verification/verify-pdf';
import { writeDevPki } from '../../../src/pki/write-dev-pki';
import { getTestPki } from '../../fixtures/pki/test-pki';

const ROOT = path.resolve(__dirname, '..', '..', '..');
let running: RunningService;
let base: string;
const pki = getTestPki();

beforeAll(async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kyso-pki-'));
  writeDevPki(pki, dir);
  const config = loadConfig({ PORT: '0', DATA_DIR: path.join(dir, 'data'), ROLE: 'api', KEYS_FILE: path.join(dir, 'index.json') });
  running = await startService(config, silentLogger());
  base = `http://127.0.0.1:${running.address!.port}`;
});

afterAll(async () => {
  await running?.stop();
});

/** The certificates name http://localhost:3000; the test service listens elsewhere. */
const localFetch: typeof fetch = (url, init) => fetch(String(url).replace('http://localhost:3000', base), init);

async function verify(pdf: Buffer, online: boolean) {
  const trustStore = await loadTrustStore(staticTrustAnchorSource([pki.get('dev-root-ca').certificateDer]));
  return verifyPdf(
    pdf,
    createVerificationContext({
      trustStore,
      allowNetwork: online,
      fetchers: online ? { revocation: httpRevocationFetcher({ fetch: localFetch, timeoutMs: 5000 }) } : {},
    }),
  );
}

async function signedBy(alias: string): Promise<Buffer> {
  const id = pki.get(alias);
  const key = openPkcs12(id.pkcs12, id.passphrase, alias);
  return (await signPdf(readFileSync(path.join(ROOT, 'samples', 'quyet-dinh.pdf')), key)).bytes;
}

describe('online revocation against the published development PKI', () => {
  test('When the signer was revoked before signing, then the OCSP answer makes it TOTAL_FAILED/REVOKED', async () => {
    const report = await verify(await signedBy('revoked-signer'), true);
    expect(report.verdict).toBe('INVALID');
    expect(report.signatures[0]).toMatchObject({ indication: 'TOTAL_FAILED', subIndication: 'REVOKED' });
    expect(report.signatures[0].trust.revocation).toMatchObject({ status: 'REVOKED', source: 'ONLINE' });
  });

  test('When the signer is in good standing, then the online answer is GOOD and the document VALID', async () => {
    const report = await verify(await signedBy('org-can-giuoc'), true);
    expect(report.verdict).toBe('VALID');
    expect(report.signatures[0].trust.revocation).toMatchObject({ status: 'GOOD', source: 'ONLINE' });
  });

  test('When the network is not allowed, then no revocation status is claimed', async () => {
    const report = await verify(await signedBy('revoked-signer'), false);
    expect(report.signatures[0].trust.revocation.status).toBe('NOT_CHECKED');
  });

  test('When a CRL is asked for, then the service publishes it in DER and unknown names are 404', async () => {
    const crl = await fetch(`${base}/pki/crl/dev-gov-ca.crl`);
    expect(crl.status).toBe(200);
    expect(crl.headers.get('content-type')).toBe('application/pkix-crl');
    expect((await fetch(`${base}/pki/crl/..%2Findex.json`)).status).toBe(404);
  });
});
