/**
 * What the citizen page needs from the verifier, kept narrow so that the page does not depend on
 * the whole report model: the verdict and its Vietnamese explanation, plus one line per signature.
 * {@link citizenCheckFromReport} adapts a full VerificationReport (src/verification).
 */
import type { VerificationReport } from '../verification/report';

/** The verifier's answer in plain words. */
export interface CitizenCheck {
  verdict: 'VALID' | 'MODIFIED' | 'INVALID' | 'INDETERMINATE' | 'NOT_SIGNED';
  explanationVi: string;
  signatures: { signer: string | null; signingTime: string | null; explanationVi: string }[];
}

/** Runs the full verifier on uploaded bytes. */
export type CitizenVerifyPdf = (bytes: Uint8Array) => Promise<CitizenCheck>;

/** Maps a verification report to the citizen's summary. */
export function citizenCheckFromReport(report: VerificationReport): CitizenCheck {
  return {
    verdict: report.verdict,
    explanationVi: report.explanation.vi,
    signatures: report.signatures.map((s) => ({
      signer: s.signer ? s.signer.subject : null,
      signingTime: s.timestampTime ?? s.claimedSigningTime,
      explanationVi: s.explanation.vi,
    })),
  };
}
