/**
 * Verification's public surface: verifyPdf, the report model and its JSON Schema validator, and
 * the context it runs in.
 */
export { verifyPdf } from './verify-pdf';
export type * from './report';
export { validateReport } from './validate-report';
export { PROBLEMS, VERDICT_EXPLANATIONS, type ProblemCode } from './explanations';
export { createVerificationContext, type VerificationContext, type RevocationFetcher } from '../trust/verification-context';
export { TrustStore, loadTrustStore, staticTrustAnchorSource, certificatesFromBytes, type TrustAnchorSource } from '../trust/trust-store';
