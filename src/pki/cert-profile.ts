/**
 * Which extensions each role's certificate carries (RFC 5280 §4.2; RFC 3161 §2.3 for the TSA;
 * RFC 6960 §4.2.2.2 for the OCSP responder). Signer certificates get digitalSignature +
 * nonRepudiation, AIA (OCSP + caIssuers) and a CRL distribution point under `publicBaseUrl`.
 */
import { OID } from '../cms/oids';
import {
  authorityInfoAccess,
  authorityKeyIdentifier,
  basicConstraints,
  crlDistributionPoints,
  extendedKeyUsage,
  keyUsage,
  ocspNoCheck,
  subjectKeyIdentifier,
  type CertExtension,
} from './cert-extensions';
import type { IdentitySpec } from './dev-pki-spec';

/** Extensions of the certificate described by `spec`. */
export function certExtensionsFor(spec: IdentitySpec, publicBaseUrl: string, keyId: Buffer, issuerKeyId: Buffer): CertExtension[] {
  const base = publicBaseUrl.replace(/\/+$/, '');
  const out: CertExtension[] = [];
  if (spec.role === 'root-ca' || spec.role === 'sub-ca') {
    out.push(basicConstraints(true, spec.role === 'sub-ca' ? 0 : undefined));
    out.push(keyUsage(['keyCertSign', 'cRLSign']));
  } else {
    out.push(basicConstraints(false));
    if (spec.role === 'ocsp') out.push(keyUsage(['digitalSignature']));
    else out.push(keyUsage(['digitalSignature', 'nonRepudiation']));
  }
  if (spec.role === 'tsa') out.push(extendedKeyUsage([OID.ekuTimeStamping], true));
  if (spec.role === 'ocsp') {
    out.push(extendedKeyUsage([OID.ekuOcspSigning], false));
    out.push(ocspNoCheck());
  }
  out.push(subjectKeyIdentifier(keyId));
  if (spec.issuer) {
    out.push(authorityKeyIdentifier(issuerKeyId));
    const ocspUrl = spec.role === 'ocsp' || spec.role === 'sub-ca' ? undefined : `${base}/ocsp`;
    out.push(authorityInfoAccess(ocspUrl, `${base}/ca/${spec.issuer}.crt`));
    out.push(crlDistributionPoints(`${base}/crl/${spec.issuer}.crl`));
  }
  return out;
}
