/**
 * Builds the CMS SignedData of a PAdES signature (ETSI EN 319 142-1 §6.3, ETSI EN 319 122-1
 * §5.2): version 1, detached id-data content, signed attributes content-type, message-digest,
 * ESS signing-certificate-v2 and (optionally) CMSAlgorithmProtection in DER SET order; no
 * signing-time attribute for ETSI.CAdES.detached (EN 319 142-1 §5.4: the claimed time goes in
 * the signature dictionary's /M). adbe.pkcs7.detached may carry signing-time for old readers.
 *
 * Fast path: the constant DER comes from a per-key template (build-cms-template.ts); a build
 * copies the template, writes the digest, signs, and writes the nested headers in one buffer.
 */
import { AppError } from '../errors';
import type { HashAlgorithm, KeyHandle } from '../keys/key-handle';
import { cmsTemplateFor, encodeAttribute, type CmsTemplate, type PadesSubFilter } from './build-cms-template';
import { derOid, derSetOf, derTime, derTlvSize } from './der-writer';
import { DIGEST_LENGTH, OID } from './oids';

/** An unsigned attribute (e.g. the RFC 3161 signature timestamp of PAdES B-T). */
export interface UnsignedAttribute {
  type: string;
  values: Uint8Array[];
}

/** Inputs of {@link buildPadesCms}. */
export interface PadesCmsOptions {
  key: KeyHandle;
  /** Hash of the PDF ByteRange, computed with `hash`. */
  digest: Uint8Array;
  hash: HashAlgorithm;
  subFilter: PadesSubFilter;
  /** Only for adbe.pkcs7.detached; refused for ETSI.CAdES.detached. */
  signingTime?: Date;
  /** RFC 6211 CMSAlgorithmProtection. @defaultValue true */
  algorithmProtection?: boolean;
  /** Fixed attributes, or a callback given the signature value (to fetch a timestamp over it). */
  unsignedAttributes?: UnsignedAttribute[] | ((signatureValue: Buffer) => Promise<UnsignedAttribute[]>);
}

const SIGNED_DATA_OID = derOid(OID.signedData);

/** The RFC 3161 signature-time-stamp attribute (id-aa-signatureTimeStampToken). */
export function timestampTokenAttribute(token: Uint8Array): UnsignedAttribute {
  return { type: OID.timeStampToken, values: [token] };
}

/** The DER SET OF signed attributes: the bytes the key signs. */
export function buildSignedAttributes(template: CmsTemplate, digest: Uint8Array, signingTime?: Date): Buffer {
  if (digest.length !== DIGEST_LENGTH[template.hash]) {
    throw new AppError('SIGN_FAILED', `The document digest has ${digest.length} bytes; ${template.hash} gives ${DIGEST_LENGTH[template.hash]}`);
  }
  if (!signingTime) {
    const out = Buffer.from(template.signedAttributes);
    out.set(digest, template.digestOffset);
    return out;
  }
  if (template.subFilter === 'ETSI.CAdES.detached') {
    throw new AppError('VALIDATION_FAILED', 'ETSI.CAdES.detached signatures must not carry a CMS signing-time attribute (ETSI EN 319 142-1); use /M');
  }
  const messageDigest = encodeAttribute(OID.messageDigest, Buffer.concat([Buffer.from([0x04, digest.length]), digest]));
  return derSetOf(...template.fixedAttributes, messageDigest, encodeAttribute(OID.signingTime, derTime(signingTime)));
}

function writeHeader(out: Buffer, offset: number, tag: number, length: number): number {
  out[offset++] = tag;
  if (length < 0x80) out[offset++] = length;
  else if (length < 0x100) {
    out[offset++] = 0x81;
    out[offset++] = length;
  } else if (length < 0x10000) {
    out[offset++] = 0x82;
    out.writeUInt16BE(length, offset);
    offset += 2;
  } else {
    out[offset++] = 0x83;
    out.writeUIntBE(length, offset, 3);
    offset += 3;
  }
  return offset;
}

/** Encodes unsigned attributes as the content of [1] IMPLICIT SET OF Attribute. */
export function encodeUnsignedAttributes(attributes: UnsignedAttribute[]): Buffer {
  const set = derSetOf(...attributes.map((a) => encodeAttribute(a.type, ...a.values)));
  return set.subarray(headerLength(set));
}

