import { parseCertificate } from '../../../src/cms/parse-certificate';
import { buildChain } from '../../../src/trust/build-chain';
import { checkCertificates } from '../../../src/trust/check-certificate';
import { certificatesFromBytes, TrustStore } from '../../../src/trust/trust-store';
import { getTestPki } from '../../fixtures/pki/test-pki';

const pki = getTestPki();
const root = parseCertificate(pki.get('dev-root-ca').certificateDer);
const signer = pki.get('can-giuoc-chu-tich');

describe('trust store and chain building', () => {
  test('when PEM text holds two certificates, then both are read', () => {
    const pem = Buffer.from(pki.get('dev-root-ca').certificatePem + pki.get('dev-gov-ca').certificatePem);
    expect(certificatesFromBytes(pem)).toHaveLength(2);
  });

  test('when the intermediate is among the candidates, then the chain reaches the root anchor', () => {
    const store = new TrustStore([root.der]);
    const result = buildChain(parseCertificate(signer.certificateDer), signer.chain.map((d) => parseCertificate(d)), store);
    expect(result.anchor?.sha256).toBe(root.sha256);
    expect(result.problems).toEqual([]);
  });

  test('when the intermediate is missing, then NO chain is found', () => {
    const store = new TrustStore([root.der]);
    const result = buildChain(parseCertificate(signer.certificateDer), [], store);
    expect(result.anchor).toBeNull();
    expect(result.problems).toContain('CHAIN_NOT_FOUND');
  });

  test('when the signing time is after notAfter, then CERT_EXPIRED', () => {
    const cert = parseCertificate(signer.certificateDer);
    const later = new Date(cert.notAfter.getTime() + 1000);
    expect(checkCertificates([cert], later).problems).toContain('CERT_EXPIRED');
    expect(checkCertificates([cert], new Date()).problems).toEqual([]);
  });
});
