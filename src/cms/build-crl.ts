/**
 * Builds an X.509 v2 CRL (RFC 5280 §5) by hand DER and signs it with node:crypto, because
 * node-forge cannot make CRLs. Used by the development PKI and the CRL publisher.
 */
import type { KeyObject } from 'node:crypto';
import type { HashAlgorithm } from '../keys/key-handle';
import { defaultSchemeOf, signWithKey, signatureAlgorithmId } from './der-algorithms';
import { sliceCertificate } from './der-certificate';
import { contextTag, derBitString, derInteger, derOctetString, derOid, derSequence, derTime, derTlv, TAG } from './der-writer';
import { OID } from './oids';

/** CRLReason codes (RFC 5280 §5.3.1). */
export type CrlReason = 'unspecified' | 'keyCompromise' | 'cACompromise' | 'affiliationChanged' | 'superseded' | 'cessationOfOperation';

/** CRLReason ENUMERATED values (RFC 5280 §5.3.1); OCSP RevokedInfo uses the same codes. */
export const CRL_REASON_CODE: Record<CrlReason, number> = {
  unspecified: 0,
  keyCompromise: 1,
  cACompromise: 2,
  affiliationChanged: 3,
  superseded: 4,
  cessationOfOperation: 5,
};

/** One revoked certificate. */
export interface RevokedEntry {
  /** Serial number as unsigned big-endian hex. */
  serialHex: string;
  revokedAt: Date;
  reason?: CrlReason;
}

/** Inputs of {@link buildCrl}. */
export interface CrlInput {
  /** The CA certificate (DER); its subject becomes the CRL issuer. */
  issuerCertificate: Uint8Array;
  issuerKey: KeyObject;
  /** The issuer's subject key identifier, repeated as the CRL's authorityKeyIdentifier. */
  issuerKeyId: Buffer;
  thisUpdate: Date;
  nextUpdate: Date;
  /** Monotonic CRL number (RFC 5280 §5.2.3). */
  crlNumber: number;
  revoked: RevokedEntry[];
  /** @defaultValue 'sha256' */
  hash?: HashAlgorithm;
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  const parts = [derOid(id)];
  if (critical) parts.push(derTlv(TAG.BOOLEAN, Buffer.from([0xff])));
  parts.push(derOctetString(value));
  return derSequence(...parts);
}

/** Returns the DER CertificateList. */
export function buildCrl(input: CrlInput): Buffer {
  const hash = input.hash ?? 'sha256';
  const scheme = defaultSchemeOf(input.issuerKey);
  const algorithm = signatureAlgorithmId(scheme, hash);
  const issuer = sliceCertificate(input.issuerCertificate).subject;
  const entries = input.revoked.map((r) => {
    const fields = [derInteger(Buffer.from(r.serialHex, 'hex')), derTime(r.revokedAt)];
    if (r.reason) {
      const reason = derTlv(TAG.ENUMERATED, Buffer.from([CRL_REASON_CODE[r.reason]]));
      fields.push(derSequence(extension(OID.cRLReason, false, reason)));
    }
    return derSequence(...fields);
  });
  const tbsFields = [derInteger(1), algorithm, issuer, derTime(input.thisUpdate), derTime(input.nextUpdate)];
  if (entries.length > 0) tbsFields.push(derSequence(...entries));
  const crlExtensions = derSequence(
    extension(OID.authorityKeyIdentifier, false, derSequence(derTlv(0x80, input.issuerKeyId))),
    extension(OID.cRLNumber, false, derInteger(input.crlNumber)),
  );
  tbsFields.push(derTlv(contextTag(0), crlExtensions));
  const tbs = derSequence(...tbsFields);
  const signature = signWithKey(input.issuerKey, scheme, hash, tbs);
  return derSequence(tbs, algorithm, derBitString(signature));
}
