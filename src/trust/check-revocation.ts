/**
 * Revocation status of each non-anchor certificate of the path: embedded data first (the /DSS
 * dictionary, then the CMS adbe-revocationInfoArchival attribute), online OCSP/CRL only when the
 * context allows the network (issue 3 item 1, "trust"). Each OCSP response or CRL counts only
 * when its signature verifies with the issuer key (or a delegated OCSP responder, RFC 6960 §4.2.2.2).
 */
import { createHash } from 'node:crypto';
import { parseCertificate, ParsedCertificate } from '../cms/parse-certificate';
import { parseCrl, ParsedCrl } from '../cms/parse-crl';
import { childrenOf, contentOf, readDer } from '../cms/parse-der';
import { parseOcsp, ParsedOcsp } from '../cms/parse-ocsp';
import { verifySignatureValue } from '../cms/verify-signature-value';
import type { RevocationFacts } from '../verification/report';
import type { ProblemCode } from '../verification/explanations';
import { isIssuedBy } from './build-chain';
import type { VerificationContext } from './verification-context';

/** Revocation data found in the document, with where it came from. */
export interface RevocationEvidence {
  source: 'DSS' | 'CMS';
  crls: readonly Buffer[];
  ocsps: readonly Buffer[];
}

type Status = { status: 'GOOD' | 'REVOKED'; revokedAt: Date | null; reason: string | null; source: RevocationFacts['source'] };

const EKU_OCSP_SIGNING = '1.3.6.1.5.5.7.3.9';

function keyBits(cert: ParsedCertificate): Buffer {
  const spki = cert.publicKey.export({ type: 'spki', format: 'der' });
  return contentOf(childrenOf(readDer(spki))[1]).subarray(1);
}

function tryParse<T>(f: () => T): T | null {
  try {
    return f();
  } catch {
    return null;
  }
}

function fromOcsp(ocsp: ParsedOcsp, cert: ParsedCertificate, issuer: ParsedCertificate): Status | null {
  const nameHashes = new Map<string, Buffer>();
  for (const r of ocsp.responses) {
    if (r.serialHex !== cert.serialHex || r.hash === 'unknown' || r.status === 'unknown') continue;
    const h = (d: Buffer) => createHash(r.hash).update(d).digest();
    if (!r.issuerNameHash.equals(nameHashes.get(r.hash) ?? h(cert.issuerDer))) continue;
    if (!r.issuerKeyHash.equals(h(keyBits(issuer)))) continue;
    const responders = [issuer, ...ocsp.certificates.flatMap((d) => tryParse(() => parseCertificate(d)) ?? [])];
    const signedBy = responders.find(
      (s) =>
        (s === issuer || (isIssuedBy(s, issuer) && s.extendedKeyUsage.includes(EKU_OCSP_SIGNING))) &&
        verifySignatureValue(ocsp.tbs, ocsp.signature, s.publicKey, ocsp.signatureAlgorithm, ocsp.signatureAlgorithm) === 'valid',
    );
    if (!signedBy) continue;
    return { status: r.status === 'good' ? 'GOOD' : 'REVOKED', revokedAt: r.revokedAt, reason: r.reason, source: 'NONE' };
  }
  return null;
}

function fromCrl(crl: ParsedCrl, cert: ParsedCertificate, issuer: ParsedCertificate): Status | null {
  if (!crl.issuerDer.equals(cert.issuerDer)) return null;
  const check = verifySignatureValue(crl.tbs, crl.signature, issuer.publicKey, crl.signatureAlgorithm, crl.signatureAlgorithm);
  if (check !== 'valid') return null;
  const hit = crl.revoked.get(cert.serialHex);
  return hit
    ? { status: 'REVOKED', revokedAt: hit.date, reason: hit.reason, source: 'NONE' }
    : { status: 'GOOD', revokedAt: null, reason: null, source: 'NONE' };
}

function embeddedStatus(cert: ParsedCertificate, issuer: ParsedCertificate, evidence: readonly RevocationEvidence[]): Status | null {
  for (const ev of evidence) {
    for (const der of ev.ocsps) {
      const o = tryParse(() => parseOcsp(der));
      const s = o && fromOcsp(o, cert, issuer);
      if (s) return { ...s, source: ev.source };
    }
    for (const der of ev.crls) {
      const c = tryParse(() => parseCrl(der));
      const s = c && fromCrl(c, cert, issuer);
      if (s) return { ...s, source: ev.source };
    }
  }
  return null;
}

async function onlineStatus(cert: ParsedCertificate, issuer: ParsedCertificate, ctx: VerificationContext): Promise<Status | null> {
  const fetcher = ctx.fetchers.revocation;
  if (!ctx.allowNetwork || !fetcher) return null;
  for (const url of cert.ocspUrls) {
    const der = await fetcher.fetchOcsp(url, cert.der, issuer.der).catch(() => null);
    const o = der && tryParse(() => parseOcsp(der));
    const s = o && fromOcsp(o, cert, issuer);
    if (s) return { ...s, source: 'ONLINE' };
  }
  for (const url of cert.crlUrls) {
    const der = await fetcher.fetchCrl(url).catch(() => null);
    const c = der && tryParse(() => parseCrl(der));
    const s = c && fromCrl(c, cert, issuer);
    if (s) return { ...s, source: 'ONLINE' };
  }
  return null;
}

/**
 * Checks every certificate of `chain` below the anchor.
 * @param signingTime the best known signing time; @param hasProofOfExistence a valid timestamp proves it
 */
export async function checkRevocation(
  chain: readonly ParsedCertificate[],
  evidence: readonly RevocationEvidence[],
  ctx: VerificationContext,
  signingTime: Date,
  hasProofOfExistence: boolean,
): Promise<{ facts: RevocationFacts; problems: ProblemCode[] }> {
  const problems: ProblemCode[] = [];
  let signerFacts: RevocationFacts | null = null;
  for (let i = 0; i + 1 < chain.length; i++) {
    const cert = chain[i];
    const s = embeddedStatus(cert, chain[i + 1], evidence) ?? (await onlineStatus(cert, chain[i + 1], ctx));
    const facts: RevocationFacts = s
      ? { status: s.status, source: s.source, revokedAt: s.revokedAt?.toISOString() ?? null, reason: s.reason }
      : { status: 'NOT_CHECKED', source: 'NONE', revokedAt: null, reason: null };
    if (i === 0 || (s?.status === 'REVOKED' && signerFacts?.status !== 'REVOKED')) signerFacts = facts;
    if (!s) {
      problems.push(ctx.revocationPolicy === 'hard-fail' ? 'REVOCATION_UNKNOWN' : 'REVOCATION_NOT_CHECKED');
    } else if (s.status === 'REVOKED') {
      if (!s.revokedAt || s.revokedAt.getTime() <= signingTime.getTime()) problems.push('REVOKED');
      else problems.push(hasProofOfExistence ? 'REVOKED_AFTER_SIGNING' : 'REVOKED_NO_POE');
    }
  }
  return {
    facts: signerFacts ?? { status: 'NOT_CHECKED', source: 'NONE', revokedAt: null, reason: null },
    problems: [...new Set(problems)],
  };
}
