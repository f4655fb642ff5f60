/**
 * Adapter: online revocation data over HTTP (RFC 6960 OCSP by POST, RFC 5280 CRL by GET), used
 * only when a VerificationContext allows the network. Bounded in time and size; any failure is
 * "no answer" (the verifier then reports the revocation status as not checked).
 */
import { buildOcspRequest } from '../cms/build-ocsp-request';
import type { RevocationFetcher } from './verification-context';

/** Options of {@link httpRevocationFetcher}. */
export interface HttpRevocationFetcherOptions {
  /** Per-request timeout. @defaultValue 5000 */
  timeoutMs?: number;
  /** Largest response accepted. @defaultValue 10 MiB */
  maxBytes?: number;
  /** Cache lifetime of a CRL by URL (CRLs are shared by every certificate of an issuer). @defaultValue 300000 */
  crlCacheMs?: number;
  /** The fetch implementation, for tests. @defaultValue globalThis.fetch */
  fetch?: typeof fetch;
}

async function readBounded(res: Response, maxBytes: number): Promise<Buffer | null> {
  if (!res.ok) return null;
  const length = Number(res.headers.get('content-length') ?? '0');
  if (length > maxBytes) return null;
  const body = Buffer.from(await res.arrayBuffer());
  return body.length > maxBytes ? null : body;
}

/** Builds the fetcher. Only http(s) URLs are followed. */
export function httpRevocationFetcher(opts: HttpRevocationFetcherOptions = {}): RevocationFetcher {
  const timeoutMs = opts.timeoutMs ?? 5000;
  const maxBytes = opts.maxBytes ?? 10 * 1024 * 1024;
  const crlCacheMs = opts.crlCacheMs ?? 300_000;
  const doFetch = opts.fetch ?? fetch;
  const crls = new Map<string, { at: number; der: Promise<Buffer | null> }>();
  const allowed = (url: string) => /^https?:\/\//i.test(url);
  return {
    async fetchOcsp(url, certDer, issuerDer) {
      if (!allowed(url)) return null;
      const { der } = buildOcspRequest(certDer, issuerDer);
      const res = await doFetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/ocsp-request', accept: 'application/ocsp-response' },
        body: der,
        signal: AbortSignal.timeout(timeoutMs),
      });
      return readBounded(res, maxBytes);
    },
    async fetchCrl(url) {
      if (!allowed(url)) return null;
      const hit = crls.get(url);
      if (hit && Date.now() - hit.at < crlCacheMs) return hit.der;
      const der = doFetch(url, { signal: AbortSignal.timeout(timeoutMs) })
        .then((res) => readBounded(res, maxBytes))
        .catch(() => null);
      crls.set(url, { at: Date.now(), der });
      return der;
    },
  };
}
