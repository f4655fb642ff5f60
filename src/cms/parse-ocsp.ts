/**
 * Parses an OCSP response (RFC 6960 §4.2.1) into single responses and the signed part.
 *
 *   OCSPResponse ::= SEQUENCE { responseStatus ENUMERATED, responseBytes [0] EXPLICIT SEQUENCE {
 *     responseType OID, response OCTET STRING } OPTIONAL }
 *   BasicOCSPResponse ::= SEQUENCE { tbsResponseData, signatureAlgorithm, signature BIT STRING,
 *     certs [0] EXPLICIT SEQUENCE OF Certificate OPTIONAL }
 *   ResponseData ::= SEQUENCE { version [0] EXPLICIT OPTIONAL, responderID, producedAt,
 *     responses SEQUENCE OF SingleResponse, responseExtensions [1] OPTIONAL }
 *   SingleResponse ::= SEQUENCE { certID, certStatus, thisUpdate, nextUpdate [0] OPTIONAL, ... }
 *   CertID ::= SEQUENCE { hashAlgorithm, issuerNameHash, issuerKeyHash, serialNumber }
 */
import { AppError } from '../errors';
import { bytesOf, childrenOf, contentOf, oidOf, readDer, smallIntOf, timeOf } from './parse-der';
import { CRL_REASONS } from './parse-crl';
import type { AlgorithmId } from './parse-signed-data';
import { DIGEST_NAMES } from './verify-signature-value';

/** One SingleResponse. */
export interface OcspSingleResponse {
  hash: string;
  issuerNameHash: Buffer;
  issuerKeyHash: Buffer;
  serialHex: string;
  status: 'good' | 'revoked' | 'unknown';
  revokedAt: Date | null;
  reason: string | null;
  thisUpdate: Date;
  nextUpdate: Date | null;
}

/** A parsed successful basic OCSP response. */
export interface ParsedOcsp {
  producedAt: Date;
  responses: OcspSingleResponse[];
  certificates: Buffer[];
  tbs: Buffer;
  signatureAlgorithm: AlgorithmId;
  signature: Buffer;
}

const BASIC = '1.3.6.1.5.5.7.48.1.1';

/** Parses an OCSPResponse (or a bare BasicOCSPResponse, as some DSS writers store). */
export function parseOcsp(der: Buffer): ParsedOcsp {
  let top = childrenOf(readDer(der));
  if (top[0].tag === 0x0a) {
    if (smallIntOf(top[0]) !== 0 || !top[1]) throw new AppError('CMS_MALFORMED', 'OCSP response is not successful');
    const [type, resp] = childrenOf(childrenOf(top[1])[0]);
    if (oidOf(type) !== BASIC) throw new AppError('CMS_MALFORMED', 'OCSP response is not a basic response');
    top = childrenOf(readDer(contentOf(resp)));
  }
  const [tbs, alg, sig, certs] = top;
  const f = childrenOf(tbs);
  let i = f[0].tag === 0xa0 ? 1 : 0;
  i++; // responderID
  const producedAt = timeOf(f[i++]);
  const responses = childrenOf(f[i]).map(single);
  const algParts = childrenOf(alg);
  return {
    producedAt,
    responses,
    certificates: certs ? childrenOf(childrenOf(certs)[0]).map(bytesOf) : [],
    tbs: bytesOf(tbs),
    signatureAlgorithm: { oid: oidOf(algParts[0]), params: algParts[1] && algParts[1].tag !== 0x05 ? algParts[1] : null },
    signature: contentOf(sig).subarray(1),
  };
}

function single(node: ReturnType<typeof readDer>): OcspSingleResponse {
  const [certId, status, thisUpdate, ...rest] = childrenOf(node);
  const [alg, nameHash, keyHash, serial] = childrenOf(certId);
  let revokedAt: Date | null = null;
  let reason: string | null = null;
  if (status.tag === 0xa1) {
    const r = childrenOf(status);
    revokedAt = timeOf(r[0]);
    if (r[1]) reason = CRL_REASONS[smallIntOf(childrenOf(r[1])[0])] ?? null;
  }
  const next = rest.find((n) => n.tag === 0xa0);
  return {
    hash: DIGEST_NAMES[oidOf(childrenOf(alg)[0])] ?? (oidOf(childrenOf(alg)[0]) === '1.3.14.3.2.26' ? 'sha1' : 'unknown'),
    issuerNameHash: contentOf(nameHash),
    issuerKeyHash: contentOf(keyHash),
    serialHex: contentOf(serial).toString('hex').replace(/^(00)+(?=.)/, ''),
    status: status.tag === 0x80 ? 'good' : status.tag === 0xa1 ? 'revoked' : 'unknown',
    revokedAt,
    reason,
    thisUpdate: timeOf(thisUpdate),
    nextUpdate: next ? timeOf(childrenOf(next)[0]) : null,
  };
}
