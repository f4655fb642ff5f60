/**
 * Ingress verification, once per distinct attachment: a cache of VALID verdicts keyed by
 * (sha256 of the PDF bytes, trust anchors, validation day). The same signed PDF relayed again
 * (fan-out copies, the same circular sent to many agencies, retries by a client) under the same
 * trust anchors on the same day gets the same answer from verifyPdf, so its report is reused
 * instead of redoing the CMS, chain and modification checks.
 *
 * Only VALID is cached: INVALID/MODIFIED/NOT_SIGNED are refused anyway and INDETERMINATE may
 * change as soon as revocation data arrives. An entry is dropped at the earliest of: the end of
 * its validation day (UTC), the earliest notAfter of a certificate in any reported chain (a
 * certificate expiring mid-day is never trusted past its expiry), and `maxAgeMs` after it was
 * verified (bounds how long a revocation published during the day can go unseen). Concurrent
 * requests for the same bytes share one verification.
 */
import { createHash } from 'node:crypto';
import type { AttachmentVerification, AttachmentVerifier } from './ports';

/** Options of {@link cachedAttachmentVerifier}. */
export interface VerificationCacheOptions {
  /**
   * Identifies the trust anchors the wrapped verifier judges with (e.g. the anchors' sha256 list
   * or the TrustStore id). @defaultValue 'bound' (the verifier's fixed, immutable trust store)
   */
  trustKey?: string;
  /** Longest reuse of a report, ms. @defaultValue 600000 (10 minutes) */
  maxAgeMs?: number;
  /** Most cached reports (the oldest are dropped first). @defaultValue 10000 */
  maxEntries?: number;
  /** Clock, for tests. @defaultValue Date.now */
  now?: () => number;
}

interface Entry {
  result: Promise<AttachmentVerification>;
  until: number;
}

const DAY_MS = 86_400_000;

/** Earliest notAfter in the report's signature chains (ms), or Infinity when none is listed. */
export function earliestNotAfter(report: unknown): number {
  let min = Infinity;
  const signatures = (report as { signatures?: { trust?: { chain?: { notAfter?: string }[] } }[] } | null)?.signatures ?? [];
  for (const s of signatures) {
    for (const c of s.trust?.chain ?? []) {
      const t = c.notAfter ? Date.parse(c.notAfter) : NaN;
      if (Number.isFinite(t) && t < min) min = t;
    }
  }
  return min;
}

/** Wraps `verify` with the cache described above; `stats()` counts hits and misses. */
export function cachedAttachmentVerifier(verify: AttachmentVerifier, opts: VerificationCacheOptions = {}): AttachmentVerifier & { stats(): { hits: number; misses: number; size: number } } {
  const trustKey = opts.trustKey ?? 'bound';
  const maxAgeMs = opts.maxAgeMs ?? 600_000;
  const maxEntries = opts.maxEntries ?? 10_000;
  const now = opts.now ?? Date.now;
  const cache = new Map<string, Entry>();
  let hits = 0;
  let misses = 0;

  const cached = async (bytes: Buffer, sha256?: string): Promise<AttachmentVerification> => {
    const t = now();
    const day = Math.floor(t / DAY_MS);
    const key = `${sha256 ?? createHash('sha256').update(bytes).digest('hex')}|${trustKey}|${day}`;
    const hit = cache.get(key);
    if (hit && hit.until > t) {
      hits++;
      return hit.result;
    }
    misses++;
    const entry: Entry = { result: verify(bytes), until: Math.min((day + 1) * DAY_MS, t + maxAgeMs) };
    if (cache.size >= maxEntries) cache.delete(cache.keys().next().value as string);
    cache.set(key, entry);
    try {
      const r = await entry.result;
      if (r.verdict !== 'VALID') cache.delete(key);
      else entry.until = Math.min(entry.until, earliestNotAfter(r.report));
      return r;
    } catch (e) {
      cache.delete(key);
      throw e;
    }
  };
  return Object.assign(cached, { stats: () => ({ hits, misses, size: cache.size }) });
}