/** Assembles ContentInfo(SignedData) around signed attributes, a signature and unsigned attributes. */
export function assembleCms(template: CmsTemplate, signedAttributes: Buffer, signature: Uint8Array, unsignedContent?: Buffer): Buffer {
  const unsignedLength = unsignedContent && unsignedContent.length > 0 ? derTlvSize(unsignedContent.length) : 0;
  const signerInfoContent =
    template.signerInfoHead.length +
    signedAttributes.length +
    template.signatureAlgorithm.length +
    derTlvSize(signature.length) +
    unsignedLength;
  const signerInfo = derTlvSize(signerInfoContent);
  const signedDataContent = template.signedDataHead.length + derTlvSize(signerInfo);
  const explicitContent = derTlvSize(signedDataContent);
  const contentInfoContent = SIGNED_DATA_OID.length + derTlvSize(explicitContent);
  const out = Buffer.allocUnsafe(derTlvSize(contentInfoContent));
  let p = writeHeader(out, 0, 0x30, contentInfoContent);
  p += SIGNED_DATA_OID.copy(out, p);
  p = writeHeader(out, p, 0xa0, explicitContent);
  p = writeHeader(out, p, 0x30, signedDataContent);
  p += template.signedDataHead.copy(out, p);
  p = writeHeader(out, p, 0x31, signerInfo);
  p = writeHeader(out, p, 0x30, signerInfoContent);
  p += template.signerInfoHead.copy(out, p);
  signedAttributes.copy(out, p);
  out[p] = 0xa0; // [0] IMPLICIT SET OF: same bytes as the signed SET, other tag (RFC 5652 §5.4)
  p += signedAttributes.length;
  p += template.signatureAlgorithm.copy(out, p);
  p = writeHeader(out, p, 0x04, signature.length);
  out.set(signature, p);
  p += signature.length;
  if (unsignedLength > 0) {
    p = writeHeader(out, p, 0xa1, unsignedContent!.length);
    p += unsignedContent!.copy(out, p);
  }
  if (p !== out.length) throw new AppError('SIGN_FAILED', 'CMS assembly length mismatch');
  return out;
}

function headerLength(tlv: Buffer): number {
  const b = tlv[1]!;
  return b < 0x80 ? 2 : 2 + (b & 0x7f);
}

/** Builds the DER CMS for a PAdES signature. */
export async function buildPadesCms(options: PadesCmsOptions): Promise<Buffer> {
  const template = cmsTemplateFor(options.key, {
    hash: options.hash,
    subFilter: options.subFilter,
    ...(options.algorithmProtection === undefined ? {} : { algorithmProtection: options.algorithmProtection }),
  });
  const signedAttributes = buildSignedAttributes(template, options.digest, options.signingTime);
  const signature = await options.key.sign(signedAttributes, options.hash);
  let unsigned: UnsignedAttribute[] | undefined;
  if (typeof options.unsignedAttributes === 'function') unsigned = await options.unsignedAttributes(signature);
  else unsigned = options.unsignedAttributes;
  const unsignedContent = unsigned && unsigned.length > 0 ? encodeUnsignedAttributes(unsigned) : undefined;
  return assembleCms(template, signedAttributes, signature, unsignedContent);
}

/** Options of {@link estimateCmsSize}. */
export interface EstimateOptions {
  subFilter: PadesSubFilter;
  /** Whether a signing-time attribute will be present (adbe only). @defaultValue false */
  signingTime?: boolean;
  algorithmProtection?: boolean;
  /** Size in bytes of a timestamp token that will be added as an unsigned attribute. @defaultValue 0 */
  timestampTokenSize?: number;
}

/**
 * The largest DER size {@link buildPadesCms} can produce for `key` (exact: the signature at its
 * maximal DER length, signing-time as GeneralizedTime, and the timestamp token at its given size).
 * Size the /Contents placeholder from this (2 hex digits per byte).
 */
export function estimateCmsSize(key: KeyHandle, hash: HashAlgorithm, options: EstimateOptions): number {
  const template = cmsTemplateFor(key, {
    hash,
    subFilter: options.subFilter,
    ...(options.algorithmProtection === undefined ? {} : { algorithmProtection: options.algorithmProtection }),
  });
  const digest = Buffer.alloc(DIGEST_LENGTH[hash]);
  const signedAttributes = buildSignedAttributes(template, digest, options.signingTime ? new Date(Date.UTC(2050, 0, 1)) : undefined);
  const tokenSize = options.timestampTokenSize ?? 0;
  const unsigned = tokenSize > 0 ? encodeUnsignedAttributes([timestampTokenAttribute(Buffer.alloc(tokenSize))]) : undefined;
  return assembleCms(template, signedAttributes, Buffer.alloc(template.maxSignatureLength), unsigned).length;
}
