/**
 * The cryptographic part of one PDF signature: the CMS over the ByteRange for
 * adbe.pkcs7.detached / ETSI.CAdES.detached (ISO 32000-1 12.8.3.3, ETSI EN 319 142-1 §6.3), or the
 * RFC 3161 token of a document timestamp (ETSI.RFC3161, ISO 32000-2 12.8.5). Never throws.
 */
import { createHash } from 'node:crypto';
import type { ParsedCertificate } from '../cms/parse-certificate';
import { verifyCmsSignature } from '../cms/verify-cms-signature';
import { digestOf, verifyTimestampToken } from '../cms/verify-timestamp-token';
import type { ProblemCode } from './explanations';
import type { PrefixDigests } from './prefix-digests';

/** What the CMS check found. */
export interface CmsFacts {
  signer: ParsedCertificate | null;
  certificates: ParsedCertificate[];
  digestMatches: boolean;
  signatureValid: boolean;
  messageDigest: boolean;
  contentType: boolean;
  signingCertificate: boolean | null;
  timestampTime: Date | null;
  cmsSigningTime: Date | null;
  archival: { crls: Buffer[]; ocsps: Buffer[] };
  problems: ProblemCode[];
}

const DETACHED = new Set(['adbe.pkcs7.detached', 'ETSI.CAdES.detached']);

/** Hashes the two ByteRange segments in place (no concatenation), continuing shared prefix states. */
export function byteRangeDigest(digests: PrefixDigests, br: number[] | null): (hash: string) => Buffer {
  return (hash) => (br && br.length === 4 ? digests.byteRange(hash, br) : createHash(hash).digest());
}

function empty(problems: ProblemCode[]): CmsFacts {
  return {
    signer: null, certificates: [], digestMatches: false, signatureValid: false, messageDigest: false,
    contentType: false, signingCertificate: null, timestampTime: null, cmsSigningTime: null,
    archival: { crls: [], ocsps: [] }, problems,
  };
}

/** Verifies the CMS of a signature dictionary with `subFilter`. */
export function checkSignatureCms(cms: Buffer | null, subFilter: string | null, digest: (hash: string) => Buffer): CmsFacts {
  if (!cms) return empty([]);
  if (subFilter === 'ETSI.RFC3161') return checkDocumentTimestamp(cms, digest);
  if (!subFilter || !DETACHED.has(subFilter)) return empty(['SUBFILTER_UNSUPPORTED']);
  try {
    const v = verifyCmsSignature(cms, digest);
    const f: CmsFacts = {
      ...empty([]),
      signer: v.signerCert,
      certificates: v.certificates,
      digestMatches: v.digestMatches,
      signatureValid: v.signature === 'valid',
      messageDigest: v.messageDigestOk,
      contentType: v.contentTypeOk,
      signingCertificate: v.signingCertificateOk,
      cmsSigningTime: v.signingTime,
      archival: { crls: [...v.signedData.crls, ...v.revocationArchival.crls], ocsps: v.revocationArchival.ocsps },
    };
    if (!v.signerCert) f.problems.push('SIGNER_CERT_MISSING');
    if (!v.signerInfo?.signedAttrs) f.problems.push('SIGNED_ATTRS_INVALID');
    else if (!v.messageDigestOk) f.problems.push('DIGEST_MISMATCH');
    if (v.signerInfo?.signedAttrs && !v.contentTypeOk) f.problems.push('SIGNED_ATTRS_INVALID');
    if (v.signingCertificateOk === false) f.problems.push('SIGNING_CERT_MISMATCH');
    if (v.signature === 'invalid' && v.signerCert) f.problems.push('SIGNATURE_INVALID');
    if (v.signature === 'unsupported' && v.signerInfo?.signedAttrs) f.problems.push('ALGORITHM_UNSUPPORTED');
    if (v.timestampToken && v.signerInfo) {
      try {
        const ts = verifyTimestampToken(v.timestampToken, digestOf(v.signerInfo.signature));
        if (ts.isValid) f.timestampTime = ts.genTime;
        else f.problems.push('TIMESTAMP_INVALID');
      } catch {
        f.problems.push('TIMESTAMP_INVALID');
      }
    }
    return f;
  } catch {
    return empty(['CMS_MALFORMED']);
  }
}

function checkDocumentTimestamp(cms: Buffer, digest: (hash: string) => Buffer): CmsFacts {
  try {
    const ts = verifyTimestampToken(cms, digest);
    const f: CmsFacts = {
      ...empty([]),
      signer: ts.cms.signerCert,
      certificates: ts.cms.certificates,
      digestMatches: ts.imprintMatches && ts.cms.digestMatches,
      signatureValid: ts.cms.signature === 'valid',
      messageDigest: ts.cms.messageDigestOk,
      contentType: ts.cms.contentTypeOk,
      signingCertificate: ts.cms.signingCertificateOk,
      timestampTime: ts.genTime,
    };
    if (!ts.cms.signerCert) f.problems.push('SIGNER_CERT_MISSING');
    if (!f.digestMatches) f.problems.push('DIGEST_MISMATCH');
    if (!f.contentType) f.problems.push('SIGNED_ATTRS_INVALID');
    if (ts.cms.signingCertificateOk === false) f.problems.push('SIGNING_CERT_MISMATCH');
    if (ts.cms.signature === 'invalid' && ts.cms.signerCert) f.problems.push('SIGNATURE_INVALID');
    return f;
  } catch {
    return empty(['CMS_MALFORMED']);
  }
}
