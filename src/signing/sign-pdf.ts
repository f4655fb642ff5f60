/**
 * signPdf: the PAdES signing story in named stages (DSS getDataToSign / sign / signDocument,
 * pyHanko PdfTBSDocument -> PdfPostSignatureDocument): open the PDF lazily, check the key, size
 * the placeholder from the real chain, prepare the incremental update, hash the ByteRange, let the
 * KeyHandle sign the CMS signed attributes, embed. The output begins with the exact input bytes.
 */
import { X509Certificate } from 'node:crypto';
import { AppError } from '../errors';
import { buildPadesCms, estimateCmsSize } from '../cms/build-pades-cms';
import type { HashAlgorithm, KeyHandle } from '../keys/key-handle';
import { assertUsableAt } from '../keys/assert-usable-at';
import { openPdf, type PdfDocument, type PdfLimits } from '../pdf';
import {
  digestByteRange,
  fillSignature,
  prepareSignature,
  type PrepareSignatureOptions,
  type SignatureAppearance,
} from './prepare-signature';

/** Options of {@link signPdf}; defaults are the PAdES baseline B-B choices. */
export interface SignPdfOptions {
  /** @defaultValue 'sha256' */
  hash?: HashAlgorithm;
  /** @defaultValue 'etsi' (ETSI.CAdES.detached); 'adbe' for adbe.pkcs7.detached (old readers) */
  subFilter?: 'etsi' | 'adbe';
  /** The claimed signing time, written as /M. @defaultValue now */
  signingTime?: Date;
  reason?: string;
  location?: string;
  contactInfo?: string;
  /** Existing empty signature field to fill, or the new field's name. */
  fieldName?: string;
  /** Certification signature with DocMDP permission P (ISO 32000-1 12.8.2.2). */
  certify?: 1 | 2 | 3;
  /** 0-based page of the widget. @defaultValue 0 */
  page?: number;
  /** Widget rectangle; absent for an invisible signature. */
  rect?: [number, number, number, number];
  appearance?: SignatureAppearance;
  /** Input limits (size, objects, depth, time). */
  limits?: Partial<PdfLimits>;
  /**
   * `input` already opened by the caller (e.g. to place the widget), so it is not parsed twice.
   * It must be `openPdf(input, limits)` of these very bytes: the update is appended to `input`.
   */
  document?: PdfDocument;
}

/** The signed document and what was signed. */
export interface SignedPdf {
  /**
   * The signed file as `[input, appended update]`: write them in order (one writev) rather than
   * joining them, so a large file is held in memory once.
   */
  parts: Buffer[];
  /** Length of the signed file. */
  totalLength: number;
  /** The signed file joined into one Buffer on first access (a copy of the input). */
  readonly bytes: Buffer;
  fieldName: string;
  byteRange: [number, number, number, number];
  signingTime: Date;
  /** Bytes of CMS reserved and used. */
  cmsReserved: number;
  cmsUsed: number;
}

/** Parsed signer certificates, once per key (parsing costs more than the RSA signature). */
const parsedCertificates = new WeakMap<KeyHandle, X509Certificate>();

function certificateOf(key: KeyHandle): X509Certificate {
  let cert = parsedCertificates.get(key);
  if (!cert) {
    cert = new X509Certificate(key.certificate);
    parsedCertificates.set(key, cert);
  }
  return cert;
}

const SUBFILTERS = { etsi: 'ETSI.CAdES.detached', adbe: 'adbe.pkcs7.detached' } as const;

/** Signs `input` with `key` (PAdES B-B, or adbe.pkcs7.detached on request). */
export async function signPdf(input: Uint8Array, key: KeyHandle, options: SignPdfOptions = {}): Promise<SignedPdf> {
  const hash = options.hash ?? 'sha256';
  const subFilter = SUBFILTERS[options.subFilter ?? 'etsi'];
  if (!subFilter) throw new AppError('VALIDATION_FAILED', 'The SubFilter must be etsi or adbe');
  const signingTime = options.signingTime ?? new Date();
  assertUsableAt(certificateOf(key), signingTime);

  const doc = options.document ?? openPdf(input, options.limits);
  if (options.document && options.document.bytes.length !== input.length) {
    throw new AppError('VALIDATION_FAILED', 'The opened document is not the input to sign');
  }
  const contentsSize = estimateCmsSize(key, hash, { subFilter });
  const prepareOptions: PrepareSignatureOptions = {
    subFilter,
    contentsSize,
    signingTime,
    fieldName: options.fieldName,
    reason: options.reason,
    location: options.location,
    contactInfo: options.contactInfo,
    certify: options.certify,
    page: options.page,
    rect: options.rect,
    appearance: options.appearance,
  };
  const prepared = prepareSignature(doc, prepareOptions);
  const digest = digestByteRange(prepared, hash);
  const cms = await buildPadesCms({
    key,
    digest,
    hash,
    subFilter,
    signingTime: subFilter === 'adbe.pkcs7.detached' ? signingTime : undefined,
  });
  fillSignature(prepared, cms);
  const { parts, totalLength } = prepared;
  let joined: Buffer | undefined;
  return {
    parts,
    totalLength,
    get bytes(): Buffer {
      joined ??= Buffer.concat(parts, totalLength);
      return joined;
    },
    fieldName: prepared.fieldName,
    byteRange: prepared.byteRange,
    signingTime,
    cmsReserved: contentsSize,
    cmsUsed: cms.length,
  };
}
