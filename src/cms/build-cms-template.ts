/**
 * Per-key precomputation for the CMS builder. Everything in a PAdES SignedData that does not
 * change between documents signed by the same key (certificates, SignerIdentifier, algorithm
 * identifiers, the ESS signing-certificate-v2 attribute, CMSAlgorithmProtection, even the whole
 * signed-attributes SET except the 32-64 digest bytes) is encoded once and cached on the
 * KeyHandle, so a build is a memcpy of a few kilobytes plus the signature.
 */
import { createHash } from 'node:crypto';
import type { HashAlgorithm, KeyHandle } from '../keys/key-handle';
import { digestAlgorithmId, signatureAlgorithmId } from './der-algorithms';
import { sliceCertificate } from './der-certificate';
import { contextTag, derInteger, derOctetString, derOid, derSequence, derSetOf, derTlv, readTlv } from './der-writer';
import { DIGEST_LENGTH, OID } from './oids';

/** The /SubFilter values kyso writes (ISO 32000-2 §12.8.3.4, ETSI EN 319 142-1 §5.1). */
export type PadesSubFilter = 'ETSI.CAdES.detached' | 'adbe.pkcs7.detached';

/** The constant pieces for one (key, hash, subFilter, protection) combination. */
export interface CmsTemplate {
  hash: HashAlgorithm;
  subFilter: PadesSubFilter;
  /** Attribute DERs other than message-digest and signing-time (content-type, ESS, protection). */
  fixedAttributes: Buffer[];
  /** The whole SET OF signed attributes with a zero digest (used when there is no signing time). */
  signedAttributes: Buffer;
  /** Offset of the digest inside {@link signedAttributes}. */
  digestOffset: number;
  /** INTEGER 1 + SignerIdentifier + digestAlgorithm, the head of every SignerInfo. */
  signerInfoHead: Buffer;
  signatureAlgorithm: Buffer;
  /** INTEGER 1 + digestAlgorithms + encapContentInfo + [0] certificates: the head of SignedData. */
  signedDataHead: Buffer;
  /** Largest signature value the key can produce, in bytes. */
  maxSignatureLength: number;
}

/** Options that change the template. */
export interface TemplateOptions {
  hash: HashAlgorithm;
  subFilter: PadesSubFilter;
  /** Add the RFC 6211 CMSAlgorithmProtection attribute. @defaultValue true */
  algorithmProtection?: boolean;
}

const cache = new WeakMap<KeyHandle, Map<string, CmsTemplate>>();

/** Attribute ::= SEQUENCE { attrType OID, attrValues SET OF value } with one value. */
export function encodeAttribute(type: string, ...values: Uint8Array[]): Buffer {
  return derSequence(derOid(type), derSetOf(...values));
}

/**
 * ESS signing-certificate-v2 (RFC 5035 §5.4): the hash of the signer certificate with the
 * signature's hash and IssuerSerial. hashAlgorithm is omitted for SHA-256, its DEFAULT (DER).
 */
export function essSigningCertificateV2(certificate: Buffer, hash: HashAlgorithm): Buffer {
  const cert = sliceCertificate(certificate);
  const certHash = createHash(hash).update(certificate).digest();
  const issuerSerial = derSequence(derSequence(derTlv(contextTag(4), cert.issuer)), cert.serial);
  const essCertId = derSequence(...(hash === 'sha256' ? [] : [digestAlgorithmId(hash)]), derOctetString(certHash), issuerSerial);
  return encodeAttribute(OID.signingCertificateV2, derSequence(derSequence(essCertId)));
}

/** Largest DER signature value: modulus bytes for RSA, a maximal Ecdsa-Sig-Value for ECDSA. */
export function maxSignatureLengthOf(key: KeyHandle): number {
  if (key.key.kind === 'rsa') return Math.ceil(key.key.bits / 8);
  const n = { 'P-256': 32, 'P-384': 48, 'P-521': 66 }[key.key.curve];
  const intMax = n === 66 ? 66 : n + 1; // a leading 0x00 only when the order's top bit is set
  const content = 2 * (2 + intMax);
  return content + (content < 128 ? 2 : 3);
}

function makeTemplate(key: KeyHandle, options: TemplateOptions): CmsTemplate {
  const { hash, subFilter } = options;
  const digestAlgorithm = digestAlgorithmId(hash);
  const signatureAlgorithm = signatureAlgorithmId(key.scheme, hash);
  const signer = sliceCertificate(key.certificate);
  const fixedAttributes = [encodeAttribute(OID.contentType, derOid(OID.data)), essSigningCertificateV2(key.certificate, hash)];
  if (options.algorithmProtection ?? true) {
    // CMSAlgorithmProtection ::= SEQUENCE { digestAlgorithm, signatureAlgorithm [1] IMPLICIT } (RFC 6211 §2)
    const algTlv = readTlv(signatureAlgorithm);
    const sigAlgContent = signatureAlgorithm.subarray(algTlv.contentStart, algTlv.end);
    fixedAttributes.push(encodeAttribute(OID.cmsAlgorithmProtection, derSequence(digestAlgorithm, derTlv(contextTag(1), sigAlgContent))));
  }
  const digestLength = DIGEST_LENGTH[hash];
  const messageDigest = encodeAttribute(OID.messageDigest, derOctetString(Buffer.alloc(digestLength)));
  const sorted = [...fixedAttributes, messageDigest].sort(Buffer.compare);
  const signedAttributes = derTlv(0x31, ...sorted);
  let offset = signedAttributes.length - sorted.reduce((n, a) => n + a.length, 0);
  for (const a of sorted) {
    if (a === messageDigest) break;
    offset += a.length;
  }
  const certificates = derTlv(contextTag(0), key.certificate, ...key.chain);
  return {
    hash,
    subFilter,
    fixedAttributes,
    signedAttributes,
    digestOffset: offset + messageDigest.length - digestLength,
    signerInfoHead: Buffer.concat([derInteger(1), derSequence(signer.issuer, signer.serial), digestAlgorithm]),
    signatureAlgorithm,
    signedDataHead: Buffer.concat([
      derInteger(1),
      derTlv(0x31, digestAlgorithm),
      derSequence(derOid(OID.data)),
      certificates,
    ]),
    maxSignatureLength: maxSignatureLengthOf(key),
  };
}

/** The cached template for `key` (built at first use). */
export function cmsTemplateFor(key: KeyHandle, options: TemplateOptions): CmsTemplate {
  let perKey = cache.get(key);
  if (!perKey) {
    perKey = new Map();
    cache.set(key, perKey);
  }
  const id = `${options.hash}|${options.subFilter}|${options.algorithmProtection ?? true}`;
  let template = perKey.get(id);
  if (!template) {
    template = makeTemplate(key, options);
    perKey.set(id, template);
  }
  return template;
}
