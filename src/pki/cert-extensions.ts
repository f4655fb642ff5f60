/**
 * DER values of the X.509 v3 extensions the development PKI writes (RFC 5280 §4.2, RFC 6960
 * §4.2.2.2.1). Built here rather than through node-forge's extension helpers because forge
 * cannot express AIA, an authority key identifier taken from the issuer, or id-pkix-ocsp-nocheck.
 */
import { createHash, type KeyObject } from 'node:crypto';
import {
  DER_NULL,
  contextPrimitiveTag,
  contextTag,
  derInteger,
  derOctetString,
  derOid,
  derSequence,
  derTlv,
  readChildren,
  TAG,
} from '../cms/der-writer';
import { OID } from '../cms/oids';

/** One extension: OID, criticality and the DER of extnValue's content. */
export interface CertExtension {
  id: string;
  critical: boolean;
  value: Buffer;
}

/** Key usage bits (RFC 5280 §4.2.1.3). */
export type KeyUsageBit = 'digitalSignature' | 'nonRepudiation' | 'keyEncipherment' | 'keyCertSign' | 'cRLSign';

const KEY_USAGE_BIT: Record<KeyUsageBit, number> = {
  digitalSignature: 0,
  nonRepudiation: 1,
  keyEncipherment: 2,
  keyCertSign: 5,
  cRLSign: 6,
};

/** basicConstraints: CA with optional pathLen, or end entity (empty SEQUENCE). */
export function basicConstraints(isCa: boolean, pathLen?: number): CertExtension {
  const body = isCa
    ? derSequence(derTlv(TAG.BOOLEAN, Buffer.from([0xff])), ...(pathLen === undefined ? [] : [derInteger(pathLen)]))
    : derSequence();
  return { id: '2.5.29.19', critical: true, value: body };
}

/** keyUsage as a DER named-bit BIT STRING (trailing zero bits dropped, X.690 §11.2.2). */
export function keyUsage(bits: KeyUsageBit[]): CertExtension {
  let mask = 0;
  for (const b of bits) mask |= 0x80 >> KEY_USAGE_BIT[b];
  let unused = 0;
  while (unused < 7 && ((mask >> unused) & 1) === 0) unused++;
  return { id: '2.5.29.15', critical: true, value: derTlv(TAG.BIT_STRING, Buffer.from([unused, mask])) };
}

/** extendedKeyUsage. RFC 3161 §2.3 requires it critical with only timeStamping for a TSA. */
export function extendedKeyUsage(oids: string[], critical: boolean): CertExtension {
  return { id: '2.5.29.37', critical, value: derSequence(...oids.map(derOid)) };
}

/** The subjectPublicKey bits of a key (the SHA-1 input of RFC 5280 §4.2.1.2 method 1). */
export function subjectPublicKeyBits(publicKey: KeyObject): Buffer {
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const bitString = readChildren(spki)[1]!;
  return spki.subarray(bitString.contentStart + 1, bitString.end);
}

/** Key identifier: SHA-1 of the subjectPublicKey bits. */
export function keyIdentifier(publicKey: KeyObject): Buffer {
  return createHash('sha1').update(subjectPublicKeyBits(publicKey)).digest();
}

/** subjectKeyIdentifier. */
export function subjectKeyIdentifier(keyId: Buffer): CertExtension {
  return { id: '2.5.29.14', critical: false, value: derOctetString(keyId) };
}

/** authorityKeyIdentifier with the issuer's key identifier ([0] IMPLICIT). */
export function authorityKeyIdentifier(issuerKeyId: Buffer): CertExtension {
  return { id: OID.authorityKeyIdentifier, critical: false, value: derSequence(derTlv(contextPrimitiveTag(0), issuerKeyId)) };
}

const uri = (url: string): Buffer => derTlv(contextPrimitiveTag(6), Buffer.from(url, 'ascii'));

/** authorityInfoAccess with an OCSP URL and a caIssuers URL. */
export function authorityInfoAccess(ocspUrl: string | undefined, caIssuersUrl: string): CertExtension {
  const entries = [];
  if (ocspUrl) entries.push(derSequence(derOid(OID.ocspAccess), uri(ocspUrl)));
  entries.push(derSequence(derOid(OID.caIssuersAccess), uri(caIssuersUrl)));
  return { id: OID.authorityInfoAccess, critical: false, value: derSequence(...entries) };
}

/** cRLDistributionPoints with one full-name URI. */
export function crlDistributionPoints(url: string): CertExtension {
  const fullName = derTlv(contextTag(0), uri(url));
  const distributionPoint = derTlv(contextTag(0), fullName);
  return { id: '2.5.29.31', critical: false, value: derSequence(derSequence(distributionPoint)) };
}

/** id-pkix-ocsp-nocheck (RFC 6960 §4.2.2.2.1): clients need not check the responder's status. */
export function ocspNoCheck(): CertExtension {
  return { id: OID.ocspNoCheck, critical: false, value: DER_NULL };
}

/** certificatePolicies with one policy OID and no qualifiers. */
export function certificatePolicies(policyOid: string): CertExtension {
  return { id: OID.certificatePolicies, critical: false, value: derSequence(derSequence(derOid(policyOid))) };
}
