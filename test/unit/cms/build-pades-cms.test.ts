import { X509Certificate, createHash, constants, verify } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { buildPadesCms, estimateCmsSize, timestampTokenAttribute } from '../../../src/cms/build-pades-cms';
import { openPkcs12 } from '../../../src/keys/open-pkcs12';
import type { HashAlgorithm, KeyHandle } from '../../../src/keys/key-handle';
import { makeOpensslPkcs12 } from '../../fixtures/pki/openssl-pkcs12';
import { getTestPki } from '../../fixtures/pki/test-pki';
import { requireTool } from '../../helpers/require-tool';

const pki = getTestPki();
const id = pki.get('can-giuoc-chu-tich');
const key = openPkcs12(id.pkcs12, id.passphrase, id.alias);
const HASH_OID = { sha256: '2.16.840.1.101.3.4.2.1', sha384: '2.16.840.1.101.3.4.2.2', sha512: '2.16.840.1.101.3.4.2.3' };
const RSA_OID = { sha256: '1.2.840.113549.1.1.11', sha384: '1.2.840.113549.1.1.12', sha512: '1.2.840.113549.1.1.13' };

/** An independent encoding of the same CMS with PKI.js + asn1js objects (the reference). */
async function referenceCms(handle: KeyHandle, digest: Buffer, hash: HashAlgorithm): Promise<Buffer> {
  const cert = pkijs.Certificate.fromBER(handle.certificate);
  const digestAlg = new pkijs.AlgorithmIdentifier({ algorithmId: HASH_OID[hash] });
  const sigAlg = new pkijs.AlgorithmIdentifier({ algorithmId: RSA_OID[hash], algorithmParams: new asn1js.Null() });
  const issuerSerial = new asn1js.Sequence({
    value: [
      new asn1js.Sequence({ value: [new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 4 }, value: [cert.issuer.toSchema()] })] }),
      cert.serialNumber,
    ],
  });
  const essCertId = new asn1js.Sequence({
    value: [
      ...(hash === 'sha256' ? [] : [digestAlg.toSchema()]),
      new asn1js.OctetString({ valueHex: createHash(hash).update(handle.certificate).digest() }),
      issuerSerial,
    ],
  });
  const attrs = [
    new pkijs.Attribute({ type: '1.2.840.113549.1.9.3', values: [new asn1js.ObjectIdentifier({ value: '1.2.840.113549.1.7.1' })] }),
    new pkijs.Attribute({ type: '1.2.840.113549.1.9.4', values: [new asn1js.OctetString({ valueHex: digest })] }),
    new pkijs.Attribute({ type: '1.2.840.113549.1.9.16.2.47', values: [new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [essCertId] })] })] }),
    new pkijs.Attribute({
      type: '1.2.840.113549.1.9.52',
      values: [
        new asn1js.Sequence({
          value: [digestAlg.toSchema(), new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 1 }, value: (sigAlg.toSchema() as asn1js.Sequence).valueBlock.value })],
        }),
      ],
    }),
  ].sort((a, b) => Buffer.compare(Buffer.from(a.toSchema().toBER()), Buffer.from(b.toSchema().toBER())));
  const signedAttrs = new pkijs.SignedAndUnsignedAttributes({ type: 0, attributes: attrs });
  const toSign = Buffer.from(new asn1js.Set({ value: attrs.map((a) => a.toSchema()) }).toBER());
  const signature = await handle.sign(toSign, hash);
  const signedData = new pkijs.SignedData({
    version: 1,
    digestAlgorithms: [digestAlg],
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: '1.2.840.113549.1.7.1' }),
    certificates: [handle.certificate, ...handle.chain].map((c) => pkijs.Certificate.fromBER(c)),
    signerInfos: [
      new pkijs.SignerInfo({
        version: 1,
        sid: new pkijs.IssuerAndSerialNumber({ issuer: cert.issuer, serialNumber: cert.serialNumber }),
        digestAlgorithm: digestAlg,
        signedAttrs,
        signatureAlgorithm: sigAlg,
        signature: new asn1js.OctetString({ valueHex: signature }),
      }),
    ],
  });
  const contentInfo = new pkijs.ContentInfo({ contentType: '1.2.840.113549.1.7.2', content: signedData.toSchema(true) });
  return Buffer.from(contentInfo.toSchema().toBER());
}

