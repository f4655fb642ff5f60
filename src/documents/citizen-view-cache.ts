/**
 * A per-process read-through cache of what the citizen page shows (issue 4 item 4 and its
 * performance target: 2,000 requests per second on the page behind the QR code). Without it every
 * scan is a registry query; with it a hit costs a map look-up and one SHA-256 of the token.
 *
 * Freshness rules (the guarantee "revoking a document changes the page within the same request
 * cycle"):
 * - revoke/replace in this process call {@link CitizenViewCache.invalidate} after their commit and
 *   before they answer, so the next request reads the database again;
 * - a read that was under way when an invalidation happened is not stored (generation counter),
 *   so an answer read before the commit cannot come back after it;
 * - changes made by another process (another API instance on the same PostgreSQL, a manual
 *   UPDATE) show after at most `ttlMs` (default 1 s). `ttlMs: 0` turns caching off.
 * - an entry read in the last quarter of its TTL is reloaded in the background (refresh ahead),
 *   so a page in demand does not fall back to the database path; it is never served past its TTL;
 * - only completed documents are cached: unknown ids and pending reservations are never stored
 *   (nothing to invalidate when a reservation is completed, and no memory for guessed ids).
 *
 * The cache belongs to a database handle ({@link citizenViewCacheOf}): every use case given the
 * same `Kysely` instance shares it, so the issuer API and the citizen routes of one process agree.
 */
import type { Kysely } from 'kysely';

/** What is cached for one completed document. `view` objects are shared: treat them as read-only. */
export interface CitizenRecord<Status, Full> {
  /** SHA-256 of the access token (32 bytes). */
  tokenHash: Buffer;
  /** The status-only view (no token). */
  status: Status;
  /** The full view (right token). */
  full: Full;
}

/** Options of the cache. */
export interface CitizenViewCacheOptions {
  /** How long an entry is trusted without invalidation (changes by other processes). @defaultValue 1000 */
  ttlMs?: number;
  /** Entries kept at most, least recently used dropped first. @defaultValue 10000 */
  maxEntries?: number;
  /** Clock, for tests. @defaultValue Date.now */
  now?: () => number;
}

type Loader = (id: string) => Promise<CitizenRecord<unknown, unknown> | null>;

interface Entry {
  record: CitizenRecord<unknown, unknown>;
  /** Served until then (the read started at expiresAt - ttlMs). */
  expiresAt: number;
  /** From then on a hit also starts a background reload, so that a page in demand never misses. */
  refreshAt: number;
  load: Loader;
}

/** Bounded LRU with a TTL, synchronous invalidation and single-flight loading. */
export class CitizenViewCache {
  readonly ttlMs: number;
  readonly maxEntries: number;
  private readonly now: () => number;
  private readonly entries = new Map<string, Entry>();
  private readonly loading = new Map<string, Promise<CitizenRecord<unknown, unknown> | null>>();
  private generation = 0;

  constructor(opts: CitizenViewCacheOptions = {}) {
    this.ttlMs = Math.max(0, opts.ttlMs ?? 1000);
    this.maxEntries = Math.max(0, opts.maxEntries ?? 10_000);
    this.now = opts.now ?? Date.now;
  }

  /** Number of cached entries. */
  get size(): number {
    return this.entries.size;
  }

  /**
   * The record of `id`: from the cache when fresh, otherwise from `load` (one load per id at a
   * time; concurrent readers share it). `null` (unknown or not completed) is never stored.
   */
  read<S, F>(id: string, load: (id: string) => Promise<CitizenRecord<S, F> | null>): Promise<CitizenRecord<S, F> | null> | CitizenRecord<S, F> | null {
    const hit = this.peek<S, F>(id);
    if (hit) return hit;
    if (this.ttlMs === 0 || this.maxEntries === 0) return load(id);
    return (this.loading.get(id) ?? this.startLoad(id, load as Loader)) as Promise<CitizenRecord<S, F> | null>;
  }

  private startLoad(id: string, load: Loader): Promise<CitizenRecord<unknown, unknown> | null> {
    const generation = this.generation;
    const startedAt = this.now();
    const done = (): void => {
      if (this.loading.get(id) === promise) this.loading.delete(id);
    };
    const promise = load(id).then(
      (record) => {
        done();
        if (record && generation === this.generation) {
          this.store(id, { record, expiresAt: startedAt + this.ttlMs, refreshAt: startedAt + this.ttlMs * 0.75, load });
        }
        return record;
      },
      (e: unknown) => {
        done();
        throw e;
      },
    );
    this.loading.set(id, promise);
    return promise;
  }

  /** The fresh cached record of `id`, or undefined (never loads): for synchronous fast paths. */
  peek<S, F>(id: string): CitizenRecord<S, F> | undefined {
    const hit = this.entries.get(id);
    if (!hit) return undefined;
    this.entries.delete(id);
    if (hit.expiresAt <= this.now()) return undefined;
    this.entries.set(id, hit); // LRU: back at the most recent end
    if (hit.refreshAt <= this.now() && !this.loading.has(id)) {
      // refresh ahead; a failure is left to the next read after expiry, which reports it
      this.startLoad(id, hit.load).catch(() => undefined);
    }
    return hit.record as CitizenRecord<S, F>;
  }

  /** Forgets `id` now; reads already under way will not store what they read. */
  invalidate(id: string): void {
    this.generation++;
    this.entries.delete(id);
    this.loading.delete(id);
  }

  /** Forgets everything. */
  clear(): void {
    this.generation++;
    this.entries.clear();
    this.loading.clear();
  }

  private store(id: string, entry: Entry): void {
    this.entries.delete(id);
    this.entries.set(id, entry);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }
}

const caches = new WeakMap<object, CitizenViewCache>();

/** The cache of a database handle, created with the defaults on first use. */
export function citizenViewCacheOf(db: Kysely<any>): CitizenViewCache {
  let cache = caches.get(db);
  if (!cache) {
    cache = new CitizenViewCache();
    caches.set(db, cache);
  }
  return cache;
}

/**
 * Replaces the cache of a database handle with one built from `opts` (composition root:
 * `configureCitizenViewCache(database.db, { ttlMs: config.CITIZEN_CACHE_TTL_MS })`).
 */
export function configureCitizenViewCache(db: Kysely<any>, opts: CitizenViewCacheOptions): CitizenViewCache {
  const cache = new CitizenViewCache(opts);
  caches.set(db, cache);
  return cache;
}
