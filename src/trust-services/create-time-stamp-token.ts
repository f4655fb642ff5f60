/**
 * The development TSA core (RFC 3161 §2.4.2, RFC 5816 for ESS signing-certificate-v2): a
 * TimeStampToken over a message imprint, signed by a KeyHandle whose certificate has the critical
 * timeStamping EKU, and a TimeStampResp for an RFC 3161 request. So B-T and B-LTA work offline.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { encodeAttribute, essSigningCertificateV2 } from '../cms/build-cms-template';
import { digestAlgorithmId, signatureAlgorithmId } from '../cms/der-algorithms';
import { sliceCertificate } from '../cms/der-certificate';
import { contextTag, derGeneralizedTime, derInteger, derOctetString, derOid, derSequence, derSetOf, derTlv, TAG } from '../cms/der-writer';
import { DIGEST_LENGTH, DIGEST_OID, OID } from '../cms/oids';
import { AppError } from '../errors';
import type { HashAlgorithm, KeyHandle } from '../keys/key-handle';

/** Development TSA policy OID (under a private-use arc; NOT a real policy). */
export const DEV_TSA_POLICY = '1.3.6.1.4.1.99999.1.1';

/** Options of {@link createTimeStampToken}. */
export interface TimeStampOptions {
  /** Echoed from the request (RFC 3161 §2.4.2), unsigned big-endian bytes. */
  nonce?: Uint8Array;
  /** @defaultValue {@link DEV_TSA_POLICY} */
  policy?: string;
  /** @defaultValue 16 random bytes */
  serial?: Uint8Array;
  /** Hash for the token's own signature. @defaultValue 'sha256' */
  signatureHash?: HashAlgorithm;
}

/** Builds a DER TimeStampToken (ContentInfo/SignedData with id-ct-TSTInfo) over `digest`. */
export async function createTimeStampToken(digest: Uint8Array, hash: HashAlgorithm, tsaKey: KeyHandle, now: Date, options: TimeStampOptions = {}): Promise<Buffer> {
  if (digest.length !== DIGEST_LENGTH[hash]) throw new AppError('BAD_REQUEST', `The message imprint has ${digest.length} bytes; ${hash} gives ${DIGEST_LENGTH[hash]}`);
  const signHash = options.signatureHash ?? 'sha256';
  const serial = options.serial ?? randomBytes(16);
  const tstInfo = derSequence(
    derInteger(1),
    derOid(options.policy ?? DEV_TSA_POLICY),
    derSequence(derSequence(derOid(DIGEST_OID[hash])), derOctetString(digest)),
    derInteger(serial),
    derGeneralizedTime(now, true),
    derSequence(derInteger(1)), // accuracy: 1 second
    ...(options.nonce ? [derInteger(options.nonce)] : []),
    derTlv(contextTag(0), derTlv(contextTag(4), sliceCertificate(tsaKey.certificate).subject)),
  );
  const digestAlgorithm = digestAlgorithmId(signHash);
  const signedAttributes = derSetOf(
    encodeAttribute(OID.contentType, derOid(OID.tstInfo)),
    encodeAttribute(OID.messageDigest, derOctetString(createHash(signHash).update(tstInfo).digest())),
    essSigningCertificateV2(tsaKey.certificate, signHash),
  );
  const signature = await tsaKey.sign(signedAttributes, signHash);
  const signer = sliceCertificate(tsaKey.certificate);
  const implicitAttrs = Buffer.from(signedAttributes);
  implicitAttrs[0] = contextTag(0);
  const signerInfo = derSequence(
    derInteger(1),
    derSequence(signer.issuer, signer.serial),
    digestAlgorithm,
    implicitAttrs,
    signatureAlgorithmId(tsaKey.scheme, signHash),
    derOctetString(signature),
  );
  const signedData = derSequence(
    derInteger(3), // RFC 5652 §5.1: version 3 when eContentType is not id-data
    derTlv(TAG.SET, digestAlgorithm),
    derSequence(derOid(OID.tstInfo), derTlv(contextTag(0), derOctetString(tstInfo))),
    derTlv(contextTag(0), tsaKey.certificate, ...tsaKey.chain),
    derTlv(TAG.SET, signerInfo),
  );
  return derSequence(derOid(OID.signedData), derTlv(contextTag(0), signedData));
}

const HASH_BY_OID: Record<string, HashAlgorithm> = { [OID.sha256]: 'sha256', [OID.sha384]: 'sha384', [OID.sha512]: 'sha512' };

/** PKIStatusInfo-only response (RFC 3161 §2.4.2) for a refused request. */
function rejection(failBit: number): Buffer {
  const bits = Buffer.from([7 - (failBit % 8), 0x80 >> failBit % 8]);
  return derSequence(derSequence(derInteger(2), derTlv(TAG.BIT_STRING, bits)));
}

/** Answers a DER TimeStampReq with a DER TimeStampResp (granted, or rejection with failInfo). */
export async function respondTimeStamp(requestDer: Uint8Array, tsaKey: KeyHandle, now: Date): Promise<Buffer> {
  let request: pkijs.TimeStampReq;
  try {
    request = pkijs.TimeStampReq.fromBER(requestDer);
  } catch {
    return rejection(5); // badDataFormat
  }
  const hash = HASH_BY_OID[request.messageImprint.hashAlgorithm.algorithmId];
  if (!hash) return rejection(0); // badAlg
  const digest = Buffer.from(request.messageImprint.hashedMessage.valueBlock.valueHexView);
  if (digest.length !== DIGEST_LENGTH[hash]) return rejection(5);
  const nonce = request.nonce ? Buffer.from((request.nonce as asn1js.Integer).valueBlock.valueHexView) : undefined;
  const token = await createTimeStampToken(digest, hash, tsaKey, now, nonce ? { nonce } : {});
  return derSequence(derSequence(derInteger(0)), token);
}
