/**
 * Parses a CMS SignedData (RFC 5652 §5) into kyso's own types: the certificates and CRLs it
 * carries, and each SignerInfo with its signed attributes kept as the exact DER that was signed
 * (re-tagged as SET OF, RFC 5652 §5.4).
 *
 *   ContentInfo ::= SEQUENCE { contentType OID, content [0] EXPLICIT SignedData }
 *   SignedData ::= SEQUENCE { version, digestAlgorithms SET, encapContentInfo,
 *     certificates [0] IMPLICIT OPTIONAL, crls [1] IMPLICIT OPTIONAL, signerInfos SET }
 *   SignerInfo ::= SEQUENCE { version, sid, digestAlgorithm, signedAttrs [0] IMPLICIT OPTIONAL,
 *     signatureAlgorithm, signature OCTET STRING, unsignedAttrs [1] IMPLICIT OPTIONAL }
 */
import { AppError } from '../errors';
import { bytesOf, childrenOf, contentOf, DerNode, oidOf, readDer } from './parse-der';

/** An attribute: its type and its value nodes. */
export interface CmsAttribute {
  oid: string;
  values: DerNode[];
}

/** An AlgorithmIdentifier: OID and the parameters node, if any. */
export interface AlgorithmId {
  oid: string;
  params: DerNode | null;
}

/** One SignerInfo. */
export interface ParsedSignerInfo {
  sid: { issuerDer: Buffer; serial: Buffer } | { subjectKeyId: Buffer };
  digestAlgorithm: AlgorithmId;
  signedAttrs: CmsAttribute[] | null;
  /** DER of the signed attributes with the SET OF tag (0x31): the bytes the signature covers. */
  signedAttrsDer: Buffer | null;
  signatureAlgorithm: AlgorithmId;
  signature: Buffer;
  unsignedAttrs: CmsAttribute[];
}

/** A parsed SignedData. */
export interface ParsedSignedData {
  eContentType: string;
  /** The encapsulated content (null when detached). */
  eContent: Buffer | null;
  certificates: Buffer[];
  crls: Buffer[];
  signerInfos: ParsedSignerInfo[];
}

const SIGNED_DATA = '1.2.840.113549.1.7.2';

function malformed(msg: string): never {
  throw new AppError('CMS_MALFORMED', `CMS SignedData: ${msg}`);
}

/** Parses a DER/BER ContentInfo holding SignedData; trailing zero padding is allowed (PDF /Contents). */
export function parseSignedData(der: Buffer): ParsedSignedData {
  const ci = childrenOf(readDer(der));
  if (ci.length < 2 || oidOf(ci[0]) !== SIGNED_DATA) malformed('content type is not signedData');
  if (ci[1].tag !== 0xa0) malformed('missing [0] content');
  const sd = childrenOf(childrenOf(ci[1])[0]);
  let i = 1;
  const digestAlgs = sd[i++];
  if (digestAlgs?.tag !== 0x31) malformed('missing digestAlgorithms');
  const encap = childrenOf(sd[i++]);
  const eContentType = oidOf(encap[0]);
  const eContent = encap[1] ? octets(childrenOf(encap[1])[0]) : null;
  const certificates: Buffer[] = [];
  const crls: Buffer[] = [];
  if (sd[i]?.tag === 0xa0) {
    for (const c of childrenOf(sd[i++])) if (c.tag === 0x30) certificates.push(bytesOf(c));
  }
  if (sd[i]?.tag === 0xa1) {
    for (const c of childrenOf(sd[i++])) if (c.tag === 0x30) crls.push(bytesOf(c));
  }
  const infos = sd[i];
  if (infos?.tag !== 0x31) malformed('missing signerInfos');
  return { eContentType, eContent, certificates, crls, signerInfos: childrenOf(infos).map(parseSignerInfo) };
}

/** The bytes of an OCTET STRING, joining the segments of a constructed (BER) one. */
export function octets(node: DerNode): Buffer {
  if (!node.constructed) return contentOf(node);
  return Buffer.concat(childrenOf(node).map(octets));
}

function algorithm(node: DerNode): AlgorithmId {
  const c = childrenOf(node);
  return { oid: oidOf(c[0]), params: c[1] && c[1].tag !== 0x05 ? c[1] : null };
}

function attributes(node: DerNode): CmsAttribute[] {
  return childrenOf(node).map((a) => {
    const [type, values] = childrenOf(a);
    return { oid: oidOf(type), values: childrenOf(values) };
  });
}

function parseSignerInfo(node: DerNode): ParsedSignerInfo {
  const f = childrenOf(node);
  let i = 1;
  const sidNode = f[i++];
  let sid: ParsedSignerInfo['sid'];
  if (sidNode.tag === 0x30) {
    const [issuer, serial] = childrenOf(sidNode);
    sid = { issuerDer: bytesOf(issuer), serial: contentOf(serial) };
  } else if (sidNode.tag === 0x80) {
    sid = { subjectKeyId: contentOf(sidNode) };
  } else return malformed('unknown signer identifier');
  const digestAlgorithm = algorithm(f[i++]);
  let signedAttrs: CmsAttribute[] | null = null;
  let signedAttrsDer: Buffer | null = null;
  if (f[i].tag === 0xa0) {
    signedAttrs = attributes(f[i]);
    signedAttrsDer = Buffer.from(bytesOf(f[i]));
    signedAttrsDer[0] = 0x31;
    i++;
  }
  const signatureAlgorithm = algorithm(f[i++]);
  const sigNode = f[i++];
  if (!sigNode || (sigNode.tag & 0x1f) !== 0x04) malformed('missing signature value');
  const signature = octets(sigNode);
  const unsignedAttrs = f[i]?.tag === 0xa1 ? attributes(f[i]) : [];
  return { sid, digestAlgorithm, signedAttrs, signedAttrsDer, signatureAlgorithm, signature, unsignedAttrs };
}
