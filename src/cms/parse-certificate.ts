/**
 * X.509 certificate facts needed by verification (RFC 5280 §4.1): names (DER for matching, text
 * for the report), serial, validity, basicConstraints, keyUsage, key identifiers, CRL and OCSP
 * locations. Signature checks use node:crypto's X509Certificate. Parsed certificates are cached
 * by DER so that the same signer or CA seen in thousands of documents is parsed once.
 *
 *   Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue BIT STRING }
 *   TBSCertificate ::= SEQUENCE { version [0] EXPLICIT, serialNumber, signature, issuer,
 *     validity, subject, subjectPublicKeyInfo, ..., extensions [3] EXPLICIT Extensions OPTIONAL }
 */
import { hash, KeyObject, X509Certificate } from 'node:crypto';
import { AppError } from '../errors';
import { bytesOf, childrenOf, contentOf, DerNode, oidOf, readDer, timeOf } from './parse-der';
import { formatName, nameAttribute } from './parse-name';

/** keyUsage bits (RFC 5280 §4.2.1.3), bit 0 = digitalSignature. */
export const KEY_USAGE = { digitalSignature: 0, nonRepudiation: 1, keyCertSign: 5, cRLSign: 6 } as const;

/** The parsed certificate. */
export interface ParsedCertificate {
  der: Buffer;
  x509: X509Certificate;
  /** The subject public key, built once (X509Certificate.publicKey makes a new KeyObject per call). */
  publicKey: KeyObject;
  sha256: string;
  serial: Buffer;
  serialHex: string;
  issuerDer: Buffer;
  subjectDer: Buffer;
  subject: string;
  issuer: string;
  organisation: string | null;
  notBefore: Date;
  notAfter: Date;
  /** keyUsage bit set, or null when the extension is absent. */
  keyUsage: Set<number> | null;
  isCa: boolean;
  pathLength: number | null;
  subjectKeyId: Buffer | null;
  authorityKeyId: Buffer | null;
  crlUrls: string[];
  ocspUrls: string[];
  extendedKeyUsage: string[];
}

const cache = new Map<string, ParsedCertificate>();
const CACHE_MAX = 10_000;

/** Parses (or returns the cached parse of) a DER certificate. Throws CMS_MALFORMED. */
export function parseCertificate(der: Buffer): ParsedCertificate {
  const key = hash('sha256', der, 'hex'); // one-shot: no Hash object per certificate seen
  const hit = cache.get(key);
  if (hit) return hit;
  let parsed: ParsedCertificate;
  try {
    parsed = parseUncached(Buffer.from(der), key);
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw new AppError('CMS_MALFORMED', `Unreadable certificate: ${(e as Error).message}`);
  }
  if (cache.size >= CACHE_MAX) cache.clear();
  cache.set(key, parsed);
  return parsed;
}

function parseUncached(der: Buffer, sha256: string): ParsedCertificate {
  const x509 = new X509Certificate(der);
  const [tbs] = childrenOf(readDer(der));
  const f = childrenOf(tbs);
  let i = f[0].tag === 0xa0 ? 1 : 0;
  const serial = contentOf(f[i++]);
  i++; // signature algorithm
  const issuer = f[i++];
  const validity = childrenOf(f[i++]);
  const subject = f[i++];
  const ext = f.find((n) => n.tag === 0xa3);
  const cert: ParsedCertificate = {
    der,
    x509,
    publicKey: x509.publicKey,
    sha256,
    serial,
    serialHex: serial.toString('hex').replace(/^(00)+(?=.)/, ''),
    issuerDer: bytesOf(issuer),
    subjectDer: bytesOf(subject),
    subject: formatName(subject),
    issuer: formatName(issuer),
    organisation: nameAttribute(subject, '2.5.4.10'),
    notBefore: timeOf(validity[0]),
    notAfter: timeOf(validity[1]),
    keyUsage: null,
    isCa: false,
    pathLength: null,
    subjectKeyId: null,
    authorityKeyId: null,
    crlUrls: [],
    ocspUrls: [],
    extendedKeyUsage: [],
  };
  if (ext) for (const e of childrenOf(childrenOf(ext)[0])) applyExtension(cert, e);
  return cert;
}

function applyExtension(cert: ParsedCertificate, e: DerNode): void {
  const parts = childrenOf(e);
  const oid = oidOf(parts[0]);
  const value = readDer(contentOf(parts[parts.length - 1]));
  switch (oid) {
    case '2.5.29.15': {
      const b = contentOf(value);
      const bits = new Set<number>();
      for (let i = 1; i < b.length; i++) {
        for (let j = 0; j < 8; j++) if (b[i] & (0x80 >> j)) bits.add((i - 1) * 8 + j);
      }
      cert.keyUsage = bits;
      break;
    }
    case '2.5.29.19': {
      const c = childrenOf(value);
      cert.isCa = c.length > 0 && c[0].tag === 0x01 && contentOf(c[0])[0] !== 0;
      const pl = c.find((n) => n.tag === 0x02);
      cert.pathLength = pl ? contentOf(pl).readUIntBE(0, Math.min(contentOf(pl).length, 6)) : null;
      break;
    }
    case '2.5.29.14':
      cert.subjectKeyId = contentOf(value);
      break;
    case '2.5.29.35': {
      const k = childrenOf(value).find((n) => n.tag === 0x80);
      cert.authorityKeyId = k ? contentOf(k) : null;
      break;
    }
    case '2.5.29.37':
      cert.extendedKeyUsage = childrenOf(value).map(oidOf);
      break;
    case '2.5.29.31':
      cert.crlUrls = urisIn(value);
      break;
    case '1.3.6.1.5.5.7.1.1':
      for (const ad of childrenOf(value)) {
        const [method, loc] = childrenOf(ad);
        if (oidOf(method) === '1.3.6.1.5.5.7.48.1' && loc.tag === 0x86) {
          cert.ocspUrls.push(contentOf(loc).toString('latin1'));
        }
      }
      break;
  }
}

/** Every uniformResourceIdentifier [6] GeneralName below `node`. */
function urisIn(node: DerNode, depth = 0): string[] {
  if (node.tag === 0x86) return [contentOf(node).toString('latin1')];
  if (!node.constructed || depth > 8) return [];
  return childrenOf(node).flatMap((c) => urisIn(c, depth + 1));
}
