/**
 * Derives the ETSI EN 319 102-1 indication of one signature from its problems. Each problem code
 * maps to at most one (indication, sub-indication) pair; TOTAL_FAILED beats INDETERMINATE, and
 * within a level the first problem found wins (EN 319 102-1 §5.1.3, Table 5 and Table 6).
 */
import type { ProblemCode } from './explanations';
import type { Indication, Problem, SubIndication } from './report';

type Outcome = [Indication, SubIndication];

const OUTCOMES: Partial<Record<ProblemCode, Outcome>> = {
  BYTERANGE_MISSING: ['TOTAL_FAILED', 'FORMAT_FAILURE'],
  BYTERANGE_NOT_AT_START: ['TOTAL_FAILED', 'FORMAT_FAILURE'],
  BYTERANGE_GAP_NOT_CONTENTS: ['TOTAL_FAILED', 'FORMAT_FAILURE'],
  BYTERANGE_OUTSIDE_FILE: ['TOTAL_FAILED', 'FORMAT_FAILURE'],
  BYTERANGE_OVERLAP: ['TOTAL_FAILED', 'FORMAT_FAILURE'],
  CONTENTS_MISSING: ['TOTAL_FAILED', 'FORMAT_FAILURE'],
  CONTENTS_NOT_HEX: ['TOTAL_FAILED', 'FORMAT_FAILURE'],
  CMS_MALFORMED: ['TOTAL_FAILED', 'FORMAT_FAILURE'],
  SUBFILTER_UNSUPPORTED: ['TOTAL_FAILED', 'FORMAT_FAILURE'],
  COVERAGE_PARTIAL: ['TOTAL_FAILED', 'FORMAT_FAILURE'],
  SIGNED_ATTRS_INVALID: ['TOTAL_FAILED', 'FORMAT_FAILURE'],
  DIGEST_MISMATCH: ['TOTAL_FAILED', 'HASH_FAILURE'],
  SIGNATURE_INVALID: ['TOTAL_FAILED', 'SIG_CRYPTO_FAILURE'],
  REVOKED: ['TOTAL_FAILED', 'REVOKED'],
  CERT_EXPIRED: ['TOTAL_FAILED', 'EXPIRED'],
  CERT_NOT_YET_VALID: ['TOTAL_FAILED', 'NOT_YET_VALID'],
  SIGNER_CERT_MISSING: ['INDETERMINATE', 'NO_SIGNING_CERTIFICATE_FOUND'],
  SIGNING_CERT_MISMATCH: ['INDETERMINATE', 'NO_SIGNING_CERTIFICATE_FOUND'],
  ALGORITHM_UNSUPPORTED: ['INDETERMINATE', 'CRYPTO_CONSTRAINTS_FAILURE'],
  CHAIN_NOT_FOUND: ['INDETERMINATE', 'NO_CERTIFICATE_CHAIN_FOUND'],
  CHAIN_SIGNATURE_INVALID: ['INDETERMINATE', 'CERTIFICATE_CHAIN_GENERAL_FAILURE'],
  CHAIN_CONSTRAINTS: ['INDETERMINATE', 'CHAIN_CONSTRAINTS_FAILURE'],
  KEY_USAGE: ['INDETERMINATE', 'SIG_CONSTRAINTS_FAILURE'],
  REVOKED_NO_POE: ['INDETERMINATE', 'REVOKED_NO_POE'],
  REVOCATION_UNKNOWN: ['INDETERMINATE', 'TRY_LATER'],
  TIMESTAMP_INVALID: ['INDETERMINATE', 'SIG_CONSTRAINTS_FAILURE'],
};

/** The indication and sub-indication that a list of problems implies. */
export function deriveIndication(problems: readonly Problem[]): {
  indication: Indication;
  subIndication: SubIndication | null;
} {
  let indeterminate: Outcome | null = null;
  for (const p of problems) {
    const outcome = OUTCOMES[p.code as ProblemCode];
    if (!outcome) continue;
    if (outcome[0] === 'TOTAL_FAILED') {
      return { indication: outcome[0], subIndication: outcome[1] };
    }
    indeterminate ??= outcome;
  }
  return indeterminate
    ? { indication: indeterminate[0], subIndication: indeterminate[1] }
    : { indication: 'TOTAL_PASSED', subIndication: null };
}