describe('buildPadesCms', () => {
  it.each(['sha256', 'sha384', 'sha512'] as const)('when built with %s (RSA PKCS#1, deterministic), then it is byte-identical to the PKI.js reference', async (hash) => {
    const digest = createHash(hash).update('byte range').digest();
    const ours = await buildPadesCms({ key, digest, hash, subFilter: 'ETSI.CAdES.detached' });
    const reference = await referenceCms(key, digest, hash);
    expect(ours.toString('hex')).toBe(reference.toString('hex'));
  });

  it('when built twice for different digests, then the cached template does not leak the first digest', async () => {
    const d1 = createHash('sha256').update('one').digest();
    const d2 = createHash('sha256').update('two').digest();
    await buildPadesCms({ key, digest: d1, hash: 'sha256', subFilter: 'ETSI.CAdES.detached' });
    const second = await buildPadesCms({ key, digest: d2, hash: 'sha256', subFilter: 'ETSI.CAdES.detached' });
    expect(second.includes(d2)).toBe(true);
    expect(second.includes(d1)).toBe(false);
  });

  it('when PKI.js parses the CMS, then the signer info verifies over the signed attributes with the certificate key', async () => {
    const digest = createHash('sha256').update('x').digest();
    const cms = await buildPadesCms({ key, digest, hash: 'sha256', subFilter: 'ETSI.CAdES.detached' });
    const signedData = new pkijs.SignedData({ schema: pkijs.ContentInfo.fromBER(cms).content });
    const signer = signedData.signerInfos[0]!;
    const signedBytes = Buffer.from(signer.signedAttrs!.encodedValue);
    signedBytes[0] = 0x31;
    const ok = verify('sha256', signedBytes, { key: new X509Certificate(key.certificate).publicKey, padding: constants.RSA_PKCS1_PADDING }, Buffer.from(signer.signature.valueBlock.valueHexView));
    expect(ok).toBe(true);
    expect(signer.signedAttrs!.attributes.map((a) => a.type)).not.toContain('1.2.840.113549.1.9.5');
  });

  it('when ETSI is asked with a signing time, then VALIDATION_FAILED; when adbe, then signing-time is present', async () => {
    const digest = createHash('sha256').update('x').digest();
    await expect(buildPadesCms({ key, digest, hash: 'sha256', subFilter: 'ETSI.CAdES.detached', signingTime: new Date() })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    const cms = await buildPadesCms({ key, digest, hash: 'sha256', subFilter: 'adbe.pkcs7.detached', signingTime: new Date() });
    const signer = new pkijs.SignedData({ schema: pkijs.ContentInfo.fromBER(cms).content }).signerInfos[0]!;
    expect(signer.signedAttrs!.attributes.map((a) => a.type)).toContain('1.2.840.113549.1.9.5');
  });

  it('when the digest length does not match the hash, then SIGN_FAILED', async () => {
    await expect(buildPadesCms({ key, digest: Buffer.alloc(20), hash: 'sha256', subFilter: 'ETSI.CAdES.detached' })).rejects.toMatchObject({ code: 'SIGN_FAILED' });
  });

  it('when unsigned attributes come from a callback, then the callback sees the signature and the attribute is embedded', async () => {
    const digest = createHash('sha256').update('x').digest();
    let seen: Buffer | undefined;
    const token = Buffer.from([0x30, 0x03, 0x02, 0x01, 0x07]);
    const cms = await buildPadesCms({
      key,
      digest,
      hash: 'sha256',
      subFilter: 'ETSI.CAdES.detached',
      unsignedAttributes: async (sig) => {
        seen = sig;
        return [timestampTokenAttribute(token)];
      },
    });
    const signer = new pkijs.SignedData({ schema: pkijs.ContentInfo.fromBER(cms).content }).signerInfos[0]!;
    expect(Buffer.from(signer.signature.valueBlock.valueHexView).equals(seen!)).toBe(true);
    expect(signer.unsignedAttrs!.attributes[0]!.type).toBe('1.2.840.113549.1.9.16.2.14');
    expect(estimateCmsSize(key, 'sha256', { subFilter: 'ETSI.CAdES.detached', timestampTokenSize: token.length })).toBe(cms.length);
  });
});

const describeOpenssl = requireTool('openssl', 'openssl') ? describe : describe.skip;
describeOpenssl('estimateCmsSize with ECDSA keys', () => {
  it.each(['ec-P-256', 'ec-P-384'] as const)('when %s signs 200 times, then no CMS exceeds the estimate and the slack is a few bytes', async (kind) => {
    const made = makeOpensslPkcs12(kind, 'default');
    const ec = openPkcs12(made.p12, made.password, kind);
    const estimate = estimateCmsSize(ec, 'sha384', { subFilter: 'ETSI.CAdES.detached', timestampTokenSize: 6000 });
    const token = Buffer.alloc(6000, 1);
    let largest = 0;
    for (let i = 0; i < 200; i++) {
      const digest = createHash('sha384').update(String(i)).digest();
      const cms = await buildPadesCms({ key: ec, digest, hash: 'sha384', subFilter: 'ETSI.CAdES.detached', unsignedAttributes: [timestampTokenAttribute(token)] });
      largest = Math.max(largest, cms.length);
    }
    expect(largest).toBeLessThanOrEqual(estimate);
    expect(estimate - largest).toBeLessThan(8);
  });
});
