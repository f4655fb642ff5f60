/**
 * Builds the certification path from a signer certificate to a trust anchor (RFC 5280 §6) using
 * the CMS certificates, the document's /DSS /Certs and the configured pool. Each link's signature
 * is checked with node:crypto and the result cached per (child, issuer) pair, so a signer seen in
 * many documents costs one RSA/ECDSA verification per link per process.
 */
import type { ParsedCertificate } from '../cms/parse-certificate';
import { KEY_USAGE } from '../cms/parse-certificate';
import type { ProblemCode } from '../verification/explanations';
import type { TrustStore } from './trust-store';

/** The path found, signer first, anchor last (when one was reached). */
export interface ChainResult {
  chain: ParsedCertificate[];
  anchor: ParsedCertificate | null;
  problems: ProblemCode[];
}

const MAX_PATH = 10;
const linkCache = new Map<string, boolean>();

/** True when `issuer` signed `child` (cached). */
export function isIssuedBy(child: ParsedCertificate, issuer: ParsedCertificate): boolean {
  if (!child.issuerDer.equals(issuer.subjectDer)) return false;
  if (child.authorityKeyId && issuer.subjectKeyId && !child.authorityKeyId.equals(issuer.subjectKeyId)) return false;
  const key = `${child.sha256}:${issuer.sha256}`;
  let ok = linkCache.get(key);
  if (ok === undefined) {
    try {
      ok = child.x509.verify(issuer.publicKey);
    } catch {
      ok = false;
    }
    if (linkCache.size > 50_000) linkCache.clear();
    linkCache.set(key, ok);
  }
  return ok;
}

/** RFC 5280 §4.2.1.9/§4.2.1.3: an issuer must be a CA allowed to sign certificates. */
function mayIssue(issuer: ParsedCertificate): boolean {
  if (!issuer.isCa) return false;
  return !issuer.keyUsage || issuer.keyUsage.has(KEY_USAGE.keyCertSign);
}

/** Finds a path from `signer` to an anchor of `store` through `candidates`. */
export function buildChain(
  signer: ParsedCertificate,
  candidates: readonly ParsedCertificate[],
  store: TrustStore,
): ChainResult {
  const chain: ParsedCertificate[] = [signer];
  const problems: ProblemCode[] = [];
  let current = signer;
  for (let depth = 0; depth < MAX_PATH; depth++) {
    if (store.isAnchor(current)) return { chain, anchor: current, problems };
    const anchor = store.anchorsNamed(current.issuerDer).find((a) => isIssuedBy(current, a));
    if (anchor) {
      if (!mayIssue(anchor)) problems.push('CHAIN_CONSTRAINTS');
      chain.push(anchor);
      return { chain, anchor, problems };
    }
    const next = candidates.find(
      (c) => c !== current && !chain.includes(c) && c.sha256 !== current.sha256 && isIssuedBy(current, c),
    );
    if (!next) break;
    if (!mayIssue(next)) problems.push('CHAIN_CONSTRAINTS');
    chain.push(next);
    current = next;
  }
  const nameMatched = candidates.some((c) => c.subjectDer.equals(current.issuerDer) && c !== current);
  problems.push(nameMatched ? 'CHAIN_SIGNATURE_INVALID' : 'CHAIN_NOT_FOUND');
  if (nameMatched) problems.push('CHAIN_NOT_FOUND');
  return { chain, anchor: null, problems };
}
