/**
 * An RFC 6960 OCSPRequest for one certificate, unsigned, with a nonce:
 *
 *   OCSPRequest ::= SEQUENCE { tbsRequest TBSRequest }
 *   TBSRequest  ::= SEQUENCE { requestList SEQUENCE OF Request, requestExtensions [2] EXPLICIT Extensions }
 *   Request     ::= SEQUENCE { reqCert CertID }
 *   CertID      ::= SEQUENCE { hashAlgorithm, issuerNameHash OCTET STRING, issuerKeyHash OCTET STRING, serialNumber }
 *
 * The CertID uses SHA-1, which every responder must support (RFC 6960 §4.3; RFC 5019 §2.1.1).
 */
import { createHash, randomBytes } from 'node:crypto';
import { sliceCertificate } from './der-certificate';
import { contextTag, DER_NULL, derOctetString, derOid, derSequence, derTlv, readChildren, readTlv } from './der-writer';

const SHA1 = '1.3.14.3.2.26';
const OCSP_NONCE = '1.3.6.1.5.5.7.48.1.2';

/** The SHA-1 of the subjectPublicKey BIT STRING's value (without the unused-bits octet). */
function issuerKeyHash(spki: Buffer): Buffer {
  const [, bitString] = readChildren(spki, 0);
  const tlv = readTlv(spki, bitString.start);
  return createHash('sha1').update(spki.subarray(tlv.contentStart + 1, tlv.end)).digest();
}

/** Builds the DER request for `certificate` issued by `issuer`; returns it with its nonce. */
export function buildOcspRequest(certificate: Uint8Array, issuer: Uint8Array, nonce: Buffer = randomBytes(16)): { der: Buffer; nonce: Buffer } {
  const cert = sliceCertificate(certificate);
  const ca = sliceCertificate(issuer);
  const certId = derSequence(
    derSequence(derOid(SHA1), DER_NULL),
    derOctetString(createHash('sha1').update(cert.issuer).digest()),
    derOctetString(issuerKeyHash(ca.spki)),
    cert.serial,
  );
  const nonceExtension = derSequence(derOid(OCSP_NONCE), derOctetString(derOctetString(nonce)));
  const tbs = derSequence(derSequence(derSequence(certId)), derTlv(contextTag(2), derSequence(nonceExtension)));
  return { der: derSequence(tbs), nonce };
}
