/**
 * Parses an X.509 CRL (RFC 5280 §5.1) into the facts revocation checking needs: issuer, update
 * times, revoked serials with date and reason, and the signed part for the signature check.
 *
 *   CertificateList ::= SEQUENCE { tbsCertList, signatureAlgorithm, signatureValue BIT STRING }
 *   TBSCertList ::= SEQUENCE { version INTEGER OPTIONAL, signature, issuer Name, thisUpdate,
 *     nextUpdate OPTIONAL, revokedCertificates SEQUENCE OF SEQUENCE { userCertificate,
 *     revocationDate, crlEntryExtensions OPTIONAL } OPTIONAL, crlExtensions [0] OPTIONAL }
 */
import { createHash } from 'node:crypto';
import { bytesOf, childrenOf, contentOf, oidOf, readDer, smallIntOf, timeOf } from './parse-der';
import type { AlgorithmId } from './parse-signed-data';

/** RFC 5280 §5.3.1 CRLReason names by code. */
export const CRL_REASONS = [
  'unspecified', 'keyCompromise', 'cACompromise', 'affiliationChanged', 'superseded',
  'cessationOfOperation', 'certificateHold', 'unused', 'removeFromCRL', 'privilegeWithdrawn', 'aACompromise',
];

/** A parsed CRL. */
export interface ParsedCrl {
  sha256: string;
  issuerDer: Buffer;
  thisUpdate: Date;
  nextUpdate: Date | null;
  /** Revoked serials (hex, no leading zeros) with date and reason. */
  revoked: Map<string, { date: Date; reason: string | null }>;
  tbs: Buffer;
  signatureAlgorithm: AlgorithmId;
  signature: Buffer;
}

const TIME_TAGS = new Set([0x17, 0x18]);

/** Parses a DER CRL; throws CMS_MALFORMED. */
export function parseCrl(der: Buffer): ParsedCrl {
  const [tbs, alg, sig] = childrenOf(readDer(der));
  const f = childrenOf(tbs);
  let i = f[0].tag === 0x02 ? 1 : 0;
  i++; // signature
  const issuer = f[i++];
  const thisUpdate = timeOf(f[i++]);
  const nextUpdate = f[i] && TIME_TAGS.has(f[i].tag) ? timeOf(f[i++]) : null;
  const revoked = new Map<string, { date: Date; reason: string | null }>();
  if (f[i]?.tag === 0x30) {
    for (const entry of childrenOf(f[i])) {
      const e = childrenOf(entry);
      const serial = contentOf(e[0]).toString('hex').replace(/^(00)+(?=.)/, '');
      let reason: string | null = null;
      for (const ext of e[2] ? childrenOf(e[2]) : []) {
        const parts = childrenOf(ext);
        if (oidOf(parts[0]) === '2.5.29.21') {
          reason = CRL_REASONS[smallIntOf(readDer(contentOf(parts[parts.length - 1])))] ?? null;
        }
      }
      revoked.set(serial, { date: timeOf(e[1]), reason });
    }
  }
  const algParts = childrenOf(alg);
  return {
    sha256: createHash('sha256').update(der).digest('hex'),
    issuerDer: bytesOf(issuer),
    thisUpdate,
    nextUpdate,
    revoked,
    tbs: bytesOf(tbs),
    signatureAlgorithm: { oid: oidOf(algParts[0]), params: algParts[1] && algParts[1].tag !== 0x05 ? algParts[1] : null },
    signature: contentOf(sig).subarray(1),
  };
}
