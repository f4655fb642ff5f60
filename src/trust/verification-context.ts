/**
 * The immutable context of one verification (style §3: no setter-configured validators): trust
 * anchors, the validation time (passed in, so tests fix time), whether the network may be used,
 * input limits and the online fetchers.
 */
import type { PdfLimits } from '../pdf/limits';
import type { TrustStore } from './trust-store';

/** Online revocation port (RFC 6960 OCSP, RFC 5280 CRL). Adapters do the HTTP; tests use fakes. */
export interface RevocationFetcher {
  /** DER OCSPResponse for `cert` issued by `issuer`, or null. */
  fetchOcsp(url: string, certDer: Buffer, issuerDer: Buffer): Promise<Buffer | null>;
  /** DER CRL from `url`, or null. */
  fetchCrl(url: string): Promise<Buffer | null>;
}

/** Everything verification needs besides the document. */
export interface VerificationContext {
  readonly trustStore: TrustStore;
  /** Validation time. @defaultValue the time the context is created */
  readonly now: Date;
  /** Fetch OCSP/CRL online when embedded data is missing. @defaultValue false */
  readonly allowNetwork: boolean;
  /** Missing revocation data: `soft-fail` accepts (Adobe/pyHanko default), `hard-fail` is INDETERMINATE. @defaultValue 'soft-fail' */
  readonly revocationPolicy: 'soft-fail' | 'hard-fail';
  /** Extra intermediates (configured pool). @defaultValue [] */
  readonly certificatePool: readonly Buffer[];
  /** PDF input limits. @defaultValue {} (the reader's defaults) */
  readonly limits: Partial<PdfLimits>;
  readonly fetchers: { readonly revocation?: RevocationFetcher };
}

/** Builds a frozen context; defaults are documented on {@link VerificationContext}. */
export function createVerificationContext(
  opts: Pick<VerificationContext, 'trustStore'> & Partial<VerificationContext>,
): VerificationContext {
  return Object.freeze({
    now: new Date(),
    allowNetwork: false,
    revocationPolicy: 'soft-fail' as const,
    certificatePool: [],
    limits: {},
    fetchers: {},
    ...opts,
  });
}
