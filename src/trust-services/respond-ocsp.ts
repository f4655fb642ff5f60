/**
 * The development OCSP responder core (RFC 6960): answers a DER OCSPRequest for certificates of
 * one issuing CA with a BasicOCSPResponse signed by a delegated responder (EKU OCSPSigning,
 * id-pkix-ocsp-nocheck) whose certificate travels in the response. The nonce is echoed. Pure:
 * the caller supplies the status of each serial (from the registry or the dev PKI).
 */
import { createHash } from 'node:crypto';
import { signatureAlgorithmId } from '../cms/der-algorithms';
import { sliceCertificate } from '../cms/der-certificate';
import { contextTag, derBitString, derGeneralizedTime, derOctetString, derOid, derSequence, derTlv, readChildren, readTlv, TAG } from '../cms/der-writer';
import { OID } from '../cms/oids';
import { CRL_REASON_CODE, type CrlReason } from '../cms/build-crl';
import type { HashAlgorithm, KeyHandle } from '../keys/key-handle';

/** Status of one certificate as the CA knows it. */
export type CertStatus = { status: 'good' } | { status: 'revoked'; revokedAt: Date; reason?: CrlReason } | { status: 'unknown' };

/** What the responder needs. */
export interface OcspResponderConfig {
  /** The issuing CA certificate (DER) whose certificates this responder covers. */
  issuer: Uint8Array;
  /** Delegated responder key (certificate issued by `issuer`). */
  responderKey: KeyHandle;
  /** Status by serial number (unsigned big-endian hex, lower case). */
  statusOf(serialHex: string): CertStatus | Promise<CertStatus>;
  now: Date;
  /** Seconds until nextUpdate. @defaultValue 86400 */
  validitySeconds?: number;
  /** @defaultValue 'sha256' */
  signatureHash?: HashAlgorithm;
}

const CERT_ID_HASH: Record<string, string> = { [OID.sha1]: 'sha1', [OID.sha256]: 'sha256', [OID.sha384]: 'sha384', [OID.sha512]: 'sha512' };

/** OCSPResponse with only a status (RFC 6960 §4.2.1): 1 malformedRequest, 2 internalError. */
function statusOnly(code: number): Buffer {
  return derSequence(derTlv(TAG.ENUMERATED, Buffer.from([code])));
}

function publicKeyBits(certificate: Uint8Array): Buffer {
  const spki = sliceCertificate(certificate).spki;
  const bitString = readChildren(spki)[1]!;
  return spki.subarray(bitString.contentStart + 1, bitString.end);
}

interface ParsedRequest {
  certIds: Buffer[];
  nonceExtension?: Buffer;
}

function parseRequest(der: Buffer): ParsedRequest {
  const tbs = readChildren(der)[0]!;
  const fields = readChildren(der, tbs.start);
  const list = fields.find((f) => f.tag === TAG.SEQUENCE)!;
  const certIds = readChildren(der, list.start).map((request) => {
    const certId = readChildren(der, request.start)[0]!;
    return der.subarray(certId.start, certId.end);
  });
  let nonceExtension: Buffer | undefined;
  const extensions = fields.find((f) => f.tag === contextTag(2));
  if (extensions) {
    const seq = readChildren(der, extensions.start)[0]!;
    for (const ext of readChildren(der, seq.start)) {
      const oid = readChildren(der, ext.start)[0]!;
      if (der.subarray(oid.start, oid.end).equals(derOid(OID.ocspNonce))) nonceExtension = der.subarray(ext.start, ext.end);
    }
  }
  return nonceExtension ? { certIds, nonceExtension } : { certIds };
}

/** Answers `requestDer`; malformed requests get a malformedRequest status, never an exception. */
export async function respondOcsp(requestDer: Uint8Array, config: OcspResponderConfig): Promise<Buffer> {
  let request: ParsedRequest;
  try {
    request = parseRequest(Buffer.from(requestDer));
    if (request.certIds.length === 0) return statusOnly(1);
  } catch {
    return statusOnly(1);
  }
  const issuer = sliceCertificate(config.issuer);
  const issuerKeyBits = publicKeyBits(config.issuer);
  const thisUpdate = derGeneralizedTime(config.now);
  const nextUpdate = derTlv(contextTag(0), derGeneralizedTime(new Date(config.now.getTime() + (config.validitySeconds ?? 86400) * 1000)));
  const responses: Buffer[] = [];
  for (const certId of request.certIds) {
    const [alg, nameHash, keyHash, serial] = readChildren(certId).map((c) => certId.subarray(c.start, c.end));
    const algOid = readChildren(alg!)[0]!;
    const hashName = Object.entries(CERT_ID_HASH).find(([oid]) => derOid(oid).equals(alg!.subarray(algOid.start, algOid.end)))?.[1];
    let status: CertStatus = { status: 'unknown' };
    if (hashName) {
      const expectName = derOctetString(createHash(hashName).update(issuer.subject).digest());
      const expectKey = derOctetString(createHash(hashName).update(issuerKeyBits).digest());
      if (expectName.equals(nameHash!) && expectKey.equals(keyHash!)) {
        const s = readTlv(serial!);
        const serialHex = serial!.subarray(s.contentStart, s.end).toString('hex').replace(/^(00)+(?=.)/, '');
        status = await config.statusOf(serialHex);
      }
    }
    let certStatus: Buffer;
    if (status.status === 'good') certStatus = Buffer.from([0x80, 0x00]);
    else if (status.status === 'unknown') certStatus = Buffer.from([0x82, 0x00]);
    else {
      const reason = status.reason ? [derTlv(contextTag(0), derTlv(TAG.ENUMERATED, Buffer.from([CRL_REASON_CODE[status.reason]])))] : [];
      certStatus = derTlv(contextTag(1), derGeneralizedTime(status.revokedAt), ...reason);
    }
    responses.push(derSequence(certId, certStatus, thisUpdate, nextUpdate));
  }
  const responderKeyHash = createHash('sha1').update(publicKeyBits(config.responderKey.certificate)).digest();
  const responseData = derSequence(
    derTlv(contextTag(2), derOctetString(responderKeyHash)),
    derGeneralizedTime(config.now),
    derSequence(...responses),
    ...(request.nonceExtension ? [derTlv(contextTag(1), derSequence(request.nonceExtension))] : []),
  );
  const hash = config.signatureHash ?? 'sha256';
  const signature = await config.responderKey.sign(responseData, hash);
  const basic = derSequence(
    responseData,
    signatureAlgorithmId(config.responderKey.scheme, hash),
    derBitString(signature),
    derTlv(contextTag(0), derSequence(config.responderKey.certificate)),
  );
  const responseBytes = derSequence(derOid(OID.ocspBasic), derOctetString(basic));
  return derSequence(derTlv(TAG.ENUMERATED, Buffer.from([0])), derTlv(contextTag(0), responseBytes));
}
