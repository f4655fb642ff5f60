/**
 * Refuses to sign with a certificate outside its validity period (RFC 5280 §4.1.2.5): a signature
 * made with an expired or not-yet-valid certificate fails validation anyway (ETSI EN 319 102-1
 * OUT_OF_BOUNDS_*), so the signer is told before anything is written.
 */
import { X509Certificate } from 'node:crypto';
import { AppError } from '../errors';

/** The validity window of a certificate. */
export function validityOf(certificate: Uint8Array | X509Certificate): { notBefore: Date; notAfter: Date; subject: string } {
  const cert = certificate instanceof X509Certificate ? certificate : new X509Certificate(certificate);
  return { notBefore: new Date(cert.validFrom), notAfter: new Date(cert.validTo), subject: cert.subject };
}

/** Throws CERT_NOT_YET_VALID or CERT_EXPIRED unless `now` lies within the certificate's validity. */
export function assertUsableAt(certificate: Uint8Array | X509Certificate, now: Date): void {
  let v: ReturnType<typeof validityOf>;
  try {
    v = validityOf(certificate);
  } catch (e) {
    throw new AppError('KEY_UNREADABLE', 'The certificate is not readable', undefined, { cause: e });
  }
  const who = v.subject.split('\n').find((l) => l.startsWith('CN=')) ?? v.subject;
  if (now.getTime() < v.notBefore.getTime()) {
    throw new AppError('CERT_NOT_YET_VALID', `The certificate (${who}) is not valid before ${v.notBefore.toISOString()}`, {
      notBefore: v.notBefore.toISOString(),
    });
  }
  if (now.getTime() > v.notAfter.getTime()) {
    throw new AppError('CERT_EXPIRED', `The certificate (${who}) expired on ${v.notAfter.toISOString()}`, {
      notAfter: v.notAfter.toISOString(),
    });
  }
}
