/**
 * Slices of a DER X.509 certificate (RFC 5280 §4.1) taken without an object model: the issuer and
 * subject Names, the serial INTEGER and the SubjectPublicKeyInfo, as exact byte copies. CMS
 * IssuerAndSerialNumber, ESS IssuerSerial and CRL/OCSP issuers must repeat them byte for byte.
 */
import { AppError } from '../errors';
import { readChildren, readTlv } from './der-writer';

/** The parts of a certificate the builders splice. */
export interface CertificateSlices {
  /** The whole certificate DER. */
  der: Buffer;
  /** TBSCertificate DER. */
  tbs: Buffer;
  /** serialNumber INTEGER TLV. */
  serial: Buffer;
  /** issuer Name TLV. */
  issuer: Buffer;
  /** subject Name TLV. */
  subject: Buffer;
  /** SubjectPublicKeyInfo TLV. */
  spki: Buffer;
}

/** Cuts a certificate into its slices; throws KEY_UNREADABLE on garbage. */
export function sliceCertificate(certificate: Uint8Array): CertificateSlices {
  try {
    const der = Buffer.from(certificate.buffer, certificate.byteOffset, certificate.byteLength);
    const outer = readTlv(der, 0);
    if (outer.tag !== 0x30 || outer.end !== der.length) throw new RangeError('not a SEQUENCE');
    const tbsRange = readChildren(der, 0)[0]!;
    const fields = readChildren(der, tbsRange.start);
    const i = fields[0]!.tag === 0xa0 ? 1 : 0;
    const pick = (k: number): Buffer => {
      const f = fields[i + k];
      if (!f) throw new RangeError('TBSCertificate too short');
      return der.subarray(f.start, f.end);
    };
    return {
      der,
      tbs: der.subarray(tbsRange.start, tbsRange.end),
      serial: pick(0),
      issuer: pick(2),
      subject: pick(4),
      spki: pick(5),
    };
  } catch (e) {
    throw new AppError('KEY_UNREADABLE', 'The certificate is not a DER X.509 certificate', undefined, { cause: e });
  }
}
