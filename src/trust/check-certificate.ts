/**
 * Certificate checks at the signing time: validity period of every certificate of the path (shell
 * model, ETSI EN 319 102-1 §5.2.6) and the signer's keyUsage, which must allow
 * nonRepudiation or digitalSignature (ETSI EN 319 412-2 §4.3.2).
 */
import { KEY_USAGE, ParsedCertificate } from '../cms/parse-certificate';
import type { ProblemCode } from '../verification/explanations';

/** Problems with the path at `at`, plus the two facts the report shows. */
export function checkCertificates(
  chain: readonly ParsedCertificate[],
  at: Date,
): { validAtSigningTime: boolean; keyUsageOk: boolean; problems: ProblemCode[] } {
  const problems: ProblemCode[] = [];
  const t = at.getTime();
  for (const c of chain) {
    if (t > c.notAfter.getTime()) problems.push('CERT_EXPIRED');
    else if (t < c.notBefore.getTime()) problems.push('CERT_NOT_YET_VALID');
  }
  const ku = chain[0]?.keyUsage;
  const keyUsageOk = !ku || ku.has(KEY_USAGE.nonRepudiation) || ku.has(KEY_USAGE.digitalSignature);
  if (!keyUsageOk) problems.push('KEY_USAGE');
  return { validAtSigningTime: problems.length === (keyUsageOk ? 0 : 1), keyUsageOk, problems: [...new Set(problems)] };
}
