/**
 * Derives the document verdict from the per-signature facts (issue 3 item 2): INVALID beats
 * MODIFIED beats INDETERMINATE beats VALID. A signature counts as broken when any integrity fact
 * fails, even if ETSI would call its sub-indication INDETERMINATE (e.g. a signing-certificate
 * attribute naming another certificate is a wrapping sign, not a trust gap).
 */
import type { DocumentVerdict, Problem, SignatureReport } from './report';

/** True when every integrity fact of the signature holds and it covers a whole revision. */
export function isIntact(s: SignatureReport): boolean {
  const i = s.integrity;
  const c = i.byteRangeChecks;
  return (
    c.present &&
    c.startsAtZero &&
    c.singleGap &&
    c.gapIsContents &&
    c.insideFile &&
    c.noOverlap &&
    i.digestMatches &&
    i.signatureValid &&
    i.signedAttributes.messageDigest &&
    i.signedAttributes.contentType &&
    i.signedAttributes.signingCertificate !== false &&
    s.coverage !== 'PARTIAL'
  );
}

/** True when the changes after this signature are outside the whitelist or break DocMDP/FieldMDP. */
export function isDisallowedChange(s: SignatureReport): boolean {
  return s.modifications.level === 'OTHER' || s.mdp.violated || !s.modifications.allowed;
}

/** The document verdict for a list of signature reports and document-level problems. */
export function deriveVerdict(
  signatures: readonly SignatureReport[],
  documentProblems: readonly Problem[],
): DocumentVerdict {
  if (signatures.length === 0) {
    return documentProblems.some((p) => p.code === 'SIGNATURE_UNREADABLE') ? 'INVALID' : 'NOT_SIGNED';
  }
  if (documentProblems.some((p) => p.code === 'SIGNATURE_UNREADABLE')) return 'INVALID';
  if (signatures.some((s) => !isIntact(s) || s.indication === 'TOTAL_FAILED')) {
    return 'INVALID';
  }
  if (documentProblems.some((p) => p.severity === 'error')) return 'MODIFIED';
  if (signatures.some(isDisallowedChange)) return 'MODIFIED';
  if (
    signatures.some((s) => s.indication !== 'TOTAL_PASSED' || !s.reachable) ||
    documentProblems.some((p) => p.severity === 'warning')
  ) {
    return 'INDETERMINATE';
  }
  return 'VALID';
}
