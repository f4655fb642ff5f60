/**
 * The trust part of one signature (ETSI EN 319 102-1 §5.2.6 X.509 certificate validation): chain
 * to an anchor from the CMS certificates, /DSS /Certs and the configured pool; validity and key
 * usage at the signing time; revocation from embedded data first.
 */
import { parseCertificate, ParsedCertificate } from '../cms/parse-certificate';
import { buildChain } from '../trust/build-chain';
import { checkCertificates } from '../trust/check-certificate';
import { checkRevocation, RevocationEvidence } from '../trust/check-revocation';
import type { VerificationContext } from '../trust/verification-context';
import type { ProblemCode } from './explanations';
import type { CertificateSummary, TrustFacts } from './report';

/** A certificate as the report shows it. */
export function summarise(c: ParsedCertificate): CertificateSummary {
  return {
    subject: c.subject,
    organisation: c.organisation,
    serialNumber: c.serialHex,
    issuer: c.issuer,
    notBefore: c.notBefore.toISOString(),
    notAfter: c.notAfter.toISOString(),
    sha256: c.sha256,
  };
}

/** Parses DER certificates, skipping unreadable ones (they are just not candidates). */
export function parseAll(ders: readonly Buffer[]): ParsedCertificate[] {
  return ders.flatMap((d) => {
    try {
      return [parseCertificate(d)];
    } catch {
      return [];
    }
  });
}

/** Trust facts and problems for `signer` at `signingTime`. */
export async function checkSignatureTrust(
  signer: ParsedCertificate,
  candidates: readonly ParsedCertificate[],
  evidence: readonly RevocationEvidence[],
  ctx: VerificationContext,
  signingTime: Date,
  hasProofOfExistence: boolean,
): Promise<{ facts: TrustFacts; problems: ProblemCode[] }> {
  const chain = buildChain(signer, candidates, ctx.trustStore);
  const certs = checkCertificates(chain.chain, signingTime);
  const problems: ProblemCode[] = [...chain.problems, ...certs.problems];
  const rev = await checkRevocation(chain.chain, evidence, ctx, signingTime, hasProofOfExistence);
  if (chain.anchor) problems.push(...rev.problems);
  return {
    facts: {
      chain: chain.chain.map(summarise),
      chainTrusted: chain.anchor !== null && !chain.problems.length,
      anchor: chain.anchor?.subject ?? null,
      validAtSigningTime: certs.validAtSigningTime,
      keyUsageOk: certs.keyUsageOk,
      revocation: rev.facts,
    },
    problems,
  };
}
